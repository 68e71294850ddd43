package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

const retryMocks = `{
  "StateMachines": {"Machine": {"TestCases": {
    "Flaky": {"Send": "FlakyQueue"},
    "Broken": {"Send": "AlwaysDown"},
    "Partial": {}
  }}},
  "MockedResponses": {
    "FlakyQueue": {
      "0-1": {"Throw": {"Error": "SQS.ServiceUnavailable", "Cause": "try later"}},
      "2": {"Return": {"MessageId": "m-1", "MD5OfMessageBody": "x"}}
    },
    "AlwaysDown": {"0-3": {"Throw": {"Error": "SQS.ServiceUnavailable", "Cause": "down"}}}
  }
}`

func TestParseMocksErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		want      []string // every fragment must be in the error
	}{
		{"not json", `{`, []string{"mock config"}},
		{"not object", `[]`, []string{"top level must be an object"}},
		{"bad key", `{"MockedResponses": {"R": {"x": {"Return": 1}}}}`, []string{`"x" is not an invocation number`}},
		{"reversed range", `{"MockedResponses": {"R": {"3-1": {"Return": 1}}}}`, []string{`"3-1"`}},
		{"both", `{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}`, []string{"exactly one of Return and Throw"}},
		{"neither", `{"MockedResponses": {"R": {"0": {}}}}`, []string{"exactly one of Return and Throw"}},
		{"throw without error", `{"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}`, []string{"Throw.Error must be a non-empty string"}},
		{"overlap", `{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}`, []string{"invocation 2 is answered twice"}},
		{"unknown response", `{"StateMachines": {"M": {"TestCases": {"C": {"S": "Nope"}}}}}`, []string{`no mocked response named "Nope"`}},
		{"every problem at once", `{"StateMachines": {"M": {"TestCases": {"C": {"S": 3}}}}, "MockedResponses": {"R": {"a": {}}}}`,
			[]string{"must name a mocked response", `"a" is not an invocation number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMocks([]byte(tt.doc))
			if err == nil {
				t.Fatalf("ParseMocks(%s) succeeded", tt.doc)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestMockLookup(t *testing.T) {
	t.Parallel()
	cfg, err := ParseMocks([]byte(retryMocks))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		testCase, state string
		invocation      int
		mocked, throw   bool
		errName, output string
		lookupErr       string
	}{
		{"Flaky", "Send", 0, true, true, "SQS.ServiceUnavailable", "", ""},
		{"Flaky", "Send", 1, true, true, "SQS.ServiceUnavailable", "", ""},
		{"Flaky", "Send", 2, true, false, "", `{"MessageId":"m-1","MD5OfMessageBody":"x"}`, ""},
		{"Flaky", "Send", 3, true, false, "", "", "has no answer for invocation 3"},
		{"Flaky", "Other", 0, false, false, "", "", ""},
		{"Partial", "Send", 0, false, false, "", "", ""},
	}
	for _, tt := range tests {
		ans, mocked, err := cfg.Lookup(testMachine, tt.testCase, tt.state, tt.invocation)
		if mocked != tt.mocked {
			t.Errorf("%s/%s#%d: mocked %v, want %v", tt.testCase, tt.state, tt.invocation, mocked, tt.mocked)
		}
		if tt.lookupErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.lookupErr) {
				t.Errorf("%s/%s#%d: error %v, want %q", tt.testCase, tt.state, tt.invocation, err, tt.lookupErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s/%s#%d: %v", tt.testCase, tt.state, tt.invocation, err)
			continue
		}
		if ans.Throw != tt.throw || ans.Error != tt.errName {
			t.Errorf("%s/%s#%d: answer %+v", tt.testCase, tt.state, tt.invocation, ans)
		}
		if tt.output != "" && value.String(ans.Output) != tt.output {
			t.Errorf("%s/%s#%d: output %s, want %s", tt.testCase, tt.state, tt.invocation, value.String(ans.Output), tt.output)
		}
	}
	if !cfg.Has(testMachine, "Partial") || cfg.Has(testMachine, "Nope") || cfg.Has("Other", "Flaky") {
		t.Error("Has answers wrongly")
	}
}

// sendDefinition retries an SQS task (which Cairn cannot run) and catches
// what is left.
const sendDefinition = `{
  "StartAt": "Send",
  "States": {
    "Send": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$"},
      "Retry": [{"ErrorEquals": ["SQS.ServiceUnavailable"], "IntervalSeconds": 1, "MaxAttempts": 2}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Gave up"}],
      "End": true
    },
    "Gave up": {"Type": "Pass", "End": true}
  }
}`

// TestMocksEndToEnd runs executions with test cases through engine.Run:
// ranges, Throw, retries and catches are real.
func TestMocksEndToEnd(t *testing.T) {
	t.Parallel()
	cfg, err := ParseMocks([]byte(retryMocks))
	if err != nil {
		t.Fatal(err)
	}
	router := mustRouter(t, Config{Mocks: StaticMocks(cfg)})
	tests := []struct {
		testCase   string
		status     string
		output     string
		error      string
		taskFailed int
	}{
		{"Flaky", interp.Succeeded, `{"MessageId":"m-1","MD5OfMessageBody":"x"}`, "", 2},
		{"Broken", interp.Succeeded, `{"n":1,"error":{"Error":"SQS.ServiceUnavailable","Cause":"down"}}`, "", 3},
		// No mock for the state and no integration: States.Runtime,
		// which States.ALL does not catch.
		{"Partial", interp.Failed, "", "States.Runtime", 1},
		{"NoSuchCase", interp.Failed, "", "States.Runtime", 1},
		{"", interp.Failed, "", "States.Runtime", 1},
	}
	for _, tt := range tests {
		t.Run(tt.testCase, func(t *testing.T) {
			t.Parallel()
			res := runDefinition(t, sendDefinition, `{"n":1}`, tt.testCase, router)
			if res.Status != tt.status || res.Error != tt.error {
				t.Fatalf("status %s error %s (%s), want %s %s", res.Status, res.Error, res.Cause, tt.status, tt.error)
			}
			if tt.output != "" && value.String(res.Output) != tt.output {
				t.Errorf("output %s, want %s", value.String(res.Output), tt.output)
			}
			if n := len(eventsOf(t, res, "TaskFailed")); n != tt.taskFailed {
				t.Errorf("%d TaskFailed events, want %d: %v", n, tt.taskFailed, eventTypes(res))
			}
		})
	}
	res := runDefinition(t, sendDefinition, `{}`, "", router)
	if !strings.Contains(res.Cause, "no integration for arn:aws:states:::sqs:sendMessage: set SQS_ENDPOINT or AWS_ENDPOINT_URL") {
		t.Errorf("cause %q does not name the missing integration", res.Cause)
	}
	res = runDefinition(t, sendDefinition, `{}`, "NoSuchCase", router)
	if !strings.Contains(res.Cause, "no test case 'NoSuchCase'") {
		t.Errorf("cause %q does not name the missing test case", res.Cause)
	}
}

// TestMocksAnswerEveryKind checks that a mock replaces Lambda, HTTP and
// activity tasks alike, and that a bare function ARN's mocked Invoke
// response gives the payload.
func TestMocksAnswerEveryKind(t *testing.T) {
	t.Parallel()
	cfg, err := ParseMocks([]byte(`{
	  "StateMachines": {"Machine": {"TestCases": {"All": {"Fn": "Fn", "Invoke": "Invoke", "Call": "Call", "Work": "Work"}}}},
	  "MockedResponses": {
	    "Fn": {"0": {"Return": {"StatusCode": 200, "Payload": {"fn": true}}}},
	    "Invoke": {"0": {"Return": {"StatusCode": 200, "Payload": {"invoke": true}}}},
	    "Call": {"0": {"Return": {"StatusCode": 200, "ResponseBody": {"http": true}}}},
	    "Work": {"0": {"Return": {"activity": true}}}
	  }}`))
	if err != nil {
		t.Fatal(err)
	}
	router := mustRouter(t, Config{Mocks: StaticMocks(cfg)})
	def := `{"StartAt": "Fn", "States": {
	  "Fn": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "ResultPath": "$.fn", "Next": "Invoke"},
	  "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.invoke", "Next": "Call"},
	  "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://example.com", "Method": "GET"}, "ResultSelector": {"b.$": "$.ResponseBody"}, "ResultPath": "$.call", "Next": "Work"},
	  "Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "ResultPath": "$.work", "End": true}}}`
	res := runDefinition(t, def, `{}`, "All", router)
	want := `{"fn":{"fn":true},"invoke":{"p":{"invoke":true}},"call":{"b":{"http":true}},"work":{"activity":true}}`
	if res.Status != interp.Succeeded || value.String(res.Output) != want {
		t.Fatalf("status %s %s %s, output %s, want %s", res.Status, res.Error, res.Cause, value.String(res.Output), want)
	}
	wantTypes := []string{"LambdaFunctionSucceeded", "TaskSucceeded", "TaskSucceeded", "ActivitySucceeded"}
	var got []string
	for _, ty := range eventTypes(res) {
		if strings.HasSuffix(ty, "Succeeded") && ty != "ExecutionSucceeded" {
			got = append(got, ty)
		}
	}
	if !slices.Equal(got, wantTypes) {
		t.Errorf("answers recorded as %v, want %v", got, wantTypes)
	}
}

