package jsonata

import (
	"fmt"

	"github.com/cairn-sfn/cairn/value"
)

// lambda is a user-defined function closed over its defining scope. A thunk
// is the deferred tail call of a lambda body, run by apply's trampoline.
type lambda struct {
	node   *node
	input  any
	env    *frame
	params []string
	sig    *signature
	body   *node
	thunk  bool
}

func (l *lambda) arity() int { return len(l.params) }

// callCtx is what a native function sees of its caller.
type callCtx struct {
	ev    *evaluator
	input any
	env   *frame
}

// native is a function implemented in Go: one of ours (which may call
// back into the evaluator) or a library builtin.
type native struct {
	name string
	sig  *signature
	fn   func(c *callCtx, args []any) (any, error)
}

func (n *native) arity() int {
	// HOFs pass as many arguments as jsonata-js's implementation declares,
	// which for these differs from the signature.
	switch n.name {
	case "string":
		return 1
	case "zip":
		return 0
	}
	if n.sig == nil {
		return 1
	}
	return len(n.sig.params)
}

// partialFn is a function with some arguments fixed; nil marks a hole.
type partialFn struct {
	fn    any
	args  []any
	holes []bool
}

func (p *partialFn) arity() int {
	n := 0
	for _, h := range p.holes {
		if h {
			n++
		}
	}
	return n
}

// chainFn is f ~> g for two functions: a function applying f then g.
type chainFn struct{ f, g any }

func (c *chainFn) arity() int { return 1 }

// transformFn is the function a |pattern|update,delete| expression makes.
type transformFn struct {
	ev   *evaluator
	node *node
	env  *frame
}

func (t *transformFn) arity() int { return 1 }

var (
	_ callable = (*lambda)(nil)
	_ callable = (*native)(nil)
	_ callable = (*partialFn)(nil)
	_ callable = (*chainFn)(nil)
	_ callable = (*transformFn)(nil)
	_ callable = (*regexFn)(nil)
)

func arityOf(f any) int {
	if c, ok := f.(callable); ok {
		return c.arity()
	}
	return 0
}

