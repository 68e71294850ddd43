package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// motoClients are SDK clients for preparing a moto_server (tables,
// queues, topics, buckets) before a state machine uses it.
type motoClients struct {
	ddb *dynamodb.Client
	sqs *sqs.Client
	sns *sns.Client
	s3  *s3.Client
}

func newMotoClients(url, account string) motoClients {
	cfg := aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(account, "secret", ""),
	}
	return motoClients{
		ddb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = &url }),
		sqs: sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = &url }),
		sns: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = &url }),
		s3:  s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = &url, true }),
	}
}

func (m motoClients) createTable(ctx context.Context, name, key string) error {
	_, err := m.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &name,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: &key, AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: &key, KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	return err
}

// TestAWSIntegrationsAgainstMoto runs state machines calling DynamoDB,
// SQS, SNS, S3 and EventBridge on a moto_server through the Router: the
// results have the API's shapes and failures the names AWS gives them,
// which Catch sees.
func TestAWSIntegrationsAgainstMoto(t *testing.T) {
	t.Parallel()
	url := motoURL(t)
	ctx := t.Context()
	m := newMotoClients(url, testAccount)
	prefix := "cairn-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	table, queue, topic, bucket := prefix+"-table", prefix+"-queue", prefix+"-topic", prefix+"-bucket"
	if err := m.createTable(ctx, table, "id"); err != nil {
		t.Fatal(err)
	}
	q, err := m.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &queue})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := m.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: &topic})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	router := mustRouter(t, Config{AWS: AWSConfig{Region: testRegion, Endpoint: url}})

	// catchAll wraps one Task state so that its failure becomes the output.
	catchAll := func(resource, params string) string {
		return `{"StartAt": "T", "States": {
		  "T": {"Type": "Task", "Resource": "` + resource + `", "Parameters": ` + params + `,
		        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
		  "Caught": {"Type": "Pass", "End": true}}}`
	}
	tests := []struct {
		name, def, input string
		// want are substrings of the output (or of error and cause).
		want []string
		// error is the failed execution's error name; "" for success.
		error string
	}{
		{
			name: "dynamodb put, update and get (optimized)",
			def: `{"StartAt": "Put", "States": {
			  "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
			          "Parameters": {"TableName": "` + table + `", "Item": {"id": {"S": "a"}, "n": {"N": "1"}, "tags": {"SS": ["x"]}}},
			          "ResultPath": "$.put", "Next": "Update"},
			  "Update": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
			          "Parameters": {"TableName": "` + table + `", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET n = n + :one",
			                         "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"},
			          "ResultSelector": {"n.$": "$.Attributes.n.N"}, "ResultPath": "$.update", "Next": "Get"},
			  "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
			          "Parameters": {"TableName": "` + table + `", "Key": {"id": {"S": "a"}}},
			          "ResultSelector": {"item.$": "$.Item", "status.$": "$.SdkHttpMetadata.HttpStatusCode"}, "ResultPath": "$.get", "End": true}}}`,
			input: `{}`,
			want:  []string{`"update":{"n":"2"}`, `"item":{"id":{"S":"a"},"n":{"N":"2"},"tags":{"SS":["x"]}}`, `"status":200`, `"put":{"SdkHttpMetadata"`},
		},
		{
			name: "dynamodb conditional put fails with a modeled error",
			def: catchAll("arn:aws:states:::dynamodb:putItem", `{"TableName": "`+table+`", "Item": {"id": {"S": "a"}},
			  "ConditionExpression": "attribute_not_exists(id)"}`),
			input: `{}`,
			want:  []string{`"Error":"DynamoDB.ConditionalCheckFailedException"`, `(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: `},
		},
		{
			name:  "dynamodb aws-sdk on a missing table",
			def:   catchAll("arn:aws:states:::aws-sdk:dynamodb:getItem", `{"TableName": "no-such-table", "Key": {"id": {"S": "a"}}}`),
			input: `{}`,
			want:  []string{`"Error":"DynamoDb.ResourceNotFoundException"`, `(Service: DynamoDb, Status Code: 400, Request ID: `},
		},
		{
			name: "sqs send JSON then receive it (aws-sdk)",
			def: `{"StartAt": "Send", "States": {
			  "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
			           "Parameters": {"QueueUrl": "` + *q.QueueUrl + `", "MessageBody": {"order.$": "$.order"}},
			           "ResultSelector": {"md5.$": "$.MD5OfMessageBody"}, "ResultPath": "$.sent", "Next": "Receive"},
			  "Receive": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:receiveMessage",
			           "Parameters": {"QueueUrl": "` + *q.QueueUrl + `", "MaxNumberOfMessages": 1},
			           "ResultSelector": {"body.$": "$.Messages[0].Body"}, "ResultPath": "$.received", "End": true}}}`,
			input: `{"order": 42}`,
			want:  []string{`"received":{"body":"{\"order\":42}"}`, `"sent":{"md5":"`},
		},
		{
			name:  "sqs send to a missing queue",
			def:   catchAll("arn:aws:states:::sqs:sendMessage", `{"QueueUrl": "`+url+`/123456789012/no-such-queue", "MessageBody": "x"}`),
			input: `{}`,
			want:  []string{`"Error":"SQS.QueueDoesNotExistException"`, `Service: AmazonSQS; Status Code: 400;`},
		},
		{
			name:  "sns publish",
			def:   catchAll("arn:aws:states:::sns:publish", `{"TopicArn": "`+*tp.TopicArn+`", "Message": {"hello": "world"}}`),
			input: `{}`,
			want:  []string{`"MessageId":"`, `"SdkResponseMetadata":{"RequestId":`},
		},
		{
			name:  "sns publish to a missing topic",
			def:   catchAll("arn:aws:states:::sns:publish", `{"TopicArn": "arn:aws:sns:us-east-1:123456789012:no-such-topic", "Message": "x"}`),
			input: `{}`,
			want:  []string{`"Error":"SNS.NotFoundException"`, `(Service: AmazonSNS; Status Code: 404; Error Code: NotFound;`},
		},
		{
			name: "s3 put and get an object (aws-sdk)",
			def: `{"StartAt": "Put", "States": {
			  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
			          "Parameters": {"Bucket": "` + bucket + `", "Key": "k.json", "Body.$": "$.doc"}, "ResultSelector": {"etag.$": "$.ETag"}, "ResultPath": "$.put", "Next": "Get"},
			  "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
			          "Parameters": {"Bucket": "` + bucket + `", "Key": "k.json"},
			          "ResultSelector": {"body.$": "States.StringToJson($.Body)", "length.$": "$.ContentLength"}, "ResultPath": "$.get", "End": true}}}`,
			input: `{"doc": {"a": [1, 2]}}`,
			want:  []string{`"get":{"body":{"a":[1,2]},"length":11}`, `"put":{"etag":"\"`},
		},
		{
			name: "s3 as an ItemReader reads it",
			def: `{"StartAt": "Put", "States": {
			  "Put": {"Type": "Task", "Resource": "arn:aws:states:::s3:putObject",
			          "Parameters": {"Bucket": "` + bucket + `", "Key": "items.csv", "Body": "a,b\n1,2\n"}, "ResultPath": null, "Next": "List"},
			  "List": {"Type": "Task", "Resource": "arn:aws:states:::s3:listObjectsV2",
			          "Parameters": {"Bucket": "` + bucket + `", "Prefix": "items"}, "ResultSelector": {"keys.$": "$.Contents[*].Key"}, "ResultPath": "$.list", "Next": "Get"},
			  "Get": {"Type": "Task", "Resource": "arn:aws:states:::s3:getObject",
			          "Parameters": {"Bucket": "` + bucket + `", "Key": "items.csv"}, "ResultSelector": {"body.$": "$.Body"}, "ResultPath": "$.get", "End": true}}}`,
			input: `{}`,
			want:  []string{`"list":{"keys":["items.csv"]}`, `"get":{"body":"a,b\n1,2\n"}`},
		},
		{
			name:  "s3 get a missing key",
			def:   catchAll("arn:aws:states:::aws-sdk:s3:getObject", `{"Bucket": "`+bucket+`", "Key": "missing"}`),
			input: `{}`,
			want:  []string{`"Error":"S3.NoSuchKeyException"`, `(Service: S3, Status Code: 404, Request ID: `},
		},
		{
			name:  "s3 get from a missing bucket",
			def:   catchAll("arn:aws:states:::aws-sdk:s3:getObject", `{"Bucket": "no-such-bucket-cairn", "Key": "k"}`),
			input: `{}`,
			want:  []string{`"Error":"S3.NoSuchBucketException"`, `Extended Request ID: `},
		},
		{
			name:  "s3 list a missing bucket",
			def:   catchAll("arn:aws:states:::aws-sdk:s3:listObjects", `{"Bucket": "no-such-bucket-cairn"}`),
			input: `{}`,
			want:  []string{`"Error":"S3.NoSuchBucketException"`},
		},
		{
			name:  "eventbridge put events",
			def:   catchAll("arn:aws:states:::events:putEvents", `{"Entries": [{"Source": "cairn.test", "DetailType": "t", "Detail": {"k": "v"}}]}`),
			input: `{}`,
			want:  []string{`"FailedEntryCount":0`, `"Entries":[{"EventId":"`},
		},
		{
			name:  "a parameter the API does not have",
			def:   catchAll("arn:aws:states:::sqs:sendMessage", `{"QueueUrl": "`+*q.QueueUrl+`", "Body": "x"}`),
			input: `{}`,
			error: "States.Runtime",
			want:  []string{"Parameters.Body: not a member of SendMessage"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runDefinition(t, tt.def, tt.input, "", router)
			got := value.String(res.Output)
			if tt.error != "" {
				if res.Status != interp.Failed || res.Error != tt.error {
					t.Fatalf("status %s error %s (%s), want FAILED %s", res.Status, res.Error, res.Cause, tt.error)
				}
				got = res.Cause
			} else if res.Status != interp.Succeeded {
				t.Fatalf("status %s error %s (%s)", res.Status, res.Error, res.Cause)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s\ndoes not contain %s", got, w)
				}
			}
		})
	}
}

