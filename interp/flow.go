package interp

import (
	"math"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// stateFailed routes a failure of t's current state through its Retry and
// Catch, or fails the thread.
func (x *Execution) stateFailed(t *thread, f *asl.Failure) {
	s := t.state
	if x.status != Running || s == nil {
		return
	}
	x.evaluationFailed(t, f)
	insp := x.info.Inspector
	if f.Name == "States.Runtime" {
		// Not retriable and not catchable, even by name: the recorded
		// histories fail the execution.
		if insp != nil {
			insp.Routed(s, f, Route{Retrier: -1, Catcher: -1})
		}
		x.threadFailed(t, f)
		return
	}
	route := Route{Retrier: -1, Catcher: -1}
	for i, r := range s.Retry {
		if !asl.MatchesError(r.ErrorEquals, f.Name) {
			continue
		}
		route.Retrier = i
		if t.retries == nil {
			t.retries = make([]int, len(s.Retry))
			if insp != nil {
				for j := range t.retries {
					t.retries[j] = insp.Retries(s, j)
				}
			}
		}
		if t.retries[i] >= r.MaxAttempts {
			break // exhausted: fall through to Catch
		}
		delay := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(t.retries[i]))
		if r.MaxDelaySeconds > 0 && delay > float64(r.MaxDelaySeconds) {
			delay = float64(r.MaxDelaySeconds)
		}
		// A backoff past time.Duration's range (10s doubled 30 times)
		// waits as long as a Duration can, not a wrapped negative time.
		delay = min(delay, float64(math.MaxInt64/int64(time.Second)))
		if r.JitterStrategy == "FULL" {
			delay *= x.rng.Float64()
		}
		t.retries[i]++
		t.retryCount++
		if insp != nil {
			route.Retry, route.Delay = true, time.Duration(delay*float64(time.Second))
			insp.Routed(s, f, route)
		}
		t.waitTimer = x.setTimer(t, timerRetry, x.now.Add(time.Duration(delay*float64(time.Second))))
		return
	}
	for i, c := range s.Catch {
		if !asl.MatchesError(c.ErrorEquals, f.Name) {
			continue
		}
		if insp != nil {
			route.Catcher = i
			insp.Routed(s, f, route)
		}
		errOut := value.NewObject(2)
		errOut.Set("Error", f.Name)
		errOut.Set("Cause", f.Cause)
		env := x.env(t, errOut, "errorOutput", errOut)
		var out any
		var rf *asl.Failure
		if isJSONata(t) {
			out, rf = x.evalOutput(t, c.Output, env, errOut)
		} else {
			out, rf = resultPath(t, c.ResultPath, t.input, errOut)
		}
		if rf != nil {
			x.threadFailed(t, rf)
			return
		}
		assigned, af := x.assign(t, c.Assign, env)
		if af != nil {
			x.threadFailed(t, af)
			return
		}
		x.exit(t, out, c.Next, assigned)
		return
	}
	if insp != nil {
		insp.Routed(s, f, route)
	}
	x.threadFailed(t, f)
}

// evaluationFailed records a failed JSONata evaluation, as AWS does with an
// EvaluationFailed event naming the state and the field.
func (x *Execution) evaluationFailed(t *thread, f *asl.Failure) {
	if f.Location == "" || f.Name != "States.QueryEvaluationError" {
		return
	}
	d := value.NewObject(4)
	d.Set("cause", f.Cause)
	d.Set("error", f.Name)
	d.Set("location", f.Location)
	d.Set("state", t.state.Name)
	t.last = x.emitFor(t, "EvaluationFailed", ObjectDetails{d}, 0)
	f.Location = ""
}

// willRetry reports whether a failure f of t's current state will be
// retried rather than caught or propagated.
func (x *Execution) willRetry(t *thread, f *asl.Failure) bool {
	for i, r := range t.state.Retry {
		if asl.MatchesError(r.ErrorEquals, f.Name) {
			// MaxAttempts 0 never retries, even before a first retry.
			return r.MaxAttempts > 0 && (t.retries == nil || t.retries[i] < r.MaxAttempts)
		}
	}
	return false
}

func (x *Execution) timerFired(id int64, tm timer) {
	t := tm.t
	switch tm.kind {
	case timerExecution:
		x.finish(TimedOut, nil, "States.Timeout", "")
		return
	case timerWait:
		if t.waitTimer != id {
			return
		}
		t.waitTimer = 0
		out, assigned := t.pendingOutput, t.pendingAssigned
		t.pendingOutput, t.pendingAssigned = nil, nil
		x.exit(t, out, t.state.Next, assigned)
	case timerRetry:
		if t.waitTimer != id {
			return
		}
		t.waitTimer = 0
		x.execute(t)
	case timerTaskTimeout:
		if t.timeoutTimer != id {
			return
		}
		t.timeoutTimer = 0
		x.taskTimedOut(t, "States.Timeout")
		return
	case timerHeartbeat:
		if t.beatTimer != id {
			return
		}
		t.beatTimer = 0
		x.taskTimedOut(t, "States.HeartbeatTimeout")
		return
	}
	x.resume(t)
}
