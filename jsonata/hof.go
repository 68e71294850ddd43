package jsonata

import (
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// evaluatorFunctions are the functions that take functions, need the
// evaluator, or read the evaluation's clock and random source.
func evaluatorFunctions(lib map[string]builtin) []evalBuiltin {
	fns := []evalBuiltin{
		{"map", "<af>", fnMap},
		{"filter", "<af>", fnFilter},
		{"single", "<af?>", fnSingle},
		{"reduce", "<afj?:j>", fnReduce},
		{"sift", "<o-f?:o>", fnSift},
		{"each", "<o-f:a>", fnEach},
		{"sort", "<af?:a>", fnSort},
		{"zip", "<a+>", fnZip},
		{"eval", "<sx?:x>", fnEval},
		{"assert", "<bs?:x>", fnAssert},
		{"error", "<s?:x>", fnError},
		{"shuffle", "<a:a>", fnShuffle},
		{"random", "<:n>", func(c *callCtx, _ []any) (any, error) { return c.ev.random(), nil }},
		{"match", "<s-f<s:o>n?:a<o>>", fnMatch},
		{"millis", "<:n>", fnMillis},
		{"toMillis", "<s-s?:n>", fnToMillis},
		{"count", "<a:n>", seqCount},
		{"append", "<xx:a>", func(_ *callCtx, args []any) (any, error) { return appendSeq(args[0], args[1]), nil }},
		{"reverse", "<a:a>", seqReverse},
		{"distinct", "<x:x>", seqDistinct},
		{"lookup", "<x-s:x>", func(_ *callCtx, args []any) (any, error) { return lookupField(args[0], args[1].(string)), nil }},
		{"keys", "<x-:a<s>>", func(_ *callCtx, args []any) (any, error) { return keysOf(args[0]), nil }},
		{"now", "<s?s?:s>", func(c *callCtx, args []any) (any, error) { return fnNow(c, args, lib["fromMillis"]) }},
	}
	if b, ok := lib["contains"]; ok {
		fns = append(fns, evalBuiltin{"contains", b.signature, func(c *callCtx, args []any) (any, error) {
			if len(args) > 1 && isFunction(args[1]) {
				return containsFunc(c, args)
			}
			return wrapLibrary(b.fn)(c, args)
		}})
	}
	if b, ok := lib["split"]; ok {
		fns = append(fns, evalBuiltin{"split", b.signature, func(c *callCtx, args []any) (any, error) {
			if len(args) > 1 && isFunction(args[1]) {
				return splitFunc(c, args)
			}
			return wrapLibrary(b.fn)(c, args)
		}})
	}
	if b, ok := lib["replace"]; ok {
		fns = append(fns, evalBuiltin{"replace", b.signature, func(c *callCtx, args []any) (any, error) {
			if len(args) > 2 && (isFunction(args[1]) || isFunction(args[2])) {
				return replaceFunc(c, args)
			}
			return wrapLibrary(b.fn)(c, args)
		}})
	}
	return fns
}

// hofArgs passes a function as many of (value, index, array) as it takes.
func hofArgs(fn any, v any, i any, all any) []any {
	n := arityOf(fn)
	args := []any{v}
	if n >= 2 {
		args = append(args, i)
	}
	if n >= 3 {
		args = append(args, all)
	}
	return args
}

func fnMap(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	items := arrayItems(args[0])
	out := newSeq()
	for i, it := range items {
		r, err := c.ev.apply(args[1], hofArgs(args[1], it, float64(i), args[0]), nil, c.env)
		if err != nil {
			return nil, err
		}
		if !isUndef(r) {
			out.items = append(out.items, r)
		}
	}
	return out, nil
}

func fnFilter(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	items := arrayItems(args[0])
	out := newSeq()
	for i, it := range items {
		r, err := c.ev.apply(args[1], hofArgs(args[1], it, float64(i), args[0]), nil, c.env)
		if err != nil {
			return nil, err
		}
		if truthy(r) {
			out.items = append(out.items, it)
		}
	}
	return out, nil
}

func fnSingle(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	items := arrayItems(args[0])
	var result any = undefined
	found := false
	for i, it := range items {
		ok := true
		if len(args) > 1 && !isUndef(args[1]) {
			r, err := c.ev.apply(args[1], hofArgs(args[1], it, float64(i), args[0]), nil, c.env)
			if err != nil {
				return nil, err
			}
			ok = truthy(r)
		}
		if ok {
			if found {
				return nil, &Error{Code: "D3138", Position: -1, Message: "the $single() function expected exactly 1 matching result; instead it matched more"}
			}
			result, found = it, true
		}
	}
	if !found {
		return nil, &Error{Code: "D3139", Position: -1, Message: "the $single() function expected exactly 1 matching result; instead it matched 0"}
	}
	return result, nil
}

func fnReduce(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	fn := args[1]
	n := arityOf(fn)
	if n < 2 {
		return nil, &Error{Code: "D3050", Position: -1, Value: fn, Message: "the second argument of reduce function must be a function with at least two arguments"}
	}
	items := arrayItems(args[0])
	var acc any = undefined
	i := 0
	if len(args) > 2 && !isUndef(args[2]) {
		acc = args[2]
	} else if len(items) > 0 {
		acc = items[0]
		i = 1
	}
	for ; i < len(items); i++ {
		call := []any{acc, items[i]}
		if n >= 3 {
			call = append(call, float64(i))
		}
		if n >= 4 {
			call = append(call, args[0])
		}
		r, err := c.ev.apply(fn, call, nil, c.env)
		if err != nil {
			return nil, err
		}
		acc = r
	}
	return acc, nil
}

func fnSift(c *callCtx, args []any) (any, error) {
	o, ok := args[0].(*value.Object)
	if !ok {
		return undefined, nil
	}
	out := value.NewObject(o.Len())
	for k, v := range o.All() {
		r, err := c.ev.apply(args[1], hofArgs(args[1], v, k, o), nil, c.env)
		if err != nil {
			return nil, err
		}
		if truthy(r) {
			out.Set(k, v)
		}
	}
	if out.Len() == 0 {
		return undefined, nil
	}
	return out, nil
}

func fnEach(c *callCtx, args []any) (any, error) {
	out := newSeq()
	o, ok := args[0].(*value.Object)
	if !ok {
		return out, nil
	}
	for k, v := range o.All() {
		r, err := c.ev.apply(args[1], hofArgs(args[1], v, k, o), nil, c.env)
		if err != nil {
			return nil, err
		}
		if !isUndef(r) {
			out.items = append(out.items, r)
		}
	}
	return out, nil
}

// jsTruthy is JavaScript's truthiness, used for sort comparators.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case undefinedType, nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	}
	if f, ok := toFloat(v); ok {
		return f != 0 && f == f
	}
	return true
}

