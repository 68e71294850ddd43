package interp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// fanout is a Parallel or Map state waiting for its children.
type fanout struct {
	isMap       bool
	distributed bool
	input       any // the effective input, which ItemSelector reads
	items       []any
	results     []any
	children    []*thread // started and not finished
	next        int       // next item to start
	maxConc     int       // 0: unlimited
	pending     int       // children not yet finished
	startID     int64     // MapStateStarted / ParallelStateStarted
	failures    int
	tolerateN   int // distributed: failures tolerated (-1: none set)
	toleratePct float64
	runArn      string
	reading     *reading // the ItemReader being read, else nil
	writing     *writing // the ResultWriter writing, else nil
	selected    bool     // items have had ItemSelector applied (batches)
	failed      []int    // distributed: iterations whose failure was tolerated
	run         *mapRun  // distributed: its Map Run's record
}

func (x *Execution) parallel(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	if isJSONata(t) {
		if eff, f = x.arguments(t); f != nil {
			x.stateFailed(t, f)
			return
		}
	} else if s.Parameters != nil {
		v, err := s.Parameters.Eval(x.env(t, eff))
		if err != nil {
			x.stateFailed(t, asFailure(t, err))
			return
		}
		eff = v
	}
	if !isJSONata(t) {
		x.inspect(t, StageAfterParameters, eff)
	}
	if x.fanoutInspected(t, nil) {
		return
	}
	fan := &fanout{results: make([]any, len(s.Branches)), pending: len(s.Branches)}
	fan.startID = x.emit(t, "ParallelStateStarted", nil)
	t.fan = fan
	children := make([]*thread, len(s.Branches))
	threads := make([]thread, len(s.Branches))
	text := x.textOf(t, eff) // every branch enters with it
	for i, b := range s.Branches {
		c := &threads[i]
		*c = thread{parent: t, graph: b, index: i, last: fan.startID}
		c.own.parent = t.vars
		c.vars = &c.own
		c.goTo(b.StartAt, eff, text)
		children[i] = c
	}
	fan.children = children
	x.schedule(children...)
}

func (x *Execution) mapState(t *thread) {
	s := t.state
	eff, f := x.inputPath(t)
	if f != nil {
		x.stateFailed(t, f)
		return
	}
	env := x.env(t, eff)
	items := eff
	if s.Items != nil {
		v, err := s.Items.Eval(env)
		var f *asl.Failure
		if err != nil {
			f = asFailure(t, err)
		} else if _, isArr := v.([]any); !isArr {
			src, _ := s.Items.Source()
			f = runtimeFailure(t, "States.QueryEvaluationError", fmt.Sprintf("The JSONata expression '%s' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '%s' for value: %s", src, value.Kind(v), value.String(v)))
			f.Location = "Items"
		}
		if f != nil {
			// AWS records the Map's failure before routing it.
			x.evaluationFailed(t, f)
			if !x.willRetry(t, f) {
				x.emit(t, "MapStateFailed", nil)
			}
			x.stateFailed(t, f)
			return
		}
		items = v
	} else if s.ItemReader != nil && x.info.Inspector != nil {
		if v, ok := x.info.Inspector.ReaderItems(s); ok {
			items = v
		}
	} else if s.ItemReader != nil {
		rd, f := x.readerPayload(t, eff)
		if f != nil {
			x.stateFailed(t, f)
			return
		}
		x.mapStart(t, eff, env, nil, rd)
		return
	} else if s.ItemsPath.Set() {
		v, err := s.ItemsPath.Path.Eval(&env.Env)
		if err != nil {
			x.stateFailed(t, pathError(t, s.ItemsPath.Path, err))
			return
		}
		items = v
	}
	arr, isArr := items.([]any)
	if !isArr {
		path := "$"
		if s.ItemsPath.Set() {
			path = s.ItemsPath.Path.String()
		}
		x.stateFailed(t, runtimeFailure(t, "States.Runtime", fmt.Sprintf("Reference path \"%s\" must point to array.", path)))
		return
	}
	x.inspect(t, StageAfterItemsPath, items)
	x.mapStart(t, eff, env, arr, nil)
}

