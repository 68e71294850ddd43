package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/value"
)

// nestedPrefix is the resource of the nested-execution integration.
const nestedPrefix = "arn:aws:states:::states:startExecution"

// watcher is a parent task waiting for a child execution to end.
type watcher struct {
	parent string
	taskID int64
	json   bool // .sync:2 answers with JSON, .sync with JSON text
}

// startNested starts a child execution for a Task state of parent. The
// child's name is derived from the parent's task when not given, so a
// parent recovered after a crash finds the same child instead of starting
// another. Only a resumed task (run again after a replay) adopts an
// existing child; otherwise a taken name fails the task, as on AWS.
func (e *Engine) startNested(ctx context.Context, parent string, task Task, resumed bool) {
	mode := strings.TrimPrefix(task.Resource, nestedPrefix)
	params, _ := task.Input.(*value.Object)
	str := func(k string) string { v, _ := params.Get(k); s, _ := v.(string); return s }
	input := "{}"
	if v, ok := params.Get("Input"); ok && v != nil {
		if s, isStr := v.(string); isStr {
			input = s
		} else {
			input = value.String(v)
		}
	}
	name := str("Name")
	if name == "" {
		sum := sha256.Sum256([]byte(parent + "/" + strconv.FormatInt(task.TaskID, 10)))
		name = fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	}
	fail := func(errName, cause string) {
		e.deliver(parent, interp.TaskFailed{Time: e.clock().UTC(), TaskID: task.TaskID, Error: errName, Cause: cause})
	}
	child, err := e.StartExecution(ctx, StartRequest{StateMachineARN: str("StateMachineArn"), Name: name, Input: input})
	if errors.Is(err, ErrExecutionExists) && resumed {
		// Started before a crash, and maybe already ended.
		child, err = e.deps.Store.GetExecution(ctx, e.childARN(str("StateMachineArn"), name))
	}
	switch {
	case errors.Is(err, ErrExecutionExists):
		fail("StepFunctions.ExecutionAlreadyExistsException", err.Error())
		return
	case errors.Is(err, ErrStateMachineNotFound):
		fail("StepFunctions.StateMachineDoesNotExistException", err.Error())
		return
	case errors.Is(err, ErrInvalidDefinition):
		fail("StepFunctions.InvalidDefinitionException", err.Error())
		return
	case err != nil:
		fail("StepFunctions.SfnException", err.Error())
		return
	}
	started := startResponse(child)
	switch mode {
	case "":
		e.deliver(parent, interp.TaskSucceeded{Time: e.clock().UTC(), TaskID: task.TaskID, Output: started})
		return
	case ".waitForTaskToken":
		return // the child answers with SendTaskSuccess or SendTaskFailure
	}
	e.deliver(parent, interp.TaskSubmitted{Time: e.clock().UTC(), TaskID: task.TaskID, Output: started})
	e.mu.Lock()
	e.watchers[child.ARN] = append(e.watchers[child.ARN], watcher{parent: parent, taskID: task.TaskID, json: mode == ".sync:2"})
	e.mu.Unlock()
	// The parent's task was cancelled (the parent stopped) before the
	// watcher was in place, so stopChildren did not see this child.
	if ctx.Err() != nil && e.ctx.Err() == nil {
		e.StopExecution(e.ctx, child.ARN, "States.Aborted", "The parent execution stopped")
		return
	}
	// The child may have ended before the watcher was in place.
	if ex, err := e.deps.Store.GetExecution(ctx, child.ARN); err == nil && ex.Status != interp.Running {
		e.childEnded(ex.ARN)
	}
}

// childARN is the ARN StartExecution gives a Standard child.
func (e *Engine) childARN(machineARN, name string) string {
	prefix, machine, _ := strings.Cut(machineARN, ":stateMachine:")
	machine, _, _ = strings.Cut(machine, ":")
	return prefix + ":execution:" + machine + ":" + name
}

// childEnded answers the parents waiting for a child execution.
func (e *Engine) childEnded(childARN string) {
	e.mu.Lock()
	ws := e.watchers[childARN]
	delete(e.watchers, childARN)
	e.mu.Unlock()
	if len(ws) == 0 {
		return
	}
	child, err := e.deps.Store.GetExecution(e.ctx, childARN)
	if err != nil {
		return
	}
	for _, w := range ws {
		out := describeChild(child, w.json)
		var in interp.Input
		if child.Status == interp.Succeeded {
			in = interp.TaskSucceeded{Time: e.clock().UTC(), TaskID: w.taskID, Output: out}
		} else {
			in = interp.TaskFailed{Time: e.clock().UTC(), TaskID: w.taskID, Error: "States.TaskFailed", Cause: value.String(out)}
		}
		e.deliver(w.parent, in)
	}
}

// startResponse is StartExecution's answer as the integration returns it.
func startResponse(ex store.Execution) *value.Object {
	id := newUUIDFrom(ex.ARN)
	date := ex.StartDate.UTC().Format(http.TimeFormat)
	headers := value.ObjectOf("Content-Length", "161", "Content-Type", "application/x-amz-json-1.0", "Date", date,
		"connection", "keep-alive", "x-amzn-RequestId", id)
	all := value.ObjectOf("Content-Length", []any{"161"}, "Content-Type", []any{"application/x-amz-json-1.0"}, "Date", date,
		"connection", []any{"keep-alive"}, "x-amzn-RequestId", []any{id})
	return value.ObjectOf(
		"ExecutionArn", ex.ARN,
		"SdkHttpMetadata", value.ObjectOf("AllHttpHeaders", all, "HttpHeaders", headers, "HttpStatusCode", value.Int(200)),
		"SdkResponseMetadata", value.ObjectOf("RequestId", id),
		"StartDate", millis(ex.StartDate),
	)
}

// describeChild is DescribeExecution's answer for a .sync integration:
// input and output as JSON text (.sync) or as JSON (.sync:2).
func describeChild(ex store.Execution, asJSON bool) *value.Object {
	data := func(text string) any {
		if !asJSON {
			return text
		}
		if v, err := value.ParseString(text); err == nil {
			return v
		}
		return text
	}
	o := value.NewObject(12)
	o.Set("ExecutionArn", ex.ARN)
	o.Set("Input", data(ex.Input))
	o.Set("InputDetails", value.ObjectOf("Included", true))
	o.Set("Name", ex.Name)
	if ex.Status == interp.Succeeded {
		o.Set("Output", data(ex.Output))
		o.Set("OutputDetails", value.ObjectOf("Included", true))
	}
	if ex.Error != "" {
		o.Set("Error", ex.Error)
	}
	if ex.Cause != "" {
		o.Set("Cause", ex.Cause)
	}
	o.Set("StartDate", millis(ex.StartDate))
	o.Set("StateMachineArn", ex.StateMachineARN)
	o.Set("Status", ex.Status)
	o.Set("StopDate", millis(ex.StopDate))
	return o
}

func millis(t time.Time) value.Number { return value.Int(t.UnixMilli()) }

// newUUIDFrom derives a UUID-shaped id from s.
func newUUIDFrom(s string) string {
	sum := sha256.Sum256([]byte(s))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}