func fnSort(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	items := arrayItems(args[0])
	if len(items) <= 1 {
		return args[0], nil
	}
	var swap func(a, b any) (bool, error)
	if len(args) < 2 || isUndef(args[1]) {
		allNum, allStr := true, true
		for _, it := range items {
			if !isNumber(it) {
				allNum = false
			}
			if !isString(it) {
				allStr = false
			}
		}
		if !allNum && !allStr {
			return nil, &Error{Code: "D3070", Position: -1, Message: "the single argument form of the sort function can only be applied to an array of strings or an array of numbers; use the second argument to specify a comparison function"}
		}
		swap = func(a, b any) (bool, error) {
			if allNum {
				x, _ := toFloat(a)
				y, _ := toFloat(b)
				return x > y, nil
			}
			return compareStrings(a.(string), b.(string)) > 0, nil
		}
	} else {
		fn := args[1]
		swap = func(a, b any) (bool, error) {
			r, err := c.ev.apply(fn, []any{a, b}, nil, c.env)
			if err != nil {
				return false, err
			}
			return jsTruthy(r), nil
		}
	}
	sorted, err := mergeSort(items, swap)
	if err != nil {
		return nil, err
	}
	return sorted, nil
}

func fnZip(_ *callCtx, args []any) (any, error) {
	out := []any{}
	if len(args) == 0 {
		return out, nil
	}
	n := -1
	for _, a := range args {
		items := arrayItems(a)
		if isUndef(a) {
			items = nil
		}
		if n < 0 || len(items) < n {
			n = len(items)
		}
	}
	for i := 0; i < n; i++ {
		row := make([]any, len(args))
		for j, a := range args {
			row[j] = arrayItems(a)[i]
		}
		out = append(out, row)
	}
	return out, nil
}

func fnEval(c *callCtx, args []any) (any, error) {
	src, ok := args[0].(string)
	if !ok {
		return undefined, nil
	}
	input := c.input
	if len(args) > 1 && !isUndef(args[1]) {
		input = args[1]
		if a, ok := input.([]any); ok {
			input = &array{items: []any{a}, seq: true, outerWrapper: true}
		}
	}
	ast, err := parse(src)
	if err != nil {
		msg := err.Error()
		return nil, &Error{Code: "D3120", Position: -1, Message: "syntax error in expression passed to function eval: " + msg}
	}
	r, err := c.ev.eval(ast, input, c.env)
	if err != nil {
		msg := err.Error()
		return nil, &Error{Code: "D3121", Position: -1, Message: "dynamic error evaluating the expression passed to function eval: " + msg}
	}
	return r, nil
}