// mapStart starts a Map over arr, or, with an ItemReader (rd), starts
// reading its items: AWS records the Map as started with length 0 and
// its Map Run as started before the reader runs.
func (x *Execution) mapStart(t *thread, eff any, env *asl.Env, arr []any, rd *reading) {
	s := t.state
	fan := &fanout{isMap: true, input: eff, tolerateN: -1, reading: rd}
	fan.distributed = s.ItemProcessor != nil && s.ItemProcessor.ProcessorMode == "DISTRIBUTED"
	if s.MaxConcurrency != nil {
		n, f := x.intField(t, s.MaxConcurrency, env)
		if f != nil {
			x.stateFailed(t, f)
			return
		}
		fan.maxConc = n
	}
	if x.info.Inspector != nil { // value.Int would allocate for nothing
		x.inspect(t, StageMaxConcurrency, value.Int(int64(fan.maxConc)))
	}
	fan.startID = x.emit(t, "MapStateStarted", ObjectDetails{value.ObjectOf("length", value.Int(int64(len(arr))))})
	if fan.distributed {
		if f := x.tolerance(t, fan, env); f != nil {
			x.stateFailed(t, f)
			return
		}
	}
	if rd == nil && x.fanoutInspected(t, arr) {
		return
	}
	t.fan = fan
	if fan.distributed {
		fan.runArn = x.mapRunArn(t)
		x.emit(t, "MapRunStarted", ObjectDetails{value.ObjectOf("mapRunArn", fan.runArn)})
		x.startMapRun(fan)
	}
	if rd != nil {
		x.startRead(t, rd.params)
		return
	}
	x.startItems(t, arr)
}

// startItems starts the iterations of t's Map over items.
func (x *Execution) startItems(t *thread, arr []any) {
	fan := t.fan
	if t.state.ItemBatcher != nil {
		batches, f := x.batch(t, arr)
		if f != nil {
			x.mapRunFailed(t, f)
			return
		}
		arr = batches
		fan.selected = true
	}
	fan.items, fan.results, fan.pending = arr, make([]any, len(arr)), len(arr)
	if len(arr) == 0 {
		x.fanDone(t)
		x.resume(t)
		return
	}
	var first []*thread
	for fan.next < len(arr) && (fan.maxConc == 0 || len(fan.children) < fan.maxConc) {
		c := x.iteration(t, t.last)
		if c == nil {
			return
		}
		first = append(first, c)
	}
	x.schedule(first...)
}

// intField reads MaxConcurrency or a tolerated-failure count.
func (x *Execution) intField(t *thread, e *asl.Expr, env *asl.Env) (int, *asl.Failure) {
	v, err := e.Eval(env)
	if err != nil {
		var nf *jsonpath.NotFoundError
		if errors.As(err, &nf) {
			return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s field refers to value \"null\" which is not a valid integer: %s", e.Field, pathText(e)))
		}
		return 0, asFailure(t, err)
	}
	v = numericString(v)
	n, isNum := v.(value.Number)
	i, isInt := n.Int()
	if !isNum || !isInt {
		text := value.String(v)
		if s, ok := v.(string); ok {
			text = s
		}
		return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s field refers to value \"%s\" which is not a valid integer: %s", e.Field, text, pathText(e)))
	}
	if i < 0 {
		return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("%s cannot be negative.", trimPath(e.Field)))
	}
	return int(i), nil
}

func trimPath(field string) string {
	if len(field) > 4 && field[len(field)-4:] == "Path" {
		return field[:len(field)-4]
	}
	return field
}

func (x *Execution) tolerance(t *thread, fan *fanout, env *asl.Env) *asl.Failure {
	s := t.state
	if e := s.ToleratedFailureCount; e != nil {
		n, f := x.intField(t, e, env)
		if f != nil {
			return f
		}
		fan.tolerateN = n
		if x.info.Inspector != nil {
			x.inspect(t, StageToleratedFailureCount, value.Int(int64(n)))
		}
	}
	if e := s.ToleratedFailurePercentage; e != nil {
		v, err := e.Eval(env)
		if err != nil {
			return asFailure(t, err)
		}
		v = numericString(v)
		n, isNum := v.(value.Number)
		if !isNum {
			text := value.String(v)
			if s, ok := v.(string); ok {
				text = s
			}
			return runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s field refers to value \"%s\" which is not a valid float: %s", e.Field, text, pathText(e)))
		}
		pct := n.Float()
		if pct < 0 || pct > 100 {
			return runtimeFailure(t, "States.Runtime", "ToleratedFailurePercentage must be between 0 and 100.")
		}
		fan.toleratePct = pct
		if x.info.Inspector != nil {
			x.inspect(t, StageToleratedFailurePercentage, n)
		}
		if fan.tolerateN < 0 {
			fan.tolerateN = 0
		}
	}
	return nil
}