// call evaluates a function call node; applyTo, when non-nil, is the
// left side of ~> passed as the first argument.
func (ev *evaluator) call(n *node, input any, env *frame, applyTo *any) (any, error) {
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndef(proc) && n.procedure.typ == nPath && len(n.procedure.steps) > 0 && n.procedure.steps[0].typ == nName {
		name := n.procedure.steps[0].str
		if _, ok := ev.lookupFunction(env, name); ok {
			return nil, &Error{Code: "T1005", Position: n.pos, Token: name, Message: fmt.Sprintf("attempted to invoke a non-function; did you mean $%s?", name)}
		}
	}
	args := make([]any, 0, len(n.args)+1)
	if applyTo != nil {
		args = append(args, *applyTo)
	}
	for _, a := range n.args {
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	r, err := ev.apply(proc, args, input, env)
	if err != nil {
		if e, ok := err.(*Error); ok {
			if e.Position < 0 {
				e.Position = n.pos
			}
			if e.Token == "" {
				e.Token = procName(n.procedure)
			}
		}
		return nil, err
	}
	return r, nil
}

func procName(n *node) string {
	switch n.typ {
	case nPath:
		if len(n.steps) > 0 {
			return n.steps[0].str
		}
	case nVariable:
		return n.op
	}
	return ""
}

func (ev *evaluator) lookupFunction(env *frame, name string) (any, bool) {
	if v, ok := env.lookup(name); ok {
		return v, true
	}
	return nil, false
}

// apply calls proc, running tail calls iteratively.
func (ev *evaluator) apply(proc any, args []any, input any, env *frame) (any, error) {
	result, err := ev.applyInner(proc, args, input, env)
	for err == nil {
		l, ok := result.(*lambda)
		if !ok || !l.thunk {
			break
		}
		call := l.body
		next, e := ev.eval(call.procedure, l.input, l.env)
		if e != nil {
			return nil, e
		}
		targs := make([]any, 0, len(call.args))
		for _, a := range call.args {
			v, e := ev.eval(a, l.input, l.env)
			if e != nil {
				return nil, e
			}
			targs = append(targs, v)
		}
		// As jsonata-js: the tail call runs with the caller's context.
		result, err = ev.applyInner(next, targs, input, env)
		if err != nil {
			if e, ok := err.(*Error); ok {
				if e.Position < 0 {
					e.Position = call.pos
				}
				if e.Token == "" {
					e.Token = procName(call.procedure)
				}
			}
		}
	}
	return result, err
}

func (ev *evaluator) applyInner(proc any, args []any, input any, env *frame) (any, error) {
	if _, isLambda := proc.(*lambda); !isLambda {
		// Native functions that call back into the evaluator (HOFs),
		// partial applications and chains nest Go calls without nesting
		// evaluations, so they count towards the depth limit too.
		ev.depth++
		defer func() { ev.depth-- }()
		if ev.depth > ev.maxDepth {
			return nil, &Error{Code: "U1001", Position: -1, Message: "stack overflow error: check for non-terminating recursive function; consider rewriting as tail-recursive"}
		}
	}
	switch f := proc.(type) {
	case *lambda:
		if f.sig != nil {
			var err error
			if args, err = f.sig.validate(args, input); err != nil {
				return nil, err
			}
		}
		fenv := newFrame(f.env)
		for i, p := range f.params {
			if i < len(args) {
				fenv.bind(p, args[i])
			} else {
				fenv.bind(p, undefined)
			}
		}
		return ev.eval(f.body, f.input, fenv)
	case *native:
		if f.sig != nil {
			var err error
			if args, err = f.sig.validate(args, input); err != nil {
				return nil, err
			}
		}
		return f.fn(&callCtx{ev: ev, input: input, env: env}, args)
	case *partialFn:
		full := make([]any, len(f.args))
		j := 0
		for i := range f.args {
			if f.holes[i] {
				if j < len(args) {
					full[i] = args[j]
				} else {
					full[i] = undefined
				}
				j++
			} else {
				full[i] = f.args[i]
			}
		}
		return ev.apply(f.fn, full, input, env)
	case *chainFn:
		var a any = undefined
		if len(args) > 0 {
			a = args[0]
		}
		r, err := ev.apply(f.f, []any{a}, input, env)
		if err != nil {
			return nil, err
		}
		return ev.apply(f.g, []any{r}, input, env)
	case *transformFn:
		// jsonata-js gives the transform function the signature <(oa):o>.
		sig, _ := parseSignature("<(oa):o>")
		checked, err := sig.validate(args, input)
		if err != nil {
			return nil, err
		}
		return f.run(checked[0])
	case *regexFn:
		if len(args) == 0 || isUndef(args[0]) {
			return undefined, nil
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, &Error{Code: "T0410", Position: -1, Value: args[0], Message: "argument 1 of function does not match function signature"}
		}
		m := f.matchAt(s, 0)
		if m == nil {
			return undefined, nil
		}
		return m.object(), nil
	}
	return nil, &Error{Code: "T1006", Position: -1, Message: "attempted to invoke a non-function"}
}

func (ev *evaluator) partial(n *node, input any, env *frame) (any, error) {
	args := make([]any, len(n.args))
	holes := make([]bool, len(n.args))
	for i, a := range n.args {
		if a.typ == nPlaceholder {
			holes[i] = true
			continue
		}
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndef(proc) && n.procedure.typ == nPath && len(n.procedure.steps) > 0 && n.procedure.steps[0].typ == nName {
		name := n.procedure.steps[0].str
		if _, ok := ev.lookupFunction(env, name); ok {
			return nil, &Error{Code: "T1007", Position: n.pos, Token: name, Message: fmt.Sprintf("attempted to partially apply a non-function; did you mean $%s?", name)}
		}
	}
	if !isFunction(proc) {
		return nil, &Error{Code: "T1008", Position: n.pos, Token: procName(n.procedure), Message: "attempted to partially apply a non-function"}
	}
	return &partialFn{fn: proc, args: args, holes: holes}, nil
}

func (ev *evaluator) applyOp(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if n.rhs.typ == nFunction {
		return ev.call(n.rhs, input, env, &lhs)
	}
	fn, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !isFunction(fn) {
		return nil, &Error{Code: "T2006", Position: n.pos, Value: fn, Message: "the right side of the function application operator ~> must be a function"}
	}
	if isFunction(lhs) {
		return &chainFn{f: lhs, g: fn}, nil
	}
	return ev.apply(fn, []any{lhs}, input, env)
}

// run applies the transform to obj: a deep copy with the updates made.
func (t *transformFn) run(obj any) (any, error) {
	if isUndef(obj) {
		return undefined, nil
	}
	ev := t.ev
	result := deepClone(obj)
	matches, err := ev.eval(t.node.pattern, result, t.env)
	if err != nil {
		return nil, err
	}
	if isUndef(matches) {
		return result, nil
	}
	items := arrayItems(matches)
	if !isArray(matches) {
		items = []any{matches}
	}
	for _, m := range items {
		obj, isObj := m.(*value.Object)
		upd, err := ev.eval(t.node.update, m, t.env)
		if err != nil {
			return nil, err
		}
		if !isUndef(upd) {
			u, ok := upd.(*value.Object)
			if !ok {
				return nil, &Error{Code: "T2011", Position: t.node.update.pos, Value: upd, Message: "the insert/update clause of the transform expression must evaluate to an object"}
			}
			if isObj {
				for k, v := range u.All() {
					// A copy: the update may hold the match itself (say
					// {"self": $}), and the result must stay a tree.
					obj.Set(k, deepClone(v))
				}
			}
		}
		if t.node.del != nil {
			dels, err := ev.eval(t.node.del, m, t.env)
			if err != nil {
				return nil, err
			}
			if isUndef(dels) {
				continue
			}
			names := arrayItems(dels)
			if !isArray(dels) {
				names = []any{dels}
			}
			for _, d := range names {
				if _, ok := d.(string); !ok {
					return nil, &Error{Code: "T2012", Position: t.node.del.pos, Value: dels, Message: "the delete clause of the transform expression must evaluate to a string or array of strings"}
				}
			}
			if isObj {
				for _, d := range names {
					obj.Delete(d.(string))
				}
			}
		}
	}
	return result, nil
}

// deepClone copies the containers of v so the copy can be changed.
func deepClone(v any) any {
	switch x := v.(type) {
	case *value.Object:
		o := value.NewObject(x.Len())
		for k, c := range x.All() {
			o.Set(k, deepClone(c))
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = deepClone(c)
		}
		return out
	case *array:
		out := make([]any, len(x.items))
		for i, c := range x.items {
			out[i] = deepClone(c)
		}
		return out
	}
	return v
}
