package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"
)

// sqsService is arn:aws:states:::sqs:sendMessage (.waitForTaskToken: the
// engine waits for the callback once the message is sent) and
// arn:aws:states:::aws-sdk:sqs:<action>. A MessageBody given as JSON is
// sent as its text. The SDK speaks SQS's JSON protocol.
var sqsService = awsService{
	id:        "sqs",
	sdkID:     "sqs",
	envVar:    "SQS_ENDPOINT",
	optimized: []string{"sendMessage"},
	sdkName:   "Sqs",
	modeled: "BatchEntryIdsNotDistinct BatchRequestTooLong EmptyBatchRequest InvalidAddress " +
		"InvalidAttributeName InvalidAttributeValue InvalidBatchEntryId InvalidIdFormat " +
		"InvalidMessageContents InvalidSecurity KmsAccessDenied KmsDisabled KmsInvalidKeyUsage " +
		"KmsInvalidState KmsNotFound KmsOptInRequired KmsThrottled MessageNotInflight OverLimit " +
		"PurgeQueueInProgress QueueDeletedRecently QueueDoesNotExist QueueNameExists " +
		"ReceiptHandleIsInvalid RequestThrottled ResourceNotFoundException " +
		"TooManyEntriesInBatchRequest UnsupportedOperation",
	v1Prefix:    "SQS",
	v1Service:   "AmazonSQS",
	v1Exception: "AmazonSQSException",
	metadata:    true,
	newClient: func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any {
		return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
			if endpoint != "" {
				o.BaseEndpoint = &endpoint
			}
			o.APIOptions = append(o.APIOptions, api...)
		})
	},
}