// TestAWSWithoutEndpointOrCredentials checks that a service with neither
// an endpoint nor credentials fails at once, naming what to configure,
// and that credentials which never resolve do not hang the task.
func TestAWSWithoutEndpointOrCredentials(t *testing.T) {
	t.Parallel()
	never := aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		<-ctx.Done()
		return aws.Credentials{}, ctx.Err()
	})
	tests := []struct {
		name     string
		cfg      AWSConfig
		resource string
		want     []string
	}{
		{"no credentials", AWSConfig{Endpoints: map[string]string{"sqs": "http://127.0.0.1:1"}}, "arn:aws:states:::dynamodb:getItem",
			[]string{"DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL", "credentials"}},
		{"credentials that never come", AWSConfig{Credentials: never, CredentialsTimeout: 50 * time.Millisecond}, "arn:aws:states:::aws-sdk:s3:listBuckets",
			[]string{"S3_ENDPOINT", "no AWS credentials were found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := NewAWS(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			task := engine.Task{RunTask: interp.RunTask{Resource: tt.resource, Input: value.NewObject(0)}}
			_, err = a.Invoke(t.Context(), task)
			te, ok := err.(*engine.TaskError)
			if !ok || te.Name != "States.Runtime" {
				t.Fatalf("error %v, want States.Runtime", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(te.Cause, w) {
					t.Errorf("cause %q does not mention %s", te.Cause, w)
				}
			}
		})
	}
	for _, bad := range []AWSConfig{
		{Endpoints: map[string]string{"sqs2": "http://x"}},
		{Endpoints: map[string]string{"sqs": "localhost:4566"}},
		{Endpoint: "ftp://x"},
	} {
		if _, err := New(Config{AWS: bad}); err == nil {
			t.Errorf("New accepted %+v", bad)
		}
	}
}

