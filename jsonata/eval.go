package jsonata

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// array is the evaluator's flagged array: a result sequence (seq), or an
// array built by a constructor that must not be flattened (cons). Plain
// JSON arrays are []any.
type array struct {
	items         []any
	seq           bool
	cons          bool
	keepSingleton bool
	outerWrapper  bool
	tupleStream   bool
}

// tuple binds the context '@' and the focus/index/ancestor variables of one
// item of a tuple stream.
type tuple map[string]any

func newSeq(items ...any) *array { return &array{items: items, seq: true} }

func isUndef(v any) bool { _, ok := v.(undefinedType); return ok }

// arrayItems returns the items of an array value (nil for non-arrays).
func arrayItems(v any) []any {
	switch a := v.(type) {
	case []any:
		return a
	case *array:
		return a.items
	}
	return nil
}

func isArray(v any) bool {
	switch v.(type) {
	case []any, *array:
		return true
	}
	return false
}

func isSequence(v any) bool {
	a, ok := v.(*array)
	return ok && a.seq
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, value.Number:
		return true
	}
	return false
}

// frame is a scope of variable bindings.
type frame struct {
	vars   map[string]any
	parent *frame
	reg    map[string]*native // the root frame's builtins, read after vars
}

func newFrame(parent *frame) *frame { return &frame{parent: parent} }

func (f *frame) bind(name string, v any) {
	if f.vars == nil {
		f.vars = make(map[string]any, 4)
	}
	f.vars[name] = v
}

func (f *frame) lookup(name string) (any, bool) {
	for ; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
		if f.reg != nil {
			if fn, ok := f.reg[name]; ok {
				return fn, true
			}
		}
	}
	return undefined, false
}

// evaluator holds the state of one evaluation.
type evaluator struct {
	registry map[string]*native
	opts     *Options
	depth    int
	maxDepth int
	steps    int
	deadline time.Time
	rnd      func() float64
}

func (ev *evaluator) errorf(code string, n *node, v any, format string, args ...any) *Error {
	pos := -1
	tok := ""
	if n != nil {
		pos = n.pos
		tok = n.token
		if tok == "" {
			tok = n.op // the operator, for operator errors
		}
	}
	return &Error{Code: code, Position: pos, Token: tok, Value: v, Message: fmt.Sprintf(format, args...)}
}

func (ev *evaluator) eval(n *node, input any, env *frame) (any, error) {
	ev.depth++
	if ev.depth > ev.maxDepth {
		ev.depth--
		return nil, ev.errorf("U1001", n, nil, "stack overflow error: check for non-terminating recursive function; consider rewriting as tail-recursive")
	}
	ev.steps++
	if ev.steps&255 == 0 && !ev.deadline.IsZero() && time.Now().After(ev.deadline) {
		ev.depth--
		return nil, ev.errorf("U1001", n, nil, "expression evaluation timeout: check for infinite loop")
	}
	result, err := ev.evalNode(n, input, env)
	if err == nil {
		result, err = ev.finish(n, result, env)
	}
	ev.depth--
	return result, err
}

func (ev *evaluator) finish(n *node, result any, env *frame) (any, error) {
	var err error
	for _, p := range n.predicate {
		if result, err = ev.filter(p.expr, result, env); err != nil {
			return nil, err
		}
	}
	if n.typ != nPath && n.group != nil {
		if result, err = ev.group(n.group, result, env); err != nil {
			return nil, err
		}
	}
	if a, ok := result.(*array); ok && a.seq && !a.tupleStream {
		if n.keepArray {
			a.keepSingleton = true
		}
		switch {
		case len(a.items) == 0:
			return undefined, nil
		case len(a.items) == 1 && !a.keepSingleton:
			return a.items[0], nil
		}
	}
	return result, nil
}

