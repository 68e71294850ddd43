package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/smithy-go/middleware"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

// eventBridgeService is arn:aws:states:::events:putEvents (+
// .waitForTaskToken) and arn:aws:states:::aws-sdk:eventbridge:<action>. An
// entry's Detail given as JSON is sent as its text. As on AWS, an
// optimized putEvents with failed entries fails with
// EventBridge.FailedEntry, the response as its cause.
var eventBridgeService = awsService{
	id:        "events",
	sdkID:     "eventbridge",
	envVar:    "EVENTBRIDGE_ENDPOINT",
	optimized: []string{"putEvents"},
	sdkName:   "EventBridge",
	modeled: "AccessDeniedException ConcurrentModificationException IllegalStatusException " +
		"InternalException InvalidEventPatternException InvalidStateException " +
		"LimitExceededException ManagedRuleException OperationDisabledException " +
		"PolicyLengthExceededException ResourceAlreadyExistsException ResourceNotFoundException " +
		"ThrottlingException",
	v1Prefix:    "EventBridge",
	v1Service:   "AmazonEventBridge",
	v1Exception: "AmazonEventBridgeException",
	check: func(out *value.Object) error {
		n, _ := out.Get("FailedEntryCount")
		if c, ok := n.(value.Number); ok && c != "0" {
			return &engine.TaskError{Name: "EventBridge.FailedEntry", Cause: value.String(out)}
		}
		return nil
	},
	newClient: func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any {
		return eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) {
			if endpoint != "" {
				o.BaseEndpoint = &endpoint
			}
			o.APIOptions = append(o.APIOptions, api...)
		})
	},
}
