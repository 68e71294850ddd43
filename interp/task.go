package interp

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// family is the kind of history events a Task resource produces.
type family uint8

const (
	familyTask     family = iota // Task* events (service integrations)
	familyLambda                 // LambdaFunction* events (bare function ARNs)
	familyActivity               // Activity* events
)

// classify tells how a Task's resource is recorded in history. It reads
// the ARN's fields without allocating: it runs for every task.
func classify(resource string) (fam family, resourceType, name string) {
	// arn:partition:service:region:account:rest
	var f [5]string
	rest := resource
	n := 0
	for ; n < len(f); n++ {
		before, after, ok := strings.Cut(rest, ":")
		if !ok {
			break
		}
		f[n], rest = before, after
	}
	if n < len(f) {
		return familyTask, "", resource
	}
	if f[2] == "states" && f[3] == "" && f[4] == "" {
		// arn:aws:states:::lambda:invoke -> ("lambda", "invoke"), and
		// arn:aws:states:::aws-sdk:s3:getObject -> ("aws-sdk:s3", "getObject")
		svc, action, _ := strings.Cut(rest, ":")
		if svc == "aws-sdk" {
			sdk, op, _ := strings.Cut(action, ":")
			return familyTask, svc + ":" + sdk, op
		}
		return familyTask, svc, action
	}
	if kind, _, ok := strings.Cut(rest, ":"); ok {
		switch {
		case f[2] == "lambda" && kind == "function":
			return familyLambda, "lambda", resource
		case f[2] == "states" && kind == "activity":
			return familyActivity, "activity", resource
		}
	}
	return familyTask, "", resource
}

// needsToken reports whether a task is handed a task token.
func needsToken(resource string) bool {
	fam, _, _ := classify(resource)
	return fam == familyActivity || strings.HasSuffix(resource, ".waitForTaskToken")
}

func (x *Execution) task(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	if needsToken(s.Resource) {
		var b [32]byte
		for i := 0; i < len(b); i += 8 {
			v := x.rng.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(v >> (8 * j))
			}
		}
		t.taskToken = hex.EncodeToString(b[:])
	}
	// Without fields that read it, the state needs no env.
	var env *asl.Env
	if s.Parameters != nil || s.TimeoutSeconds != nil || s.HeartbeatSeconds != nil || s.Credentials != nil {
		env = x.env(t, eff)
	}
	params := eff
	if isJSONata(t) {
		if params, f = x.arguments(t); f != nil {
			x.stateFailed(t, f)
			return
		}
	} else if s.Parameters != nil {
		v, err := s.Parameters.Eval(env)
		if err != nil {
			x.stateFailed(t, asFailure(t, err))
			return
		}
		params = v
	}
	if !isJSONata(t) {
		x.inspect(t, StageAfterParameters, params)
	}
	timeout, f := x.seconds(t, s.TimeoutSeconds, env)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	heartbeat, f := x.seconds(t, s.HeartbeatSeconds, env)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	var creds any
	if s.Credentials != nil {
		creds, _ = s.Credentials.Eval(env)
	}

	id := x.newID()
	t.taskID = id
	t.taskParams = params
	if x.tasks == nil {
		x.tasks = map[int64]*thread{}
	}
	x.tasks[id] = t
	fam, rtype, rname := classify(s.Resource)
	t.fam, t.rtype, t.rname = fam, rtype, rname
	var paramsText string
	if !t.silent {
		paramsText = x.textOf(t, params)
		t.known, t.knownText = params, paramsText
	}
	switch fam {
	case familyLambda:
		d := value.ObjectOf("resource", rname, "input", paramsText, "inputDetails", untruncated())
		if timeout > 0 {
			d.Set("timeoutInSeconds", value.Int(int64(timeout)))
		}
		x.emit(t, "LambdaFunctionScheduled", ObjectDetails{d})
		x.emit(t, "LambdaFunctionStarted", nil)
	case familyActivity:
		d := value.ObjectOf("resource", rname, "input", paramsText, "inputDetails", untruncated())
		if timeout > 0 {
			d.Set("timeoutInSeconds", value.Int(int64(timeout)))
		}
		if heartbeat > 0 {
			d.Set("heartbeatInSeconds", value.Int(int64(heartbeat)))
		}
		x.emit(t, "ActivityScheduled", ObjectDetails{d})
	default:
		if !t.silent {
			if x.region == "" {
				x.region = regionOf(x.info.StateMachineArn)
			}
			d := x.taskEvents.get()
			*d = taskEvent{resourceType: rtype, resource: rname, scheduled: true,
				region: x.region, parameters: paramsText, timeout: timeout, heartbeat: heartbeat}
			x.emit(t, "TaskScheduled", d)
			d = x.taskEvents.get()
			*d = taskEvent{resourceType: rtype, resource: rname}
			x.emit(t, "TaskStarted", d)
		}
	}
	x.command(RunTask{
		TaskID: id, StateName: s.Name, Resource: s.Resource, Input: params,
		TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat, Token: t.taskToken, Credentials: creds,
	})
	if timeout > 0 {
		t.timeoutTimer = x.setTimer(t, timerTaskTimeout, x.now.Add(secondsDuration(timeout)))
	}
	if heartbeat > 0 {
		t.beatTimer = x.setTimer(t, timerHeartbeat, x.now.Add(secondsDuration(heartbeat)))
	}
}

