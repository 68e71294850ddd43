package asl_test

import (
	"encoding/json"
	"testing"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/internal/conformance"
)

// TestRecordedDefinitionsParse checks that every definition AWS accepted in
// the recorded cases (executions and output-only runs, and the child state
// machines they start) passes validation.
func TestRecordedDefinitionsParse(t *testing.T) {
	t.Parallel()
	path := conformance.DefaultPath()
	if path == "" {
		t.Skip("../shared/conformance/cases.jsonl not found")
	}
	cases, err := conformance.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range cases {
		c := &cases[i]
		if !conformance.ExecutionKinds(c) {
			continue
		}
		if len(c.Definition) == 0 || string(c.Definition) == "null" {
			continue
		}
		def, err := c.DefinitionText()
		if err != nil {
			t.Fatal(err)
		}
		n++
		if _, err := asl.Parse([]byte(def)); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
		var others map[string]json.RawMessage
		if len(c.OtherStateMachines) > 0 && json.Unmarshal(c.OtherStateMachines, &others) == nil {
			for name, raw := range others {
				text := string(raw)
				var s string
				if json.Unmarshal(raw, &s) == nil {
					text = s
				}
				n++
				if _, err := asl.Parse([]byte(text)); err != nil {
					t.Errorf("%s (child %s): %v", c.ID, name, err)
				}
			}
		}
	}
	t.Logf("%d recorded definitions checked", n)
}
