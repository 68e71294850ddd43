package api

import (
	"encoding/json"
	"testing"
)

// A start request tells an absent input (AWS's "{}") from an empty one
// (invalid), and keeps its other members.
func TestStartInputSent(t *testing.T) {
	for _, c := range []struct {
		body  string
		input string
		sent  bool
	}{
		{`{"stateMachineArn":"a","name":"n"}`, "", false},
		{`{"stateMachineArn":"a","name":"n","input":""}`, "", true},
		{`{"stateMachineArn":"a","name":"n","input":"{\"x\":1}"}`, `{"x":1}`, true},
		{`{"stateMachineArn":"a","name":"n","input":null}`, "", false},
	} {
		var in StartExecutionInput
		if err := json.Unmarshal([]byte(c.body), &in); err != nil {
			t.Fatal(err)
		}
		var sync StartSyncExecutionInput
		if err := json.Unmarshal([]byte(c.body), &sync); err != nil {
			t.Fatal(err)
		}
		if in.StateMachineArn != "a" || in.Name != "n" || in.Input != c.input || in.inputSet != c.sent {
			t.Errorf("%s: StartExecution %+v", c.body, in)
		}
		if sync.StateMachineArn != "a" || sync.Name != "n" || sync.Input != c.input || sync.inputSet != c.sent {
			t.Errorf("%s: StartSyncExecution %+v", c.body, sync)
		}
	}
}