// seconds evaluates TimeoutSeconds / HeartbeatSeconds (or their …Path
// forms); 0 means not set.
func (x *Execution) seconds(t *thread, e *asl.Expr, env *asl.Env) (int, *asl.Failure) {
	if e == nil {
		return 0, nil
	}
	v, err := e.Eval(env)
	if err != nil {
		var nf *jsonpath.NotFoundError
		if errors.As(err, &nf) {
			return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter does not reference an input value: %s", e.Field, pathText(e)))
		}
		return 0, asFailure(t, err)
	}
	n, isNum := v.(value.Number)
	i, isInt := n.Int()
	if !isNum || !isInt || i <= 0 {
		return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter must be a positive integer: %s", e.Field, pathText(e)))
	}
	return int(i), nil
}

// secondsDuration converts whole seconds to a Duration, capped at the
// largest one (about 292 years) instead of wrapping to a negative time.
func secondsDuration(secs int) time.Duration {
	return time.Duration(min(int64(secs), math.MaxInt64/int64(time.Second))) * time.Second
}

func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) >= 4 {
		return parts[3]
	}
	return ""
}

func (x *Execution) taskStarted(t *thread, worker string) {
	if t.started == t.taskID {
		return // handed out again after a crash: one ActivityStarted
	}
	t.started = t.taskID
	fam, _, _ := classify(t.state.Resource)
	if fam == familyActivity {
		x.emit(t, "ActivityStarted", ObjectDetails{value.ObjectOf("workerName", worker)})
	}
}

// taskSubmitted records that a .sync resource accepted the task.
func (x *Execution) taskSubmitted(t *thread, output any) {
	if t.submitted == t.taskID {
		return // a shell recovering from a crash may submit again
	}
	t.submitted = t.taskID
	_, rtype, rname := classify(t.state.Resource)
	x.emit(t, "TaskSubmitted", ObjectDetails{value.ObjectOf("resourceType", rtype, "resource", rname,
		"output", value.String(output), "outputDetails", untruncated())})
}

func (x *Execution) heartbeat(t *thread) {
	if t.beatTimer == 0 {
		return
	}
	x.cancelTimer(t.beatTimer)
	secs, _ := x.seconds(t, t.state.HeartbeatSeconds, x.env(t, t.input))
	t.beatTimer = x.setTimer(t, timerHeartbeat, x.now.Add(secondsDuration(secs)))
}

// endTask forgets the thread's running task and its timers.
func (x *Execution) endTask(t *thread) {
	delete(x.tasks, t.taskID)
	t.taskID = 0
	x.cancelTimer(t.timeoutTimer)
	x.cancelTimer(t.beatTimer)
	t.timeoutTimer, t.beatTimer = 0, 0
}

// taskDone records a task's result or failure and continues the state.
func (x *Execution) taskDone(t *thread, id int64, output any, failure *asl.Failure) {
	x.endTask(t)
	if t.fan != nil { // a Map's reader or writer
		x.fanTaskDone(t, output, failure)
		return
	}
	s := t.state
	fam, rtype, rname := t.fam, t.rtype, t.rname
	// The result's JSON text is recorded and measured: encoded once.
	var out string
	if failure == nil {
		size := 0
		if t.silent {
			size = value.Size(output)
		} else {
			out = x.textOf(t, output)
			t.known, t.knownText = output, out
			size = len(out)
		}
		if size > x.info.MaxPayload {
			t.known, t.knownText = nil, ""
			failure = asl.Fail("States.DataLimitExceeded", "The state/task '"+s.Name+"' returned a result with a size exceeding the maximum number of bytes service limit.")
		}
	}
	if failure != nil {
		d := errorDetails(failure.Name, failure.Cause)
		switch fam {
		case familyLambda:
			x.emit(t, "LambdaFunctionFailed", d)
		case familyActivity:
			x.emit(t, "ActivityFailed", d)
		default:
			o := value.ObjectOf("resourceType", rtype, "resource", rname)
			if failure.Name != "" {
				o.Set("error", failure.Name)
			}
			if failure.Cause != "" {
				o.Set("cause", failure.Cause)
			}
			x.emit(t, "TaskFailed", ObjectDetails{o})
		}
		x.stateFailed(t, failure)
		x.resume(t)
		return
	}
	if !t.silent {
		switch fam {
		case familyLambda:
			x.emit(t, "LambdaFunctionSucceeded", &outputDetails{out})
		case familyActivity:
			x.emit(t, "ActivitySucceeded", &outputDetails{out})
		default:
			d := x.taskEvents.get()
			*d = taskEvent{resourceType: rtype, resource: rname, output: out, hasOutput: true}
			x.emit(t, "TaskSucceeded", d)
		}
	}
	x.inspect(t, StageResult, output)
	x.finishWithResult(t, output)
	x.resume(t)
}

// finishWithResult applies ResultSelector and finishes the state.
func (x *Execution) finishWithResult(t *thread, result any) {
	if sel := t.state.ResultSelector; sel != nil {
		v, err := sel.Eval(x.env(t, result))
		if err != nil {
			x.stateFailed(t, asFailure(t, err))
			return
		}
		result = v
	}
	x.finishState(t, result)
}

// resume puts t back to work if it can go on.
func (x *Execution) resume(t *thread) {
	if !t.done && t.state != nil && !t.waiting() && x.status == Running {
		x.schedule(t)
	}
}

func (x *Execution) taskTimedOut(t *thread, name string) {
	id := t.taskID
	x.endTask(t)
	x.command(CancelTask{TaskID: id})
	fam, rtype, rname := t.fam, t.rtype, t.rname
	f := asl.Fail(name, "")
	switch fam {
	case familyLambda:
		x.emit(t, "LambdaFunctionTimedOut", errorDetails(name, ""))
	case familyActivity:
		x.emit(t, "ActivityTimedOut", errorDetails(name, ""))
	default:
		x.emit(t, "TaskTimedOut", ObjectDetails{value.ObjectOf("resourceType", rtype, "resource", rname, "error", name)})
	}
	x.stateFailed(t, f)
	x.resume(t)
}
