package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
)

// s3Service is arn:aws:states:::aws-sdk:s3:<action>, and the resources a
// Map's ItemReader and ResultWriter name (arn:aws:states:::s3:getObject,
// listObjectsV2, putObject), so that the engine can read and write items
// through the Router. A PutObject Body is sent as text (JSON as its text);
// a GetObject Body comes back as text.
// Local endpoints are addressed path-style (http://host/bucket/key), which
// emulators expect.
var s3Service = awsService{
	id:        "s3",
	sdkID:     "s3",
	envVar:    "S3_ENDPOINT",
	optimized: []string{"getObject", "listObjectsV2", "putObject"},
	sdkName:   "S3",
	modeled: "AccessDenied AnnotationLimitExceeded AnnotationNameTooLong BucketAlreadyExists " +
		"BucketAlreadyOwnedByYou EncryptionTypeMismatch IdempotencyParameterMismatch " +
		"InvalidAnnotationName InvalidObjectState InvalidPrefix InvalidRequest InvalidWriteOffset " +
		"NoSuchAnnotation NoSuchBucket NoSuchKey NoSuchUpload NotFound " +
		"ObjectAlreadyInActiveTierError ObjectNotInActiveTierError TooManyParts " +
		"UnsupportedMediaType",
	v1Prefix:    "S3",
	v1Service:   "Amazon S3",
	v1Exception: "AmazonS3Exception",
	headerMaps:  []string{"Metadata"},
	newClient: func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any {
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			if endpoint != "" {
				o.BaseEndpoint = &endpoint
				o.UsePathStyle = true
			}
			o.APIOptions = append(o.APIOptions, api...)
		})
	},
}