// TestMocksReload checks that a changed file is read again on next use.
func TestMocksReload(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mocks.json")
	write := func(ret string, at time.Time) {
		doc := `{"StateMachines": {"Machine": {"TestCases": {"C": {"S": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": ` + ret + `}}}}`
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	write(`1`, base)
	m, err := LoadMocks(path)
	if err != nil {
		t.Fatal(err)
	}
	router := mustRouter(t, Config{Mocks: m})
	task := engine.Task{RunTask: interp.RunTask{StateName: "S", Resource: "arn:aws:states:::sns:publish"}, StateMachineName: testMachine, TestCase: "C"}
	answer := func() string {
		out, err := router.Invoke(t.Context(), task)
		if err != nil {
			return "error: " + err.Error()
		}
		return value.String(out.(engine.Mocked).Output)
	}
	if got := answer(); got != "1" {
		t.Fatalf("first answer %s", got)
	}
	write(`22`, base.Add(time.Second))
	if got := answer(); got != "22" {
		t.Fatalf("after rewrite: %s, want 22", got)
	}
	write(`{`, base.Add(2*time.Second))
	if got := answer(); !strings.HasPrefix(got, "error: States.Runtime") {
		t.Fatalf("broken file answered %s", got)
	}
	if _, err := LoadMocks(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadMocks of a missing file succeeded")
	}
}

func FuzzParseMocks(f *testing.F) {
	f.Add([]byte(retryMocks))
	f.Add([]byte(`{"MockedResponses": {"R": {"0-999999999": {"Return": null}}}}`))
	f.Add([]byte(`{"MockedResponses": {"R": {"-1": {"Return": 1}, "1-": {"Throw": {"Error": ""}}}}}`))
	f.Add([]byte(`{"StateMachines": {"M": {"TestCases": []}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseMocks(data)
		if err != nil {
			return
		}
		for m, cases := range cfg.cases {
			for c, states := range cases {
				for s := range states {
					for i := range 4 {
						cfg.Lookup(m, c, s, i)
					}
				}
			}
		}
	})
}