func (ev *evaluator) evalNode(n *node, input any, env *frame) (any, error) {
	switch n.typ {
	case nPath:
		return ev.path(n, input, env)
	case nBinary:
		return ev.binary(n, input, env)
	case nUnary:
		return ev.unary(n, input, env)
	case nName:
		return lookupField(input, n.str), nil
	case nString:
		if n.lit != nil {
			return n.lit, nil
		}
		return n.str, nil
	case nNumber:
		if n.lit != nil {
			return n.lit, nil // boxed once at compile time
		}
		return n.num, nil
	case nValue:
		return n.lit, nil
	case nWildcard:
		return wildcard(input), nil
	case nDescendant:
		return descendants(input), nil
	case nParent:
		v, _ := env.lookup(n.slot.label)
		return v, nil
	case nCondition:
		c, err := ev.eval(n.cond, input, env)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return ev.eval(n.then, input, env)
		}
		if n.els != nil {
			return ev.eval(n.els, input, env)
		}
		return undefined, nil
	case nCoalesce:
		l, err := ev.eval(n.lhs, input, env)
		if err != nil {
			return nil, err
		}
		if !isUndef(l) {
			return l, nil
		}
		return ev.eval(n.rhs, input, env)
	case nElvis:
		l, err := ev.eval(n.lhs, input, env)
		if err != nil {
			return nil, err
		}
		if truthy(l) {
			return l, nil
		}
		return ev.eval(n.rhs, input, env)
	case nBlock:
		frame := newFrame(env)
		var result any = undefined
		for _, e := range n.expressions {
			r, err := ev.eval(e, input, frame)
			if err != nil {
				return nil, err
			}
			result = r
		}
		return result, nil
	case nBind:
		v, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		env.bind(n.lhs.op, v)
		return v, nil
	case nRegex:
		return &regexFn{re: n.re}, nil
	case nFunction:
		return ev.call(n, input, env, nil)
	case nPartial:
		return ev.partial(n, input, env)
	case nVariable:
		if n.op == "" {
			if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
				return a.items[0], nil
			}
			return input, nil
		}
		v, _ := env.lookup(n.op)
		return v, nil
	case nLambda:
		return &lambda{node: n, input: input, env: env, params: n.params, sig: n.sig, body: n.body, thunk: n.thunk}, nil
	case nApply:
		return ev.applyOp(n, input, env)
	case nTransform:
		return &transformFn{ev: ev, node: n, env: env}, nil
	case nSort:
		return ev.sortStep(n, input, env)
	case nPlaceholder:
		return undefined, nil
	}
	return nil, ev.errorf("S0206", n, nil, "unknown expression type")
}

// ---- paths ----

func (ev *evaluator) path(n *node, input any, env *frame) (any, error) {
	if len(n.steps) == 1 && !n.keepSingletonArray && n.group == nil {
		// A lone field name on an object: the general path machinery
		// would wrap and unwrap the same value.
		st := n.steps[0]
		if st.typ == nName && len(st.stages) == 0 && len(st.predicate) == 0 && !st.tuple && st.group == nil && !st.keepArray {
			if o, ok := input.(*value.Object); ok {
				r := lookupField(o, st.str)
				if _, internal := r.(*array); !internal {
					return r, nil
				}
			}
		}
	}
	var inputSeq any
	if isArray(input) && n.steps[0].typ != nVariable {
		inputSeq = input
	} else {
		inputSeq = newSeq(input)
	}
	var result any = undefined
	isTupleStream := false
	var tupleBindings *array
	for i, step := range n.steps {
		if step.tuple {
			isTupleStream = true
		}
		var err error
		switch {
		case i == 0 && step.consarray:
			result, err = ev.eval(step, inputSeq, env)
		case isTupleStream:
			tupleBindings, err = ev.tupleStep(step, inputSeq, tupleBindings, env)
		default:
			result, err = ev.step(step, inputSeq, env, i == len(n.steps)-1)
		}
		if err != nil {
			return nil, err
		}
		if !isTupleStream && (isUndef(result) || len(arrayItems(result)) == 0 && isArray(result)) {
			break
		}
		if step.focus == "" {
			inputSeq = result
		}
	}
	if isTupleStream {
		if n.tuple {
			result = tupleBindings
		} else {
			out := newSeq()
			if tupleBindings != nil {
				for _, t := range tupleBindings.items {
					out.items = append(out.items, t.(tuple)["@"])
				}
			}
			result = out
		}
	}
	if n.keepSingletonArray {
		if a, ok := result.(*array); ok {
			if a.cons && !a.seq {
				a = newSeq(a)
				result = a
			}
			a.keepSingleton = true
		} else if arr, ok := result.([]any); ok {
			_ = arr // plain arrays are never unwrapped
		}
	}
	if n.group != nil {
		var in any = result
		if isTupleStream {
			in = tupleBindings
			if tupleBindings == nil {
				in = undefined
			}
		}
		return ev.group(n.group, in, env)
	}
	return result, nil
}

