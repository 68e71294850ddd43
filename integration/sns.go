package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/middleware"
)

// snsService is arn:aws:states:::sns:publish (+ .waitForTaskToken) and
// arn:aws:states:::aws-sdk:sns:<action>. A Message given as JSON is sent
// as its text.
var snsService = awsService{
	id:          "sns",
	sdkID:       "sns",
	envVar:      "SNS_ENDPOINT",
	optimized:   []string{"publish"},
	sdkName:     "Sns",
	v1Prefix:    "SNS",
	v1Service:   "AmazonSNS",
	v1Exception: "AmazonSNSException",
	metadata:    true,
	newClient: func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any {
		return sns.NewFromConfig(cfg, func(o *sns.Options) {
			if endpoint != "" {
				o.BaseEndpoint = &endpoint
			}
			o.APIOptions = append(o.APIOptions, api...)
		})
	},
}
