package teststate

import (
	"testing"

	"github.com/cairn-sfn/cairn/api"
)

// FuzzTestStateConfiguration feeds arbitrary stateConfiguration, mock and
// context combinations to the runner: it may refuse them, never panic or
// answer without a status.
func FuzzTestStateConfiguration(f *testing.F) {
	const mapDef = `{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItems":1},"Parameters":{"Bucket":"b","Key":"k"}},` +
		`"ToleratedFailureCount":1,"ItemBatcher":{"MaxItemsPerBatch":2},"ItemSelector":{"v.$":"$$.Map.Item.Value"},` +
		`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`
	for _, s := range []struct {
		def, result, errName, causedBy, readerData, context string
		retries, failures                                   int32
	}{
		{mapDef, `[1]`, "", "", `[1,2,3]`, "", -1, 2},
		{mapDef, ``, "E", "P", `a,b`, `{"Map":{}}`, 3, 0},
		{`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["E"],"MaxAttempts":2}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true}`, ``, "E", "", "", `{"State":{"RetryCount":"x"}}`, 5, -1},
		{`{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}`, `null`, "", "B", `{}`, `[]`, 0, 1},
	} {
		f.Add(s.def, s.result, s.errName, s.causedBy, s.readerData, s.context, s.retries, s.failures)
	}
	r := newRunner(nil)
	f.Fuzz(func(t *testing.T, def, result, errName, causedBy, readerData, context string, retries, failures int32) {
		in := &api.TestStateInput{Definition: def, Input: `{"a":[1,2]}`, InspectionLevel: "TRACE", Context: context}
		switch {
		case errName != "":
			in.Mock = &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: errName, Cause: result}}
		case result != "":
			in.Mock = &api.MockInput{Result: result}
		}
		c := &api.TestStateConfiguration{ErrorCausedByState: causedBy, MapItemReaderData: readerData}
		if retries >= 0 {
			c.RetrierRetryCount = &retries
		}
		if failures >= 0 {
			c.MapIterationFailureCount = &failures
		}
		in.StateConfiguration = c
		out, err := r.TestState(t.Context(), in)
		if err == nil && out.Status == "" {
			t.Fatal("an answer without a status")
		}
	})
}
