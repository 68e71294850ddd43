package integration

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cairn-sfn/cairn/server"
)

// TestAWSThroughServer runs a Standard execution through the real API
// with the Router as the server's Invoker and moto as SQS and DynamoDB: a
// .waitForTaskToken task sends its token through SQS, the test plays the
// worker (ReceiveMessage, then SendTaskSuccess with the SDK), and a
// DynamoDB failure is caught under its AWS name.
func TestAWSThroughServer(t *testing.T) {
	t.Parallel()
	url := motoURL(t)
	ctx := t.Context()
	m := newMotoClients(url, testAccount)
	prefix := "cairn-srv-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	q, err := m.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(prefix + "-work")})
	if err != nil {
		t.Fatal(err)
	}
	table := prefix + "-table"
	if err := m.createTable(ctx, table, "id"); err != nil {
		t.Fatal(err)
	}
	router := mustRouter(t, Config{AWS: AWSConfig{Region: testRegion, Endpoints: map[string]string{"sqs": url, "dynamodb": url}}})
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), WaitScale: -1}, server.Deps{Invoker: router})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
	}}
	t.Cleanup(transport.CloseIdleConnections)
	c := sfn.New(sfn.Options{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String("http://" + srv.Addr()),
		HTTPClient:   &http.Client{Transport: transport},
	})
	// The callback task comes last: the engine does not yet complete a
	// task that follows a callback in the server (TaskStarted, no answer).
	def := `{"StartAt": "Save", "States": {
	  "Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
	          "Parameters": {"TableName": "` + table + `", "Item": {"id": {"S.$": "$.order"}}, "ConditionExpression": "attribute_not_exists(id)"},
	          "ResultPath": null, "Next": "SaveAgain"},
	  "SaveAgain": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
	          "Parameters": {"TableName": "` + table + `", "Item": {"id": {"S.$": "$.order"}}, "ConditionExpression": "attribute_not_exists(id)"},
	          "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.duplicate", "Next": "Ask"}],
	          "ResultPath": null, "Next": "Ask"},
	  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	          "Parameters": {"QueueUrl": "` + *q.QueueUrl + `", "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
	          "ResultPath": "$.answer", "End": true}}}`
	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("Orders"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::" + testAccount + ":role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	started, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn, Input: aws.String(`{"order": "o-1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	// The worker: take the message, answer with its token.
	var msgs *sqs.ReceiveMessageOutput
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		msgs, err = m.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs.Messages) > 0 {
			break
		}
	}
	if msgs == nil || len(msgs.Messages) == 0 {
		t.Fatal("no message with a task token reached the queue")
	}
	body := *msgs.Messages[0].Body
	var token string
	if _, rest, ok := strings.Cut(body, `"token":"`); ok {
		token, _, _ = strings.Cut(rest, `"`)
	}
	if token == "" || !strings.Contains(body, `"order":"o-1"`) {
		t.Fatalf("message body %s lacks the token or the order", body)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(`{"approved":true}`)}); err != nil {
		t.Fatal(err)
	}
	var out *sfn.DescribeExecutionOutput
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != sfntypes.ExecutionStatusRunning {
			break
		}
	}
	got := aws.ToString(out.Output)
	for _, want := range []string{`"answer":{"approved":true}`, `"Error":"DynamoDB.ConditionalCheckFailedException"`} {
		if out.Status != sfntypes.ExecutionStatusSucceeded || !strings.Contains(got, want) {
			t.Errorf("status %s output %s (error %s %s), want SUCCEEDED with %s", out.Status, got, aws.ToString(out.Error), aws.ToString(out.Cause), want)
		}
	}
}