func (ev *evaluator) step(n *node, input any, env *frame, last bool) (any, error) {
	if n.typ == nSort {
		r, err := ev.sortStep(n, input, env)
		if err != nil {
			return nil, err
		}
		if len(n.stages) > 0 {
			return ev.stages(n.stages, r, env)
		}
		return r, nil
	}
	items := arrayItems(input)
	results := make([]any, 0, len(items))
	for _, item := range items {
		r, err := ev.eval(n, item, env)
		if err != nil {
			return nil, err
		}
		for _, s := range n.stages {
			if r, err = ev.filter(s.expr, r, env); err != nil {
				return nil, err
			}
		}
		if !isUndef(r) {
			results = append(results, r)
		}
	}
	if last && len(results) == 1 && isArray(results[0]) && !isSequence(results[0]) {
		return results[0], nil
	}
	flat := true
	for _, r := range results {
		if isArray(r) {
			flat = false
			break
		}
	}
	if flat {
		return &array{items: results, seq: true}, nil
	}
	out := newSeq()
	out.items = make([]any, 0, len(results))
	for _, r := range results {
		if a, ok := r.(*array); ok && !a.cons {
			out.items = append(out.items, a.items...)
		} else if a, ok := r.([]any); ok {
			out.items = append(out.items, a...)
		} else {
			out.items = append(out.items, r)
		}
	}
	return out, nil
}

func (ev *evaluator) stages(stages []stage, input any, env *frame) (any, error) {
	var err error
	for _, s := range stages {
		if s.expr != nil {
			if input, err = ev.filter(s.expr, input, env); err != nil {
				return nil, err
			}
			continue
		}
		for i, t := range arrayItems(input) {
			if tt, ok := t.(tuple); ok {
				tt[s.index] = float64(i)
			}
		}
	}
	return input, nil
}

func frameFromTuple(env *frame, t tuple) *frame {
	f := &frame{parent: env, vars: make(map[string]any, len(t))}
	for k, v := range t {
		f.vars[k] = v
	}
	return f
}

func (ev *evaluator) tupleStep(n *node, input any, bindings *array, env *frame) (*array, error) {
	if n.typ == nSort {
		var result *array
		if bindings != nil {
			r, err := ev.sortStep(n, bindings, env)
			if err != nil {
				return nil, err
			}
			result, _ = r.(*array)
		} else {
			r, err := ev.sortStep(n, input, env)
			if err != nil {
				return nil, err
			}
			result = &array{seq: true, tupleStream: true}
			for i, v := range arrayItems(r) {
				t := tuple{"@": v}
				if n.index != "" {
					t[n.index] = float64(i)
				}
				result.items = append(result.items, t)
			}
		}
		if len(n.stages) > 0 {
			r, err := ev.stages(n.stages, result, env)
			if err != nil {
				return nil, err
			}
			result, _ = r.(*array)
		}
		return result, nil
	}
	result := &array{seq: true, tupleStream: true}
	if bindings == nil {
		bindings = &array{}
		for _, item := range arrayItems(input) {
			bindings.items = append(bindings.items, tuple{"@": item})
		}
	}
	for _, b := range bindings.items {
		tb := b.(tuple)
		stepEnv := frameFromTuple(env, tb)
		r, err := ev.eval(n, tb["@"], stepEnv)
		if err != nil {
			return nil, err
		}
		if isUndef(r) {
			continue
		}
		var rs []any
		rArr, rIsFlagged := r.(*array)
		if isArray(r) {
			rs = arrayItems(r)
		} else {
			rs = []any{r}
		}
		for bb, item := range rs {
			t := make(tuple, len(tb)+2)
			for k, v := range tb {
				t[k] = v
			}
			if rIsFlagged && rArr.tupleStream {
				for k, v := range item.(tuple) {
					t[k] = v
				}
			} else {
				if n.focus != "" {
					t[n.focus] = item
					t["@"] = tb["@"]
				} else {
					t["@"] = item
				}
				if n.index != "" {
					t[n.index] = float64(bb)
				}
				if n.ancestor != nil {
					t[n.ancestor.label] = tb["@"]
				}
			}
			result.items = append(result.items, t)
		}
	}
	if len(n.stages) > 0 {
		r, err := ev.stages(n.stages, result, env)
		if err != nil {
			return nil, err
		}
		result, _ = r.(*array)
	}
	return result, nil
}