func fnAssert(_ *callCtx, args []any) (any, error) {
	b, _ := args[0].(bool)
	if !b {
		msg := "$assert() statement failed"
		if len(args) > 1 {
			if s, ok := args[1].(string); ok {
				msg = s
			}
		}
		return nil, &Error{Code: "D3141", Position: -1, Message: msg}
	}
	return undefined, nil
}

func fnError(_ *callCtx, args []any) (any, error) {
	msg := "$error() function evaluated"
	if len(args) > 0 {
		if s, ok := args[0].(string); ok {
			msg = s
		}
	}
	return nil, &Error{Code: "D3137", Position: -1, Message: msg}
}

func fnShuffle(c *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return undefined, nil
	}
	items := append([]any(nil), arrayItems(args[0])...)
	for i := len(items) - 1; i > 0; i-- {
		j := int(c.ev.random() * float64(i+1))
		items[i], items[j] = items[j], items[i]
	}
	return items, nil
}

func fnMatch(c *callCtx, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return undefined, nil
	}
	limit := -1
	if len(args) > 2 && !isUndef(args[2]) {
		f, _ := toFloat(args[2])
		if f < 0 {
			return nil, &Error{Code: "D3040", Position: -1, Value: f, Message: "third argument of match function must evaluate to a positive number"}
		}
		limit = int(f)
	}
	out := newSeq()
	if limit == 0 {
		return out, nil
	}
	matches, err := c.ev.matches(args[1], s, limit, c)
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		o := value.NewObject(3)
		o.Set("match", m.match)
		o.Set("index", float64(m.start))
		o.Set("groups", append([]any{}, m.groups...)) // undefined for a group that took no part
		out.items = append(out.items, o)
	}
	return out, nil
}