// TestParseAWSResource checks which resources the AWS invoker takes.
func TestParseAWSResource(t *testing.T) {
	t.Parallel()
	a, err := NewAWS(AWSConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		resource string
		handled  bool
	}{
		{"arn:aws:states:::dynamodb:getItem", true},
		{"arn:aws:states:::dynamodb:query", false}, // not optimized: aws-sdk only
		{"arn:aws:states:::aws-sdk:dynamodb:query", true},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", true},
		{"arn:aws:states:::sns:publish", true},
		{"arn:aws:states:::events:putEvents", true},
		{"arn:aws:states:::aws-sdk:eventbridge:putEvents", true},
		{"arn:aws:states:::aws-sdk:events:putEvents", false},
		{"arn:aws-cn:states:::aws-sdk:s3:getObject", true},
		{"arn:aws:states:::s3:getObject", true}, // ItemReader's
		{"arn:aws:states:::s3:deleteObject", false},
		{"arn:aws:states:::aws-sdk:ec2:describeInstances", false},
		{"arn:aws:states:::lambda:invoke", false},
		{"arn:aws:states:::aws-sdk:s3", false},
		{"arn:aws:states:us-east-1:1:activity:a", false},
	}
	for _, tt := range tests {
		if got := a.Handles(tt.resource); got != tt.handled {
			t.Errorf("Handles(%s) = %v, want %v", tt.resource, got, tt.handled)
		}
	}
}