func (ev *evaluator) filter(pred *node, input any, env *frame) (any, error) {
	results := newSeq()
	if a, ok := input.(*array); ok && a.tupleStream {
		results.tupleStream = true
	}
	var items []any
	if isArray(input) {
		items = arrayItems(input)
	} else {
		items = []any{input}
	}
	if pred.typ == nNumber {
		idx := int(math.Floor(pred.num))
		if pred.num < 0 && math.IsInf(pred.num, 0) {
			return results, nil
		}
		if idx < 0 {
			idx += len(items)
		}
		if idx >= 0 && idx < len(items) {
			item := items[idx]
			if isUndef(item) {
				return results, nil
			}
			if isArray(item) {
				return item, nil
			}
			results.items = append(results.items, item)
		}
		return results, nil
	}
	for i, item := range items {
		ctx, fenv := item, env
		if results.tupleStream {
			t := item.(tuple)
			ctx = t["@"]
			fenv = frameFromTuple(env, t)
		}
		r, err := ev.eval(pred, ctx, fenv)
		if err != nil {
			return nil, err
		}
		if isNumber(r) {
			r = []any{r}
		}
		if nums, ok := numbersOf(r); ok {
			for _, f := range nums {
				ii := int(math.Floor(f))
				if ii < 0 {
					ii += len(items)
				}
				if ii == i {
					results.items = append(results.items, item)
				}
			}
		} else if truthy(r) {
			results.items = append(results.items, item)
		}
	}
	return results, nil
}