// matches runs a matcher: a regex, or any function behaving like one
// (returning {match, start, end, groups} objects).
func (ev *evaluator) matches(fn any, s string, limit int, c *callCtx) ([]*regexMatch, error) {
	if r, ok := fn.(*regexFn); ok {
		return r.all(s, limit)
	}
	r, err := ev.apply(fn, []any{s}, nil, c.env)
	if err != nil {
		return nil, err
	}
	var out []*regexMatch
	for limit < 0 || len(out) < limit {
		if isUndef(r) {
			break
		}
		o, ok := r.(*value.Object)
		bad := &Error{Code: "T1010", Position: -1, Value: r, Message: "the matcher function argument passed to a function does not return the correct object structure"}
		if !ok {
			return nil, bad
		}
		m := &regexMatch{}
		mv, _ := o.Get("match")
		sv, _ := o.Get("start")
		ev2, _ := o.Get("end")
		gv, hasGroups := o.Get("groups")
		ms, ok1 := mv.(string)
		st, ok2 := toFloat(sv)
		_, ok3 := toFloat(ev2)
		if !ok1 || !ok2 || !ok3 || !hasGroups || !isArray(gv) {
			return nil, bad
		}
		m.match = ms
		m.start = int(st)
		m.end = m.start + utf16Len(ms)
		m.byteStart = byteOffset(s, m.start)
		m.byteEnd = m.byteStart + len(ms)
		m.groups = append(m.groups, arrayItems(gv)...)
		out = append(out, m)
		next, _ := o.Get("next")
		if !isFunction(next) {
			break
		}
		if r, err = ev.apply(next, nil, nil, c.env); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// byteOffset converts a UTF-16 offset into a byte offset in s.
func byteOffset(s string, units int) int {
	n := 0
	for i, r := range s {
		if n >= units {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}

func containsFunc(c *callCtx, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return undefined, nil
	}
	if r, ok := args[1].(*regexFn); ok {
		return r.matchAt(s, 0) != nil, nil
	}
	r, err := c.ev.apply(args[1], []any{s}, nil, c.env)
	if err != nil {
		return nil, err
	}
	return !isUndef(r), nil
}

func splitFunc(c *callCtx, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return undefined, nil
	}
	limit := -1
	if len(args) > 2 && !isUndef(args[2]) {
		f, _ := toFloat(args[2])
		if f < 0 {
			return nil, &Error{Code: "D3020", Position: -1, Value: f, Message: "third argument of split function must evaluate to a positive number"}
		}
		limit = int(f)
	}
	out := []any{}
	ms, err := c.ev.matches(args[1], s, -1, c)
	if err != nil {
		return nil, err
	}
	pos := 0
	for _, m := range ms {
		if limit >= 0 && len(out) >= limit {
			return out, nil
		}
		out = append(out, s[pos:m.byteStart])
		pos = m.byteEnd
	}
	if limit < 0 || len(out) < limit {
		out = append(out, s[pos:])
	}
	return out, nil
}

func replaceFunc(c *callCtx, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return undefined, nil
	}
	limit := -1
	if len(args) > 3 && !isUndef(args[3]) {
		f, _ := toFloat(args[3])
		if f < 0 {
			return nil, &Error{Code: "D3011", Position: -1, Value: f, Message: "fourth argument of replace function must evaluate to a positive number"}
		}
		limit = int(f)
	}
	if limit == 0 {
		return s, nil
	}
	pattern := args[1]
	if p, ok := pattern.(string); ok {
		if p == "" {
			return nil, &Error{Code: "D3010", Position: -1, Message: "second argument of replace function cannot be an empty string"}
		}
		// A plain pattern with a function replacement: the function gets
		// a match object for each occurrence.
		re := &regexFn{re: mustQuoteRegex(p)}
		pattern = re
	}
	ms, err := c.ev.matches(pattern, s, limit, c)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	pos := 0
	for _, m := range ms {
		b.WriteString(s[pos:m.byteStart])
		switch rep := args[2].(type) {
		case string:
			groups := make([]string, len(m.groups))
			for i, g := range m.groups {
				if gs, ok := g.(string); ok {
					groups[i] = gs
				}
			}
			b.WriteString(expandReplacement(rep, m.match, groups))
		default:
			r, err := c.ev.apply(rep, []any{m.object()}, nil, c.env)
			if err != nil {
				return nil, err
			}
			rs, ok := r.(string)
			if !ok {
				return nil, &Error{Code: "D3012", Position: -1, Value: r, Message: "attempted to replace a matched string with a non-string value"}
			}
			b.WriteString(rs)
		}
		pos = m.byteEnd
	}
	b.WriteString(s[pos:])
	return b.String(), nil
}

// fnToMillis is the library's $toMillis with the evaluation's clock
// supplying the date parts a picture leaves out.
func fnToMillis(c *callCtx, args []any) (any, error) {
	needed := false
	now := c.ev.opts.Now
	r, err := toMillisAt(args, func() time.Time {
		needed = true
		return now
	})
	if err == nil && needed && now.IsZero() {
		return nil, &Error{Code: "D3200", Position: -1, Message: "$toMillis() needs the evaluation time (Options.Now) for this picture"}
	}
	return r, err
}

func fnMillis(c *callCtx, _ []any) (any, error) {
	now := c.ev.opts.Now
	if now.IsZero() {
		return nil, &Error{Code: "D3200", Position: -1, Message: "$millis() needs the evaluation time (Options.Now)"}
	}
	return float64(now.UnixMilli()), nil
}

func fnNow(c *callCtx, args []any, fromMillis builtin) (any, error) {
	now := c.ev.opts.Now
	if now.IsZero() {
		return nil, &Error{Code: "D3200", Position: -1, Message: "$now() needs the evaluation time (Options.Now)"}
	}
	ms := float64(now.UnixMilli())
	hasPicture := len(args) > 0 && !isUndef(args[0])
	if !hasPicture && (len(args) < 2 || isUndef(args[1])) || fromMillis.fn == nil {
		return now.UTC().Format("2006-01-02T15:04:05.000Z"), nil
	}
	callArgs := append([]any{ms}, args...)
	for len(callArgs) < 3 {
		callArgs = append(callArgs, undefined)
	}
	return fromMillis.fn(callArgs)
}

func seqCount(_ *callCtx, args []any) (any, error) {
	if isUndef(args[0]) {
		return 0.0, nil
	}
	return float64(len(arrayItems(args[0]))), nil
}

func seqReverse(_ *callCtx, args []any) (any, error) {
	items := arrayItems(args[0])
	if isUndef(args[0]) || len(items) <= 1 {
		return args[0], nil
	}
	out := make([]any, len(items))
	for i, v := range items {
		out[len(items)-1-i] = v
	}
	return out, nil
}

// seqDistinct keeps a sequence a sequence, as jsonata-js does.
func seqDistinct(_ *callCtx, args []any) (any, error) {
	items := arrayItems(args[0])
	if !isArray(args[0]) || len(items) <= 1 {
		return args[0], nil
	}
	out := make([]any, 0, len(items))
	for _, v := range items {
		dup := false
		for _, w := range out {
			if deepEqual(v, w) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	if isSequence(args[0]) {
		return &array{items: out, seq: true}, nil
	}
	return out, nil
}

// keysOf is $keys: an object's keys, or the union of the keys of an
// array's objects, as a sequence.
func keysOf(v any) any {
	out := newSeq()
	switch x := v.(type) {
	case *value.Object:
		for _, k := range x.Keys() {
			out.items = append(out.items, k)
		}
	case []any, *array:
		seen := map[string]bool{}
		for _, it := range arrayItems(x) {
			for _, k := range arrayItems(keysOf(it)) {
				if ks := k.(string); !seen[ks] {
					seen[ks] = true
					out.items = append(out.items, ks)
				}
			}
		}
	}
	return out
}
