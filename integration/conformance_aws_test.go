package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cairn-sfn/cairn/internal/conformance"
)

const (
	// recordedAccount is the recordings' account, which moto is told to
	// use so that ARNs in the inputs resolve.
	recordedAccount = "111111111111"
	awsBaselineFile = "conformance_aws_moto.txt"
)

// motoServices are the services the AWS integrations cover.
var motoServices = []string{"dynamodb", "sqs", "sns", "s3", "events"}

// TestConformanceAWSOnMoto replays the recorded executions that call
// DynamoDB, SQS, SNS, S3 or EventBridge against a moto_server: for each
// case it empties moto, repeats the recorded setup calls (queues, topics,
// tables, buckets, objects) and runs the execution through the Router.
// Callback tasks (.waitForTaskToken) need a worker the recordings do not
// replay and are left out. It fails when a case passes fewer levels than
// the baseline says.
func TestConformanceAWSOnMoto(t *testing.T) {
	t.Parallel()
	path := conformance.DefaultPath()
	if path == "" {
		t.Skip("../shared/conformance/cases.jsonl not found: the AWS recordings are not beside this checkout")
	}
	cases, err := conformance.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cases = conformance.Filter(cases, func(c *conformance.Case) bool {
		if c.Kind != "execution" || !c.HasHistory() || len(c.Services) == 0 {
			return false
		}
		for _, s := range c.Services {
			if !slices.Contains(motoServices, s) {
				return false
			}
		}
		def, _ := c.DefinitionText()
		return !strings.Contains(def, ".waitForTaskToken")
	})
	if len(cases) == 0 {
		t.Fatal("no DynamoDB, SQS, SNS, S3 or EventBridge execution cases in the recordings")
	}
	url := ownMoto(t, recordedAccount)
	m := newMotoClients(url, recordedAccount)
	router, err := New(Config{AWS: AWSConfig{
		Region:      testRegion,
		Endpoint:    url,
		Credentials: credentials.NewStaticCredentialsProvider(recordedAccount, "secret", ""),
	}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(ctx context.Context, c *conformance.Case) (*conformance.Result, error) {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := resetMoto(ctx, url); err != nil {
			return nil, err
		}
		if err := m.setup(ctx, c.AWSSetupCalls); err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
		return runCase(ctx, c, router, recordedAccount, "")
	}
	env := conformance.Env{Account: recordedAccount, Region: testRegion, RoleArn: "arn:aws:iam::" + recordedAccount + ":role/cairn"}
	rep := conformance.Run(t.Context(), cases, run, env)
	t.Logf("DynamoDB, SQS, SNS, S3 and EventBridge cases on moto: %s", rep.Summary())
	conformance.Verify(t, filepath.Join("testdata", awsBaselineFile), rep, *update)
}

// setupCall is one of the AWS calls a recorded test made before starting
// its execution.
type setupCall struct {
	Service string                     `json:"service"`
	Op      string                     `json:"op"`
	Args    map[string]json.RawMessage `json:"args"`
}

// setup repeats a case's setup calls on moto.
func (m motoClients) setup(ctx context.Context, raw json.RawMessage) error {
	var calls []setupCall
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &calls); err != nil {
			return err
		}
	}
	for _, c := range calls {
		arg := func(k string) string {
			var s string
			if err := json.Unmarshal(c.Args[k], &s); err != nil {
				// Binary bodies are recorded as {"__bytes_utf8__": text}.
				var b struct {
					Text string `json:"__bytes_utf8__"`
				}
				json.Unmarshal(c.Args[k], &b)
				s = b.Text
			}
			return s
		}
		var err error
		switch c.Service + "." + c.Op {
		case "dynamodb.read":
		case "dynamodb.fixture:dynamodb_create_table":
			err = m.createTable(ctx, arg("table_name"), arg("partition_key"))
		case "sqs.create_queue":
			_, err = m.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(arg("QueueName"))})
		case "sns.create_topic":
			_, err = m.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(arg("Name"))})
		case "sns.subscribe":
			_, err = m.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arg("TopicArn")), Protocol: aws.String(arg("Protocol")), Endpoint: aws.String(arg("Endpoint"))})
		case "s3.fixture:s3_create_bucket":
			_, err = m.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(arg("Bucket"))})
		case "s3.put_object":
			// boto3 sent no Content-Type, for which S3 stores
			// binary/octet-stream; the Go SDK would send its own.
			_, err = m.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(arg("Bucket")), Key: aws.String(arg("Key")),
				Body: strings.NewReader(arg("Body")), ContentType: aws.String("binary/octet-stream")})
		default:
			err = fmt.Errorf("Cairn's replay does not know it")
		}
		if err != nil {
			return fmt.Errorf("%s.%s: %w", c.Service, c.Op, err)
		}
	}
	return nil
}
