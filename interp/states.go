package interp

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// runtimeFailure words an error raised while running a state, with AWS's
// prefix naming the state and the event it was entered at.
func runtimeFailure(t *thread, name, detail string) *asl.Failure {
	return asl.Fail(name, fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s", t.state.Name, t.enteredID, detail))
}

// asFailure turns an evaluation error into a state failure.
func asFailure(t *thread, err error) *asl.Failure {
	var f *asl.Failure
	if errors.As(err, &f) {
		if f.Name == "States.Runtime" || f.Name == "States.QueryEvaluationError" {
			rf := runtimeFailure(t, f.Name, f.Cause)
			rf.Location = f.Location
			return rf
		}
		return f
	}
	return runtimeFailure(t, "States.Runtime", err.Error())
}

// inputPath applies InputPath to the raw input.
func (x *Execution) inputPath(t *thread) (any, *asl.Failure) {
	v, f := x.applyInputPath(t)
	if f == nil {
		x.inspect(t, StageAfterInputPath, v)
	}
	return v, f
}

func (x *Execution) applyInputPath(t *thread) (any, *asl.Failure) {
	p := t.state.InputPath
	switch {
	case p.Null:
		return value.NewObject(0), nil
	case !p.Set():
		return t.input, nil
	}
	v, err := p.Path.Eval(&x.env(t, t.input).Env)
	if err != nil {
		return nil, pathError(t, p.Path, err)
	}
	return v, nil
}

func pathError(t *thread, p *jsonpath.Path, err error) *asl.Failure {
	return runtimeFailure(t, "States.Runtime", fmt.Sprintf("Invalid path '%s' : %s", p.String(), err.Error()))
}

// outputPath applies OutputPath to a state's output.
func (x *Execution) outputPath(t *thread, output any) (any, *asl.Failure) {
	p := t.state.OutputPath
	switch {
	case p.Null:
		return value.NewObject(0), nil
	case !p.Set():
		return output, nil
	}
	v, err := p.Path.Eval(&x.env(t, output).Env)
	if err != nil {
		return nil, pathError(t, p.Path, err)
	}
	return v, nil
}

// resultPath places result into the raw input as ResultPath says.
func resultPath(t *thread, p asl.OptPath, raw, result any) (any, *asl.Failure) {
	switch {
	case p.Null:
		return raw, nil
	case !p.Set():
		return result, nil
	}
	v, err := p.Path.Set(raw, result)
	if err != nil {
		return nil, runtimeFailure(t, "States.ResultPathMatchFailure", fmt.Sprintf("Unable to apply ReturnPath '%s' to input '%s'", p.Path.String(), value.String(raw)))
	}
	return v, nil
}

// assign evaluates Assign against env and returns the values to assign.
// Nothing is stored yet: every field of the state, and every assignment,
// sees the variables from before the state; exit stores them.
func (x *Execution) assign(t *thread, tmpl *asl.Template, env *asl.Env) (*value.Object, *asl.Failure) {
	if tmpl == nil {
		return nil, nil
	}
	v, err := tmpl.Eval(env)
	if err != nil {
		return nil, asFailure(t, err)
	}
	vars, _ := v.(*value.Object)
	// AWS caps the values one Assign stores together (and so each one) at
	// 256 KiB.
	if size := value.Size(vars); size > MaxAssignSize {
		return nil, runtimeFailure(t, "States.DataLimitExceeded", fmt.Sprintf("The variables assigned by the state are %d bytes, more than the limit of %d bytes.", size, MaxAssignSize))
	}
	return vars, nil
}

// MaxAssignSize is how large the variables of one Assign may be together.
const MaxAssignSize = 262144

// finishState runs the common tail of Pass, Task, Parallel and Map: the
// result goes through ResultSelector (done by the caller), Assign,
// ResultPath and OutputPath, then the state exits.
func (x *Execution) finishState(t *thread, result any) {
	s := t.state
	if isJSONata(t) {
		env := x.env(t, result, "result", result)
		out, f := x.evalOutput(t, s.Output, env, result)
		if f != nil {
			x.stateFailed(t, f)
			return
		}
		assigned, f := x.assign(t, s.Assign, env)
		if f != nil {
			x.stateFailed(t, f)
			return
		}
		x.exit(t, out, s.Next, assigned)
		return
	}
	x.inspect(t, StageAfterResultSelector, result)
	var assigned *value.Object
	if s.Assign != nil {
		var f *asl.Failure
		if assigned, f = x.assign(t, s.Assign, x.env(t, result)); f != nil {
			x.stateFailed(t, f)
			return
		}
	}
	out, f := resultPath(t, s.ResultPath, t.input, result)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	x.inspect(t, StageAfterResultPath, out)
	out, f = x.outputPath(t, out)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	x.exit(t, out, s.Next, assigned)
}

// output evaluates a JSONata state's Output, or returns def without one.
func (x *Execution) evalOutput(t *thread, tmpl *asl.Template, env *asl.Env, def any) (any, *asl.Failure) {
	if tmpl == nil {
		return def, nil
	}
	v, err := tmpl.Eval(env)
	if err != nil {
		return nil, asFailure(t, err)
	}
	return v, nil
}

// arguments evaluates a JSONata state's Arguments (its input without).
func (x *Execution) arguments(t *thread) (any, *asl.Failure) {
	if t.state.Arguments == nil {
		return t.input, nil
	}
	v, err := t.state.Arguments.Eval(x.env(t, t.input))
	if err != nil {
		return nil, asFailure(t, err)
	}
	x.inspect(t, StageAfterArguments, v)
	return v, nil
}

func (x *Execution) pass(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	if s.Parameters != nil {
		v, err := s.Parameters.Eval(x.env(t, eff))
		if err != nil {
			x.stateFailed(t, asFailure(t, err))
			return
		}
		eff = v
	}
	x.inspect(t, StageAfterParameters, eff)
	result := eff
	if s.HasResult {
		result = s.Result
		x.inspect(t, StageResult, result)
	}
	x.finishState(t, result)
}

func (x *Execution) choice(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	env := x.env(t, eff)
	next := ""
	var rule *asl.ChoiceRule
	for _, r := range s.Choices {
		ok, err := r.Condition.Eval(env)
		if err != nil {
			x.stateFailed(t, asFailure(t, err))
			return
		}
		if ok {
			next, rule = r.Next, r
			break
		}
	}
	if next == "" {
		next = s.Default
	}
	if next == "" {
		x.stateFailed(t, asl.Fail("States.NoChoiceMatched", fmt.Sprintf("No Matches!")))
		return
	}
	assignT, outputT := s.Assign, s.Output
	if rule != nil && rule.Assign != nil {
		assignT = rule.Assign
	}
	if rule != nil && rule.Output != nil {
		outputT = rule.Output
	}
	var out any
	if isJSONata(t) {
		out, f = x.evalOutput(t, outputT, env, eff)
	} else {
		out, f = x.outputPath(t, eff)
	}
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	assigned, f := x.assign(t, assignT, env)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	x.exit(t, out, next, assigned)
}

func (x *Execution) wait(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	env := x.env(t, eff)
	var until time.Time
	switch {
	case s.Seconds != nil:
		v, err := s.Seconds.Eval(env)
		field := s.Seconds.Field
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter does not reference an input value: %s", field, s.Seconds.Path.String())))
				return
			}
			x.stateFailed(t, asFailure(t, err))
			return
		}
		n, isNum := v.(value.Number)
		secs, isInt := n.Int()
		if !isNum || !isInt || !n.IsInteger() {
			x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter cannot be parsed as a long value: %s == %s", field, pathText(s.Seconds), plain(v))))
			return
		}
		if secs < 0 {
			x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter references a negative value: %s == %s", field, pathText(s.Seconds), plain(v))))
			return
		}
		until = x.now.Add(time.Duration(min(secs, math.MaxInt64/int64(time.Second))) * time.Second)
	case s.Timestamp != nil:
		v, err := s.Timestamp.Eval(env)
		field := s.Timestamp.Field
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter does not reference an input value: %s", field, s.Timestamp.Path.String())))
				return
			}
			x.stateFailed(t, asFailure(t, err))
			return
		}
		str, _ := v.(string)
		ts, ok := asl.ParseTimestamp(str)
		if !ok && isJSONata(t) {
			f := runtimeFailure(t, "States.QueryEvaluationError", fmt.Sprintf("The %s field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", field, plain(v)))
			// Unlike a failed expression, this EvaluationFailed follows
			// the state's entry in the recorded histories.
			x.emit(t, "EvaluationFailed", ObjectDetails{value.ObjectOf("cause", f.Cause, "error", f.Name, "location", field, "state", t.state.Name)})
			x.stateFailed(t, f)
			return
		}
		if !ok {
			x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", field, pathText(s.Timestamp), plain(v))))
			return
		}
		until = ts
	}
	// The state's output is known now; it leaves when the timer fires.
	var out any
	if isJSONata(t) {
		out, f = x.evalOutput(t, s.Output, env, eff)
	} else {
		out, f = x.outputPath(t, eff)
	}
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	assigned, f := x.assign(t, s.Assign, env)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	t.pendingOutput, t.pendingAssigned = out, assigned
	if until.Before(x.now) {
		until = x.now
	}
	t.waitTimer = x.setTimer(t, timerWait, until)
}