// FuzzAWSParameters feeds arbitrary parameters to the request builder of
// a few actions: it returns an error or a request, never panics.
func FuzzAWSParameters(f *testing.F) {
	for _, seed := range []string{
		`{"TableName": "t", "Item": {"id": {"S": "a"}, "n": {"N": "1"}, "m": {"M": {"l": {"L": [{"NULL": true}, {"BS": ["AA=="]}]}}}}}`,
		`{"QueueUrl": "u", "MessageBody": {"a": [1, 2]}, "DelaySeconds": 3, "MessageAttributes": {"k": {"DataType": "Binary", "BinaryValue": "x"}}}`,
		`{"Bucket": "b", "Key": "k", "Body": 12, "Expires": "2024-01-01T00:00:00Z", "ContentLength": "7"}`,
		`{"Item": {"id": {"Q": 1}}}`, `{"DelaySeconds": 1e99}`, `{"Expires": 1.5}`, `[]`, `{"Item": {"x": {"S": 1, "N": "2"}}}`,
	} {
		f.Add(seed)
	}
	a, err := NewAWS(AWSConfig{Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		f.Fatal(err)
	}
	var inputs []reflect.Type
	for _, name := range []string{"PutItem", "UpdateItem"} {
		inputs = append(inputs, reflect.ValueOf(a.sdk["dynamodb"].client).MethodByName(name).Type().In(1))
	}
	inputs = append(inputs,
		reflect.ValueOf(a.sdk["sqs"].client).MethodByName("SendMessage").Type().In(1),
		reflect.ValueOf(a.sdk["s3"].client).MethodByName("PutObject").Type().In(1),
		reflect.ValueOf(a.sdk["eventbridge"].client).MethodByName("PutEvents").Type().In(1))
	f.Fuzz(func(t *testing.T, params string) {
		v, err := value.ParseString(params)
		if err != nil {
			return
		}
		for _, in := range inputs {
			if got, err := toGo(v, in, "Parameters"); err == nil {
				fromGo(got) // a built request reads back
			}
		}
		parseAWSResource(params)
	})
}

// TestAWSErrorNames checks the names and causes of failures against a fake
// DynamoDB endpoint (no moto needed): modeled and unmodeled errors for
// optimized and aws-sdk tasks, an answer that is no AWS error, and an
// endpoint where nothing listens.
func TestAWSErrorNames(t *testing.T) {
	t.Parallel()
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", "req-1")
		switch r.URL.Path {
		case "/html", "/html/":
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "<html>oops</html>")
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		if strings.Contains(string(body), "gone") {
			fmt.Fprint(w, `{"__type": "com.amazonaws.dynamodb.v20120810#TableNotFoundException", "message": "no table"}`)
			return
		}
		if strings.Contains(string(body), "cond") {
			fmt.Fprint(w, `{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": "The conditional request failed"}`)
			return
		}
		fmt.Fprint(w, `{"__type": "com.amazon.coral.validate#ValidationException", "message": "bad item"}`)
	}))
	t.Cleanup(fake.Close)
	tests := []struct {
		endpoint, resource, table string
		name, cause               string
	}{
		{fake.URL, "arn:aws:states:::dynamodb:putItem", "cond", "DynamoDB.ConditionalCheckFailedException",
			"The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: req-1; Proxy: null)"},
		{fake.URL, "arn:aws:states:::aws-sdk:dynamodb:putItem", "cond", "DynamoDb.ConditionalCheckFailedException",
			"The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: req-1)"},
		// Not an error PutItem models, but one of DynamoDB's: named all the same.
		{fake.URL, "arn:aws:states:::aws-sdk:dynamodb:putItem", "gone", "DynamoDb.TableNotFoundException", "no table (Service: DynamoDb"},
		{fake.URL, "arn:aws:states:::dynamodb:putItem", "t", "DynamoDB.AmazonDynamoDBException",
			"bad item (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: req-1; Proxy: null)"},
		{fake.URL, "arn:aws:states:::aws-sdk:dynamodb:putItem", "t", "DynamoDb.DynamoDbException",
			"bad item (Service: DynamoDb, Status Code: 400, Request ID: req-1)"},
		{fake.URL + "/html", "arn:aws:states:::dynamodb:putItem", "t", "DynamoDB.AmazonDynamoDBException", "Status Code: 500; Error Code: null"},
		{"http://127.0.0.1:1", "arn:aws:states:::aws-sdk:dynamodb:putItem", "t", "DynamoDb.SdkClientException", "Unable to execute HTTP request to http://127.0.0.1:1"},
	}
	for _, tt := range tests {
		a, err := NewAWS(AWSConfig{Endpoint: tt.endpoint})
		if err != nil {
			t.Fatal(err)
		}
		params := value.ObjectOf("TableName", tt.table, "Item", value.ObjectOf("id", value.ObjectOf("S", "a")))
		_, err = a.Invoke(t.Context(), engine.Task{RunTask: interp.RunTask{Resource: tt.resource, Input: params}})
		te, ok := err.(*engine.TaskError)
		if !ok || te.Name != tt.name || !strings.Contains(te.Cause, tt.cause) {
			t.Errorf("%s at %s on %s: %v, want %s: %s", tt.resource, tt.endpoint, tt.table, err, tt.name, tt.cause)
		}
	}
}