// numbersOf returns the numbers of an array holding only numbers.
func numbersOf(v any) ([]float64, bool) {
	if !isArray(v) {
		return nil, false
	}
	items := arrayItems(v)
	out := make([]float64, len(items))
	for i, it := range items {
		f, ok := toFloat(it)
		if !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// lookupField reads key from an object, or from every object in an array.
func lookupField(input any, key string) any {
	switch x := input.(type) {
	case *value.Object:
		if v, ok := x.Get(key); ok {
			return v
		}
		return undefined
	case []any, *array:
		out := newSeq()
		for _, item := range arrayItems(x) {
			r := lookupField(item, key)
			if isUndef(r) {
				continue
			}
			if isArray(r) {
				out.items = append(out.items, arrayItems(r)...)
			} else {
				out.items = append(out.items, r)
			}
		}
		return out
	}
	return undefined
}

func flattenInto(v any, out []any) []any {
	if isArray(v) {
		for _, it := range arrayItems(v) {
			out = flattenInto(it, out)
		}
		return out
	}
	return append(out, v)
}

func wildcard(input any) any {
	if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
		input = a.items[0]
	}
	out := newSeq()
	var vals []any
	switch x := input.(type) {
	case *value.Object:
		for _, v := range x.All() {
			vals = append(vals, v)
		}
	case []any, *array:
		vals = arrayItems(x)
	}
	for _, v := range vals {
		if isArray(v) {
			out.items = flattenInto(v, out.items)
			out.seq = false // appending an array yields a plain array, as in jsonata-js
		} else {
			out.items = append(out.items, v)
		}
	}
	if !out.seq {
		return out.items
	}
	return out
}

func descendants(input any) any {
	if isUndef(input) {
		return undefined
	}
	out := newSeq()
	out.items = recurseDescendants(input, out.items)
	if len(out.items) == 1 {
		return out.items[0]
	}
	return out
}

func recurseDescendants(v any, out []any) []any {
	if isArray(v) {
		for _, it := range arrayItems(v) {
			out = recurseDescendants(it, out)
		}
		return out
	}
	out = append(out, v)
	if o, ok := v.(*value.Object); ok {
		for _, c := range o.All() {
			out = recurseDescendants(c, out)
		}
	}
	return out
}

// ---- operators ----

func (ev *evaluator) binary(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "and":
		if !truthy(lhs) {
			return false, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return truthy(rhs), nil
	case "or":
		if truthy(lhs) {
			return true, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return truthy(rhs), nil
	}
	rhs, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "+", "-", "*", "/", "%":
		l, lok := toFloat(lhs)
		if lok && (math.IsInf(l, 0) || math.IsNaN(l)) {
			return nil, ev.errorf("D1001", n, lhs, "number out of range")
		}
		if !lok && !isUndef(lhs) {
			return nil, ev.errorf("T2001", n, lhs, "the left side of the %q operator must evaluate to a number", n.op)
		}
		r, rok := toFloat(rhs)
		if rok && (math.IsInf(r, 0) || math.IsNaN(r)) {
			return nil, ev.errorf("D1001", n, rhs, "number out of range")
		}
		if !rok && !isUndef(rhs) {
			return nil, ev.errorf("T2002", n, rhs, "the right side of the %q operator must evaluate to a number", n.op)
		}
		if !lok || !rok {
			return undefined, nil
		}
		var res float64
		switch n.op {
		case "+":
			res = l + r
		case "-":
			res = l - r
		case "*":
			res = l * r
		case "/":
			res = l / r
		case "%":
			res = math.Mod(l, r)
		}
		return res, nil
	case "=", "!=":
		if isUndef(lhs) || isUndef(rhs) {
			return false, nil
		}
		eq := deepEqual(lhs, rhs)
		if n.op == "!=" {
			return !eq, nil
		}
		return eq, nil
	case "<", "<=", ">", ">=":
		lc := isUndef(lhs) || isString(lhs) || isNumber(lhs)
		rc := isUndef(rhs) || isString(rhs) || isNumber(rhs)
		if !lc || !rc {
			bad := lhs
			if lc {
				bad = rhs
			}
			return nil, ev.errorf("T2010", n, bad, "the expressions either side of operator %q must evaluate to numeric or string values", n.op)
		}
		if isUndef(lhs) || isUndef(rhs) {
			return undefined, nil
		}
		var c int
		if ls, ok := lhs.(string); ok {
			rs, ok := rhs.(string)
			if !ok {
				return nil, ev.errorf("T2009", n, lhs, "the values either side of operator %q must be of the same data type", n.op)
			}
			c = compareStrings(ls, rs)
		} else {
			if isString(rhs) {
				return nil, ev.errorf("T2009", n, lhs, "the values either side of operator %q must be of the same data type", n.op)
			}
			l, _ := toFloat(lhs)
			r, _ := toFloat(rhs)
			switch {
			case l < r:
				c = -1
			case l > r:
				c = 1
			}
		}
		switch n.op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	case "&":
		ls, rs := "", ""
		if !isUndef(lhs) {
			if ls, err = ev.stringify(lhs); err != nil {
				return nil, ev.withNode(err, n)
			}
		}
		if !isUndef(rhs) {
			if rs, err = ev.stringify(rhs); err != nil {
				return nil, ev.withNode(err, n)
			}
		}
		return ls + rs, nil
	case "in":
		if isUndef(lhs) || isUndef(rhs) {
			return false, nil
		}
		items := arrayItems(rhs)
		if !isArray(rhs) {
			items = []any{rhs}
		}
		for _, it := range items {
			if strictEqual(lhs, it) {
				return true, nil
			}
		}
		return false, nil
	case "..":
		l, lok := toFloat(lhs)
		if !isUndef(lhs) && (!lok || l != math.Trunc(l)) {
			return nil, ev.errorf("T2003", n, lhs, "the left side of the range operator (..) must evaluate to an integer")
		}
		r, rok := toFloat(rhs)
		if !isUndef(rhs) && (!rok || r != math.Trunc(r)) {
			return nil, ev.errorf("T2004", n, rhs, "the right side of the range operator (..) must evaluate to an integer")
		}
		if !lok || !rok || l > r {
			return undefined, nil
		}
		if r-l+1 > 1e7 {
			return nil, ev.errorf("D2014", n, nil, "the size of the sequence allocated by the range operator (..) must not exceed 1e7")
		}
		out := &array{seq: true, items: make([]any, 0, int(r-l+1))}
		for x := l; x <= r; x++ {
			out.items = append(out.items, x)
		}
		return out, nil
	}
	return nil, ev.errorf("S0204", n, nil, "unknown operator %q", n.op)
}

func isString(v any) bool { _, ok := v.(string); return ok }

// compareStrings orders strings by UTF-16 code units, as JavaScript does.
func compareStrings(a, b string) int {
	if a == b {
		return 0
	}
	ua, ub := utf16Units(a), utf16Units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}

func (ev *evaluator) withNode(err error, n *node) error {
	if e, ok := err.(*Error); ok && e.Position < 0 && n != nil {
		e.Position = n.pos
	}
	return err
}

func (ev *evaluator) unary(n *node, input any, env *frame) (any, error) {
	switch n.op {
	case "-":
		v, err := ev.eval(n.lhs, input, env)
		if err != nil {
			return nil, err
		}
		if isUndef(v) {
			return undefined, nil
		}
		f, ok := toFloat(v)
		if !ok {
			return nil, ev.errorf("D1002", n, v, "cannot negate a non-numeric value")
		}
		return -f, nil
	case "[":
		if len(n.expressions) == 1 && !(n.expressions[0].typ == nUnary && n.expressions[0].op == "[") {
			// One item: an array result is reused rather than copied.
			v, err := ev.eval(n.expressions[0], input, env)
			if err != nil {
				return nil, err
			}
			var items []any
			switch {
			case isUndef(v):
				items = []any{}
			case isArray(v):
				a := arrayItems(v)
				items = a[:len(a):len(a)]
			default:
				items = []any{v}
			}
			if n.consarray {
				return &array{items: items, cons: true}, nil
			}
			return items, nil
		}
		items := []any{}
		for _, e := range n.expressions {
			v, err := ev.eval(e, input, env)
			if err != nil {
				return nil, err
			}
			if isUndef(v) {
				continue
			}
			if e.typ == nUnary && e.op == "[" {
				items = append(items, v)
			} else if isArray(v) {
				items = append(items, arrayItems(v)...)
			} else {
				items = append(items, v)
			}
		}
		if n.consarray {
			return &array{items: items, cons: true}, nil
		}
		return items, nil
	case "{":
		return ev.group(&groupSpec{pairs: n.pairs, pos: n.pos}, input, env)
	}
	return nil, ev.errorf("S0204", n, nil, "unknown operator %q", n.op)
}

// group evaluates an object constructor or a grouping clause.
func (ev *evaluator) group(g *groupSpec, input any, env *frame) (any, error) {
	type entry struct {
		data      any
		exprIndex int
	}
	reduce := false
	if a, ok := input.(*array); ok && a.tupleStream {
		reduce = true
	}
	var items []any
	if isArray(input) {
		items = arrayItems(input)
	} else {
		items = []any{input}
	}
	if len(items) == 0 {
		items = []any{undefined}
	}
	groups := map[string]*entry{}
	var order []string
	for _, item := range items {
		ctx, ienv := item, env
		if reduce {
			if t, ok := item.(tuple); ok {
				ctx = t["@"]
				ienv = frameFromTuple(env, t)
			}
		}
		for pi, pair := range g.pairs {
			k, err := ev.eval(pair[0], ctx, ienv)
			if err != nil {
				return nil, err
			}
			if isUndef(k) {
				continue
			}
			key, ok := k.(string)
			if !ok {
				return nil, &Error{Code: "T1003", Position: g.pos, Value: k, Message: "key in object structure must evaluate to a string"}
			}
			if e, ok := groups[key]; ok {
				if e.exprIndex != pi {
					return nil, &Error{Code: "D1009", Position: g.pos, Value: key, Message: "multiple key definitions evaluate to same key: " + key}
				}
				e.data = appendSeq(e.data, item)
			} else {
				groups[key] = &entry{data: item, exprIndex: pi}
				order = append(order, key)
			}
		}
	}
	orderKeysAsJS(order)
	out := value.NewObject(len(order))
	for _, key := range order {
		e := groups[key]
		ctx, genv := e.data, env
		if reduce {
			t := reduceTuples(e.data)
			ctx = t["@"]
			delete(t, "@")
			genv = frameFromTuple(env, t)
		}
		v, err := ev.eval(g.pairs[e.exprIndex][1], ctx, genv)
		if err != nil {
			return nil, err
		}
		if !isUndef(v) {
			out.Set(key, v)
		}
	}
	return out, nil
}

func reduceTuples(v any) tuple {
	if t, ok := v.(tuple); ok {
		c := make(tuple, len(t))
		for k, x := range t {
			c[k] = x
		}
		return c
	}
	items := arrayItems(v)
	if len(items) == 0 {
		return tuple{}
	}
	result := tuple{}
	for k, x := range items[0].(tuple) {
		result[k] = x
	}
	for _, it := range items[1:] {
		for k, x := range it.(tuple) {
			prev, ok := result[k]
			if !ok {
				prev = undefined
			}
			result[k] = appendSeq(prev, x)
		}
	}
	return result
}

// appendSeq is $append: join two values into an array.
func appendSeq(a, b any) any {
	if isUndef(a) {
		return b
	}
	if isUndef(b) {
		return a
	}
	var out []any
	if isArray(a) {
		out = append(out, arrayItems(a)...)
	} else {
		out = append(out, a)
	}
	if isArray(b) {
		out = append(out, arrayItems(b)...)
	} else {
		out = append(out, b)
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// ---- sorting ----

func (ev *evaluator) sortStep(n *node, input any, env *frame) (any, error) {
	isTuple := false
	if a, ok := input.(*array); ok && a.tupleStream {
		isTuple = true
	}
	items := arrayItems(input)
	if !isArray(input) {
		items = []any{input}
	}
	var sortErr error
	less := func(a, b any) bool { // reports whether a and b must swap
		if sortErr != nil {
			return false
		}
		comp := 0
		for _, term := range n.terms {
			if comp != 0 {
				break
			}
			actx, aenv, bctx, benv := a, env, b, env
			if isTuple {
				actx = a.(tuple)["@"]
				aenv = frameFromTuple(env, a.(tuple))
				bctx = b.(tuple)["@"]
				benv = frameFromTuple(env, b.(tuple))
			}
			av, err := ev.eval(term.expr, actx, aenv)
			if err != nil {
				sortErr = err
				return false
			}
			bv, err := ev.eval(term.expr, bctx, benv)
			if err != nil {
				sortErr = err
				return false
			}
			if isUndef(av) {
				if isUndef(bv) {
					comp = 0
				} else {
					comp = 1
				}
				continue
			}
			if isUndef(bv) {
				comp = -1
				continue
			}
			aok := isNumber(av) || isString(av)
			bok := isNumber(bv) || isString(bv)
			if !aok || !bok {
				bad := av
				if aok {
					bad = bv
				}
				sortErr = ev.errorf("T2008", n, bad, "the expressions within an order-by clause must evaluate to numeric or string values")
				return false
			}
			if isNumber(av) != isNumber(bv) {
				sortErr = ev.errorf("T2007", n, av, "type mismatch within order-by clause: all values must be of the same type")
				return false
			}
			c := 0
			if isNumber(av) {
				x, _ := toFloat(av)
				y, _ := toFloat(bv)
				if x < y {
					c = -1
				} else if x > y {
					c = 1
				}
			} else {
				c = compareStrings(av.(string), bv.(string))
			}
			if c == 0 {
				continue
			}
			comp = c
			if term.descending {
				comp = -comp
			}
			break
		}
		return comp == 1
	}
	sorted, err := mergeSort(items, func(a, b any) (bool, error) {
		r := less(a, b)
		return r, sortErr
	})
	if err != nil {
		return nil, err
	}
	out := &array{items: sorted, seq: true}
	if isTuple {
		out.tupleStream = true
	}
	return out, nil
}

// mergeSort sorts stably; swap(a, b) reports whether b must come before a.
func mergeSort(items []any, swap func(a, b any) (bool, error)) ([]any, error) {
	if len(items) <= 1 {
		return append([]any(nil), items...), nil
	}
	mid := len(items) / 2
	l, err := mergeSort(items[:mid], swap)
	if err != nil {
		return nil, err
	}
	r, err := mergeSort(items[mid:], swap)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	i, j := 0, 0
	for i < len(l) && j < len(r) {
		s, err := swap(l[i], r[j])
		if err != nil {
			return nil, err
		}
		if s {
			out = append(out, r[j])
			j++
		} else {
			out = append(out, l[i])
			i++
		}
	}
	out = append(out, l[i:]...)
	return append(out, r[j:]...), nil
}

// ---- equality and truthiness ----

func deepEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case undefinedType:
		return isUndef(b)
	case []any, *array:
		if !isArray(b) {
			return false
		}
		xa, ya := arrayItems(x), arrayItems(b)
		if len(xa) != len(ya) {
			return false
		}
		for i := range xa {
			if !deepEqual(xa[i], ya[i]) {
				return false
			}
		}
		return true
	case *value.Object:
		y, ok := b.(*value.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for k, v := range x.All() {
			w, ok := y.Get(k)
			if !ok || !deepEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

// strictEqual is JavaScript's ===: values for scalars, identity otherwise.
func strictEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case string, bool, nil:
		return a == b
	case *value.Object:
		y, ok := b.(*value.Object)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return false
}

// toBoolean is $boolean: undefined for undefined.
func toBoolean(v any) any {
	switch x := v.(type) {
	case undefinedType:
		return undefined
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	case value.Number:
		return x.Float() != 0
	case []any, *array:
		items := arrayItems(x)
		if len(items) == 1 {
			return toBoolean(items[0])
		}
		for _, it := range items {
			if b, ok := toBoolean(it).(bool); ok && b {
				return true
			}
		}
		return false
	case *value.Object:
		return x.Len() > 0
	case callable:
		return false
	}
	return false
}

// truthy is the boolean value used by conditions and predicates.
func truthy(v any) bool {
	b, ok := toBoolean(v).(bool)
	return ok && b
}

// orderKeysAsJS puts keys in the order a JavaScript object keeps them:
// array-index keys ("0", "17", …) first in numeric order, then the others
// as they were added.
func orderKeysAsJS(keys []string) {
	var idx []string
	for _, k := range keys {
		if isArrayIndex(k) {
			idx = append(idx, k)
		}
	}
	if len(idx) == 0 {
		return
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, _ := strconv.ParseUint(idx[i], 10, 32)
		b, _ := strconv.ParseUint(idx[j], 10, 32)
		return a < b
	})
	rest := make([]string, 0, len(keys)-len(idx))
	for _, k := range keys {
		if !isArrayIndex(k) {
			rest = append(rest, k)
		}
	}
	copy(keys, idx)
	copy(keys[len(idx):], rest)
}

// isArrayIndex reports whether k is a canonical array index (0 to 2^32-2).
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	n, err := strconv.ParseUint(k, 10, 64)
	return err == nil && n < 1<<32-1
}
