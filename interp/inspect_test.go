package interp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// watcher is an Inspector that writes down what it is told, one line each.
type watcher struct {
	log     []string
	fanout  func(items []any) (any, *asl.Failure, bool)
	items   any
	retries int
}

var stageNames = map[interp.Stage]string{
	interp.StageInput: "input", interp.StageAfterInputPath: "afterInputPath", interp.StageAfterParameters: "afterParameters",
	interp.StageAfterArguments: "afterArguments", interp.StageAfterItemsPath: "afterItemsPath",
	interp.StageMaxConcurrency: "maxConcurrency", interp.StageToleratedFailureCount: "toleratedFailureCount",
	interp.StageToleratedFailurePercentage: "toleratedFailurePercentage", interp.StageResult: "result",
	interp.StageAfterResultSelector: "afterResultSelector", interp.StageAfterResultPath: "afterResultPath",
	interp.StageOutput: "output", interp.StageNext: "next", interp.StageAssigned: "assigned",
}

func (w *watcher) Inspect(s *asl.State, stage interp.Stage, v any) {
	w.log = append(w.log, fmt.Sprintf("%s %s %s", s.Name, stageNames[stage], value.String(v)))
}

func (w *watcher) Fanout(s *asl.State, items []any) (any, *asl.Failure, bool) {
	w.log = append(w.log, fmt.Sprintf("%s fanout %s", s.Name, value.String(items)))
	if w.fanout == nil {
		return nil, nil, false
	}
	return w.fanout(items)
}

func (w *watcher) ReaderItems(s *asl.State) (any, bool) { return w.items, w.items != nil }

func (w *watcher) Retries(s *asl.State, retrier int) int { return w.retries }

func (w *watcher) Routed(s *asl.State, f *asl.Failure, r interp.Route) {
	w.log = append(w.log, fmt.Sprintf("%s routed %s retrier=%d retry=%t delay=%s catcher=%d", s.Name, f.Name, r.Retrier, r.Retry, r.Delay, r.Catcher))
}

func TestInspector(t *testing.T) {
	t.Parallel()
	fail := func(task interp.RunTask) (any, string, string) { return nil, "E", "c" }
	tests := []struct {
		name    string
		def     string
		input   string
		handler handler
		w       *watcher
		want    []string
	}{
		{"jsonpath pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","Parameters":{"b.$":"$"},"ResultPath":"$.r","OutputPath":"$.r","End":true}}}`,
			`{"a":1}`, identity, &watcher{}, []string{
				`P input {"a":1}`, `P afterInputPath 1`, `P afterParameters {"b":1}`, `P afterResultSelector {"b":1}`,
				`P afterResultPath {"a":1,"r":{"b":1}}`, `P output {"b":1}`, `P next ""`}},
		{"task result and selector", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"x.$":"$.v"},"Next":"S"},"S":{"Type":"Succeed"}}}`,
			`{"v":2}`, identity, &watcher{}, []string{
				`T input {"v":2}`, `T afterInputPath {"v":2}`, `T afterParameters {"v":2}`, `T result {"v":2}`,
				`T afterResultSelector {"x":2}`, `T afterResultPath {"x":2}`, `T output {"x":2}`, `T next "S"`,
				`S input {"x":2}`, `S afterInputPath {"x":2}`, `S output {"x":2}`, `S next ""`}},
		{"jsonata arguments and assignment", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"n":"{% $states.input.n %}"},"Assign":{"v":1},"End":true}}}`,
			`{"n":3}`, identity, &watcher{}, []string{
				`T input {"n":3}`, `T afterInputPath {"n":3}`, `T afterArguments {"n":3}`, `T result {"n":3}`,
				`T assigned {"v":1}`, `T output {"n":3}`, `T next ""`}},
		{"retry with prior retries, then catch", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["E"],"MaxAttempts":2,"IntervalSeconds":3}],"Catch":[{"ErrorEquals":["X"],"Next":"H"},{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`,
			`{}`, fail, &watcher{retries: 1}, []string{
				`T input {}`, `T afterInputPath {}`, `T afterParameters {}`,
				`T routed E retrier=0 retry=true delay=6s catcher=-1`,
				`T afterInputPath {}`, `T afterParameters {}`,
				`T routed E retrier=0 retry=false delay=0s catcher=1`,
				`T output {"Error":"E","Cause":"c"}`, `T next "H"`,
				`H input {"Error":"E","Cause":"c"}`, `H afterInputPath {"Error":"E","Cause":"c"}`, `H output {"Error":"E","Cause":"c"}`, `H next ""`}},
		{"fan-out stand-in", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":2,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{"xs":[1,2]}`, identity, &watcher{fanout: func(items []any) (any, *asl.Failure, bool) { return []any{"done"}, nil, true }}, []string{
				`M input {"xs":[1,2]}`, `M afterInputPath {"xs":[1,2]}`, `M afterItemsPath [1,2]`, `M maxConcurrency 2`,
				`M fanout [1,2]`, `M afterResultSelector ["done"]`, `M afterResultPath ["done"]`, `M output ["done"]`, `M next ""`}},
		{"fan-out failure is routed", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}}}`,
			`{}`, identity, &watcher{fanout: func([]any) (any, *asl.Failure, bool) { return nil, asl.Fail("M", "mocked"), true }}, []string{
				`P input {}`, `P afterInputPath {}`, `P afterParameters {}`, `P fanout []`, `P routed M retrier=-1 retry=false delay=0s catcher=-1`}},
		{"item reader items and tolerance", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ToleratedFailureCount":1,"End":true}}}`,
			`{}`, identity, &watcher{items: []any{value.Int(7)}, fanout: func(items []any) (any, *asl.Failure, bool) { return items, nil, true }}, []string{
				`M input {}`, `M afterInputPath {}`, `M afterItemsPath [7]`, `M maxConcurrency 0`, `M toleratedFailureCount 1`,
				`M fanout [7]`, `M afterResultSelector [7]`, `M afterResultPath [7]`, `M output [7]`, `M next ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := info(tt.input)
			in.Inspector = tt.w
			x := interp.New(parse(t, tt.def), in)
			drive(t, x, tt.handler)
			if got, want := strings.Join(tt.w.log, "\n"), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("inspector saw\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestInfoContextAndVariables: a given context object stands for $$ whole
// (a task token joins it), and given variables are visible from the start.
func TestInfoContextAndVariables(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"ctx.$":"$$","v.$":"$v"},"End":true}}}`)
	in := info(`{}`)
	in.Context = value.ObjectOf("Custom", "yes")
	in.Variables = value.ObjectOf("v", value.Int(5))
	x := interp.New(sm, in)
	var params any
	drive(t, x, func(task interp.RunTask) (any, string, string) {
		params = task.Input
		return value.NewObject(0), "", ""
	})
	o, _ := params.(*value.Object)
	ctx, _ := o.Get("ctx")
	c, _ := ctx.(*value.Object)
	if got, _ := c.Get("Custom"); got != "yes" || !c.Has("Task") || c.Has("Execution") {
		t.Errorf("$$ = %s, want the given context plus Task", value.String(ctx))
	}
	if v, _ := o.Get("v"); !value.Equal(v, value.Int(5)) {
		t.Errorf("$v = %s, want 5", value.String(v))
	}
	if x.Status() != interp.Succeeded {
		t.Fatalf("status %s", x.Status())
	}
}
