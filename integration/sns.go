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
	id:        "sns",
	sdkID:     "sns",
	envVar:    "SNS_ENDPOINT",
	optimized: []string{"publish"},
	sdkName:   "Sns",
	modeled: "AuthorizationError=AuthorizationErrorException " +
		"BatchEntryIdsNotDistinct=BatchEntryIdsNotDistinctException " +
		"BatchRequestTooLong=BatchRequestTooLongException " +
		"ConcurrentAccess=ConcurrentAccessException EmptyBatchRequest=EmptyBatchRequestException " +
		"EndpointDisabled=EndpointDisabledException " +
		"FilterPolicyLimitExceeded=FilterPolicyLimitExceededException " +
		"InternalError=InternalErrorException InvalidBatchEntryId=InvalidBatchEntryIdException " +
		"InvalidParameter=InvalidParameterException " +
		"ParameterValueInvalid=InvalidParameterValueException " +
		"InvalidSecurity=InvalidSecurityException InvalidState=InvalidStateException " +
		"KMSAccessDenied=KMSAccessDeniedException KMSDisabled=KMSDisabledException " +
		"KMSInvalidState=KMSInvalidStateException KMSNotFound=KMSNotFoundException KMSOptInRequired " +
		"KMSThrottling=KMSThrottlingException NotFound=NotFoundException OptedOut=OptedOutException " +
		"PlatformApplicationDisabled=PlatformApplicationDisabledException " +
		"ReplayLimitExceeded=ReplayLimitExceededException " +
		"ResourceNotFound=ResourceNotFoundException StaleTag=StaleTagException " +
		"SubscriptionLimitExceeded=SubscriptionLimitExceededException " +
		"TagLimitExceeded=TagLimitExceededException TagPolicy=TagPolicyException " +
		"Throttled=ThrottledException " +
		"TooManyEntriesInBatchRequest=TooManyEntriesInBatchRequestException " +
		"TopicLimitExceeded=TopicLimitExceededException UserError=UserErrorException " +
		"ValidationException VerificationException",
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
