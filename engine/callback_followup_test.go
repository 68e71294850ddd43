package engine

import (
	"context"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/value"
)

// A plain task after a .waitForTaskToken task runs and ends the execution.
func TestTaskAfterCallback(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"CB","States":{
		"CB":{"Type":"Task","Resource":"`+callbackResource+`","Parameters":{"token.$":"$$.Task.Token"},"Next":"After"},
		"After":{"Type":"Task","Resource":"`+fnA+`","End":true}}}`)
	tokens := make(chan string, 1)
	inv := Handlers{
		callbackResource: func(ctx context.Context, in any) (any, error) {
			tok, _ := in.(*value.Object).Get("token")
			tokens <- tok.(string)
			return "sent", nil
		},
		fnA: func(ctx context.Context, in any) (any, error) { return "after", nil },
	}
	e := startEngine(t, Config{}, Deps{Store: st, Invoker: inv})
	ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SendTaskSuccess(t.Context(), <-tokens, `{"ok":1}`); err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st, []string{ex.ARN}, 5*time.Second)
	if got, _ := st.GetExecution(t.Context(), ex.ARN); got.Status != interp.Succeeded {
		t.Fatalf("%s %s", got.Status, got.Cause)
	}
}
