package main

import (
	"bytes"
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