func (x *Execution) mapRunArn(t *thread) string {
	// arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>
	base := x.info.StateMachineArn
	prefix, machine := base, x.info.StateMachineName
	if i := strings.Index(base, ":stateMachine:"); i >= 0 {
		prefix = base[:i]
	}
	label := t.state.Label
	if label == "" {
		label = t.state.Name
	}
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := x.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return fmt.Sprintf("%s:mapRun:%s/%s:%s", prefix, machine, label, uuidString(b))
}

// numericString reads a string holding a number as that number, as AWS
// reads the …Path fields of a Map.
func numericString(v any) any {
	if str, ok := v.(string); ok {
		if n, err := value.ParseString(str); err == nil {
			if num, isNum := n.(value.Number); isNum {
				return num
			}
		}
	}
	return v
}

func uuidString(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[c>>4], hexd[c&0xf])
	}
	return string(out)
}

// iteration starts the next Map iteration of p, following event prev.
func (x *Execution) iteration(p *thread, prev int64) *thread {
	fan := p.fan
	s := p.state
	i := fan.next
	fan.next++
	item := fan.items[i]
	input := item
	if s.ItemSelector != nil && !fan.selected {
		env := x.env(p, fan.input)
		// Without $$ in the state (ReadsContext), there is no $$ to extend.
		if ctx, ok := env.Context.(*value.Object); ok {
			ctx.Set("Map", value.ObjectOf("Item", value.ObjectOf("Index", value.Int(int64(i)), "Value", item)))
		}
		v, err := s.ItemSelector.Eval(env)
		if err != nil {
			x.abortChildren(p)
			p.fan = nil
			x.stateFailed(p, asFailure(p, err))
			x.resume(p)
			return nil
		}
		input = v
	}
	c := x.threads.get()
	*c = thread{parent: p, graph: s.ItemProcessor, index: i, last: prev, silent: fan.distributed || p.silent}
	c.own.parent = p.vars
	c.vars = &c.own
	c.goTo(s.ItemProcessor.StartAt, input, "")
	if !c.silent {
		d := x.iterations.get()
		*d = mapIteration{i, s.Name}
		x.emit(c, "MapIterationStarted", d)
	}
	fan.children = append(fan.children, c)
	return c
}

func (fan *fanout) remove(c *thread) {
	// Children mostly finish in the order they started.
	if len(fan.children) > 0 && fan.children[0] == c {
		fan.children[0] = nil
		fan.children = fan.children[1:]
		return
	}
	for i, ch := range fan.children {
		if ch == c {
			fan.children = append(fan.children[:i], fan.children[i+1:]...)
			return
		}
	}
}

// childDone records a branch's or iteration's output.
func (x *Execution) childDone(c *thread) {
	p := c.parent
	fan := p.fan
	if fan == nil {
		return
	}
	fan.remove(c)
	fan.results[c.index] = c.output
	fan.pending--
	if fan.run != nil {
		fan.run.info.Succeeded++
	}
	if fan.isMap {
		if !c.silent {
			d := x.iterations.get()
			*d = mapIteration{c.index, p.state.Name}
			p.last = x.emitFor(p, "MapIterationSucceeded", d, c.last)
		}
		if fan.next < len(fan.items) {
			if n := x.iteration(p, c.last); n != nil {
				x.schedule(n)
			}
			return
		}
	} else {
		p.last = c.last
	}
	if fan.pending == 0 {
		x.fanDone(p)
		x.resume(p)
	}
}

// fanDone finishes a Parallel or Map whose children all succeeded.
func (x *Execution) fanDone(p *thread) {
	fan := p.fan
	result := any(fan.results)
	if fan.isMap && fan.distributed && p.state.ResultWriter != nil && x.info.Inspector == nil {
		if fan.writing == nil {
			if x.startWrite(p) {
				return // the Map waits for its writes
			}
			if p.fan == nil {
				return // the writer failed the Map
			}
		}
		result = fan.writing.output
	}
	p.fan = nil
	if fan.isMap {
		if fan.distributed {
			// Most recorded histories have MapStateSucceeded and
			// MapStateExited both follow MapRunSucceeded.
			x.endMapRun(fan, "SUCCEEDED")
			x.emit(p, "MapRunSucceeded", nil)
			x.emitFor(p, "MapStateSucceeded", nil, p.last)
		} else {
			x.emitFor(p, "MapStateSucceeded", nil, p.last)
		}
	} else {
		x.emitFor(p, "ParallelStateSucceeded", nil, p.last)
	}
	x.finishWithResult(p, result)
}

