// Package integration runs the resources of Task states: it holds the
// engine.Invoker implementations Cairn ships, one file each, and the
// Router that picks one by resource.
//
//   - mock.go: Step Functions Local's mock configuration (SFN_MOCK_CONFIG),
//     which answers any Task kind for executions started with a test case;
//   - http.go: arn:aws:states:::http:invoke, with connections declared in
//     Cairn's configuration (connection.go) instead of EventBridge;
//   - lambda.go: arn:aws:states:::lambda:invoke and bare function ARNs,
//     run through a Lambda API endpoint (LAMBDA_ENDPOINT), a local HTTP URL
//     or a local command;
//   - aws.go: the AWS services, through the AWS SDK for Go: optimized
//     DynamoDB (dynamodb.go), SQS (sqs.go), SNS (sns.go) and EventBridge
//     (eventbridge.go) tasks, and arn:aws:states:::aws-sdk:<service>:<action>
//     for those and S3 (s3.go), at the endpoints AWSConfig names (local
//     emulators) or on AWS. Any action of the SDK's client works:
//     awsvalue.go converts parameters to the SDK's request structs and
//     responses back by reflection, field names being the API's
//     PascalCase names in both.
//
// Failures an AWS integration reports with a name (Lambda.Unknown,
// States.Http.StatusCode.404, a function's errorType,
// DynamoDB.ConditionalCheckFailedException, S3.NoSuchKeyException) are
// returned as *engine.TaskError so that Retry and Catch see the names AWS
// would give.
// Activities and .waitForTaskToken callbacks are the engine's: the Router
// only starts the work (or answers from a mock).
package integration
