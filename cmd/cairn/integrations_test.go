package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunWithMocks runs a Lambda task from a mock configuration through
// `cairn run --mock-config --test-case`.
func TestRunWithMocks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := `{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"]}], "OutputPath": "$.Payload", "End": true}}}`
	mocks := `{"StateMachines": {"Orders": {"TestCases": {"Happy": {"Call": "Busy"}}}},
	  "MockedResponses": {"Busy": {"0": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}}, "1": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}}}}`
	defFile := filepath.Join(dir, "Orders.asl.json")
	mockFile := filepath.Join(dir, "mocks.json")
	if err := os.WriteFile(defFile, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mockFile, []byte(mocks), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"run", defFile, "--mock-config", mockFile, "--test-case", "Happy"}, 0, `"output":"{\"ok\":true}"`, ""},
		{[]string{"run", defFile, "--mock-config", mockFile, "--test-case", "Sad"}, 1, `"error":"States.Runtime"`, ""},
		{[]string{"run", defFile}, 1, `Lambda.ResourceNotFoundException`, ""},
		{[]string{"run", defFile, "--test-case", "Happy"}, 2, "", "--test-case needs --mock-config"},
		{[]string{"run", defFile, "--mock-config", filepath.Join(dir, "missing.json")}, 2, "", "mock config"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := dispatch(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("cairn %v: exit %d, stdout %s, stderr %s", tt.args[2:], code, stdout.String(), stderr.String())
		}
	}
}

// TestAWSEndpointsFromFlagsAndEnv checks where the AWS service
// integrations' endpoints come from: --aws-endpoints, then Step Functions
// Local's variables, then the SDKs' per-service ones; --aws-endpoint, then
// AWS_ENDPOINT_URL, for the rest.
func TestAWSEndpointsFromFlagsAndEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		flags     integrationFlags
		env       map[string]string
		catchAll  string
		endpoints map[string]string
		err       string
	}{
		{name: "nothing", endpoints: map[string]string{}},
		{
			name:      "step functions local variables",
			env:       map[string]string{"SQS_ENDPOINT": "http://sqs", "DYNAMODB_ENDPOINT": "http://ddb", "AWS_ENDPOINT_URL_SQS": "http://other", "AWS_ENDPOINT_URL_S3": "http://s3"},
			endpoints: map[string]string{"sqs": "http://sqs", "dynamodb": "http://ddb", "s3": "http://s3"},
		},
		{
			name:      "flags win",
			flags:     integrationFlags{awsEndpoint: "http://all", awsEndpoints: "sns=http://sns, events=http://ev"},
			env:       map[string]string{"SNS_ENDPOINT": "http://env-sns", "AWS_ENDPOINT_URL": "http://env-all", "EVENTBRIDGE_ENDPOINT": "http://env-ev"},
			catchAll:  "http://all",
			endpoints: map[string]string{"sns": "http://sns", "events": "http://ev"},
		},
		{
			name:      "catch-all from the environment",
			env:       map[string]string{"AWS_ENDPOINT_URL": "http://env-all"},
			catchAll:  "http://env-all",
			endpoints: map[string]string{},
		},
		{name: "unknown service", flags: integrationFlags{awsEndpoints: "kinesis=http://k"}, err: "--aws-endpoints"},
		{name: "no URL", flags: integrationFlags{awsEndpoints: "sqs"}, err: "--aws-endpoints"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			cfg, err := tt.flags.awsConfig(getenv, "eu-west-1", nil)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Endpoint != tt.catchAll || cfg.Region != "eu-west-1" || !maps.Equal(cfg.Endpoints, tt.endpoints) {
				t.Errorf("got %q %q %v, want %q %v", cfg.Endpoint, cfg.Region, cfg.Endpoints, tt.catchAll, tt.endpoints)
			}
		})
	}
}

// TestRunAWSTaskUnreachable runs an SQS task through `cairn run` against
// an endpoint where nothing listens: the task fails at once with the name
// AWS gives client-side failures, and the cause names the endpoint.
func TestRunAWSTaskUnreachable(t *testing.T) {
	t.Parallel()
	def := `{"StartAt": "Send", "States": {"Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
	  "Parameters": {"QueueUrl": "http://127.0.0.1:1/123456789012/q", "MessageBody": "hi"}, "End": true}}}`
	defFile := filepath.Join(t.TempDir(), "Send.asl.json")
	if err := os.WriteFile(defFile, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := dispatch([]string{"run", defFile, "--aws-endpoint", "http://127.0.0.1:1"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stdout.String(), `"error":"SQS.SdkClientException"`) || !strings.Contains(stdout.String(), "http://127.0.0.1:1") {
		t.Errorf("exit %d, stdout %s, stderr %s", code, stdout.String(), stderr.String())
	}
}