// childFailed fails the Parallel or Map whose branch or iteration failed.
func (x *Execution) childFailed(c *thread) {
	p := c.parent
	fan := p.fan
	if fan == nil {
		return
	}
	fan.remove(c)
	fan.pending--
	f := c.failure
	if fan.isMap {
		if !c.silent {
			x.emitFor(p, "MapIterationFailed", &mapIteration{c.index, p.state.Name}, c.last)
		}
		if fan.distributed {
			fan.failures++
			if fan.run != nil {
				fan.run.info.Failed++
			}
			if x.tolerated(fan) {
				fan.results[c.index] = value.ObjectOf("Error", f.Name, "Cause", f.Cause)
				fan.failed = append(fan.failed, c.index)
				if fan.next < len(fan.items) {
					if n := x.iteration(p, c.last); n != nil {
						x.schedule(n)
					}
					return
				}
				if fan.pending == 0 {
					x.fanDone(p)
					x.resume(p)
				}
				return
			}
		}
	}
	if !c.silent {
		p.last = c.last
	}
	p.lastFan = snapshot(fan, c)
	x.abortChildren(p)
	p.fan = nil
	if fan.isMap && fan.distributed {
		f = asl.Fail("States.ExceedToleratedFailureThreshold", "The specified tolerance threshold was exceeded")
		x.endMapRun(fan, "FAILED")
		x.emit(p, "MapRunFailed", ObjectDetails{value.ObjectOf("error", f.Name, "cause", f.Cause)})
	}
	// A retry starts the state over without a failure event.
	if !x.willRetry(p, f) {
		if fan.isMap {
			x.emit(p, "MapStateFailed", nil)
		} else {
			x.emit(p, "ParallelStateFailed", nil)
		}
	}
	x.stateFailed(p, f)
	x.resume(p)
}

// tolerated reports whether a distributed Map's failures so far are within
// its tolerance.
func (x *Execution) tolerated(fan *fanout) bool {
	if fan.tolerateN < 0 {
		return false
	}
	if fan.failures <= fan.tolerateN {
		return true
	}
	if fan.toleratePct > 0 && len(fan.items) > 0 {
		return float64(fan.failures)*100/float64(len(fan.items)) <= fan.toleratePct
	}
	return false
}

// abortChildren stops every running child of p (and theirs), cancelling
// their tasks and timers.
func (x *Execution) abortChildren(p *thread) {
	fan := p.fan
	if fan == nil {
		return
	}
	if fan.run != nil && fan.run.fan != nil {
		fan.run.info.Aborted += int64(len(fan.children))
	}
	for _, c := range fan.children {
		x.abortThread(c)
		if fan.isMap && !c.silent {
			x.emitFor(p, "MapIterationAborted", &mapIteration{c.index, p.state.Name}, c.last)
		}
	}
	fan.children = nil
}

func (x *Execution) abortThread(t *thread) {
	if t.done {
		return
	}
	snap := snapshot(t.fan, nil)
	if t.fan != nil {
		x.abortChildren(t)
		x.endMapRun(t.fan, "ABORTED")
		t.fan = nil
	}
	if t.state != nil && t.waitingStarted() {
		x.emit(t, t.state.Type+"StateAborted", nil)
	}
	if t.taskID != 0 {
		id := t.taskID
		x.endTask(t)
		x.command(CancelTask{TaskID: id})
	}
	x.cancelTimer(t.waitTimer)
	t.waitTimer = 0
	t.markRedo(snap)
	t.done, t.state = true, nil
	for i, q := range x.runq {
		if q == t {
			x.runq = append(x.runq[:i], x.runq[i+1:]...)
			break
		}
	}
}

// waitingStarted reports whether t is inside a state (entered and not yet
// left), which aborting must record.
func (t *thread) waitingStarted() bool { return t.waiting() }

// fanoutInspected lets an Inspector stand in for the children of a
// Parallel or Map state (TestState's mocks); it reports whether it did.
func (x *Execution) fanoutInspected(t *thread, items []any) bool {
	if x.info.Inspector == nil {
		return false
	}
	result, f, ok := x.info.Inspector.Fanout(t.state, items)
	switch {
	case !ok:
		return false
	case f != nil:
		x.stateFailed(t, f)
	default:
		x.finishWithResult(t, result)
	}
	return true
}