// plain writes a value for a cause: strings as they are, others as JSON.
func plain(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return value.String(v)
}

func pathText(e *asl.Expr) string {
	if e.Path != nil {
		return e.Path.String()
	}
	return value.String(e.Literal)
}

func (x *Execution) succeed(t *thread) {
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	var out any
	if isJSONata(t) {
		out, f = x.evalOutput(t, t.state.Output, x.env(t, eff), eff)
	} else {
		out, f = x.outputPath(t, eff)
	}
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	x.exit(t, out, "", nil)
}

func (x *Execution) fail(t *thread) {
	s := t.state
	env := x.env(t, t.input)
	read := func(e *asl.Expr) (string, *asl.Failure) {
		if e == nil {
			return "", nil
		}
		v, err := e.Eval(env)
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				return "", runtimeFailure(t, "States.Runtime", fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", e.Path.String(), e.Field, value.String(t.input)))
			}
			return "", asFailure(t, err)
		}
		if str, ok := v.(string); ok {
			return str, nil
		}
		return value.String(v), nil
	}
	errName, f := read(s.Error)
	if f != nil {
		x.evaluationFailed(t, f)
		x.threadFailed(t, f)
		return
	}
	cause, f := read(s.Cause)
	if f != nil {
		x.evaluationFailed(t, f)
		x.threadFailed(t, f)
		return
	}
	x.threadFailed(t, asl.Fail(errName, cause))
}
