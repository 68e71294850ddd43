package jsonata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// CodeFunctionResult is the code of the error Eval returns when the
// result is a function (jsonata-js would hand back the function itself;
// it has no JSON form). Functions nested in a result are left out of
// objects and become null in arrays, as JSON.stringify does.
const CodeFunctionResult = "U1002"

// DefaultMaxDepth is the evaluation depth allowed when Options.MaxDepth is 0.
const DefaultMaxDepth = 5000

// Expr is a compiled expression. It is immutable and safe for concurrent
// use.
type Expr struct {
	src string
	ast *node
}

// Function is a host function made available to an evaluation.
// Signature uses JSONata's syntax (e.g. "<s-n?:s>"); empty means any
// arguments. Fn receives arrays as []any, objects as *value.Object and
// numbers as value.Number or float64; absent arguments are undefined.
type Function struct {
	Signature string
	Fn        func(args []any) (any, error)
}

// Options are the inputs of one evaluation besides the data.
type Options struct {
	Bindings  map[string]any      // $name variables (values in the value model), by name with or without '$'
	Functions map[string]Function // extra functions, by name with or without '$'
	Now       time.Time           // what $now() and $millis() return; zero refuses them
	MaxDepth  int                 // evaluation depth limit; 0 means DefaultMaxDepth
	Timeout   time.Duration       // evaluation time limit; 0 means none
	// Rand is the random source of $random and $shuffle, returning [0, 1).
	// Nil means a generator seeded from Now, so results repeat.
	Rand func() float64
}

// Compile parses an expression. Syntax errors are *Error with the
// position and token.
func Compile(expr string) (*Expr, error) {
	if _, err := registry(); err != nil {
		return nil, err
	}
	ast, err := parse(expr)
	if err != nil {
		return nil, err
	}
	return &Expr{src: expr, ast: ast}, nil
}

// MustCompile is Compile for expressions known to be valid; it panics on
// error.
func MustCompile(expr string) *Expr {
	e, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the source text.
func (e *Expr) String() string { return e.src }

// IsUndefined reports whether v is JSONata's undefined (no value), which
// differs from null.
func IsUndefined(v any) bool { return isUndef(v) }

// Undefined returns the undefined value, for inputs and bindings.
func Undefined() any { return undefined }

// Eval evaluates the expression against input (a value-model value, or
// undefined). The result is a value-model value or undefined.
func (e *Expr) Eval(input any, opts *Options) (result any, err error) {
	if opts == nil {
		opts = &Options{}
	}
	reg, err := registry()
	if err != nil {
		return nil, err
	}
	ev := &evaluator{registry: reg, opts: opts, maxDepth: opts.MaxDepth}
	if ev.maxDepth <= 0 {
		ev.maxDepth = DefaultMaxDepth
	}
	if opts.Timeout > 0 {
		ev.deadline = time.Now().Add(opts.Timeout)
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, &Error{Code: "U1000", Position: -1, Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	root := &frame{reg: reg}
	for name, f := range opts.Functions {
		var sig *signature
		if f.Signature != "" {
			if sig, err = parseSignature(f.Signature); err != nil {
				return nil, err
			}
		}
		name = strings.TrimPrefix(name, "$")
		root.bind(name, &native{name: name, sig: sig, fn: hostFunction(f.Fn)})
	}
	env := newFrame(root)
	for name, v := range opts.Bindings {
		env.bind(strings.TrimPrefix(name, "$"), v)
	}
	env.bind("$", input) // $$ is the root input, as given
	if a, ok := input.([]any); ok {
		// An input array is one item, not a sequence of inputs.
		input = &array{items: []any{a}, seq: true, outerWrapper: true}
	}
	r, err := ev.eval(e.ast, input, env)
	if err != nil {
		return nil, err
	}
	if isFunction(r) {
		return nil, &Error{Code: CodeFunctionResult, Position: -1, Message: "the expression evaluated to a function, which has no JSON value"}
	}
	return export(r, 0)
}

func (ev *evaluator) random() float64 {
	if ev.rnd == nil {
		if ev.opts.Rand != nil {
			ev.rnd = ev.opts.Rand
		} else {
			seed := uint64(ev.opts.Now.UnixNano())
			r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			ev.rnd = r.Float64
		}
	}
	return ev.rnd()
}

// stringify is $string for the evaluator's own use (the & operator).
func (ev *evaluator) stringify(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	p, _ := plain(v)
	r, err := stringify(p, false)
	if err != nil {
		return "", err
	}
	s, _ := r.(string)
	return s, nil
}

// export converts an evaluation result into the value model.
func export(v any, depth int) (any, error) {
	if depth > value.MaxDepth {
		// Deeper values could not be read back as JSON (and would strain
		// every recursive consumer), so they are refused here.
		return nil, &Error{Code: "U1001", Position: -1, Message: fmt.Sprintf("the result is nested deeper than %d levels", value.MaxDepth)}
	}
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, &Error{Code: "D1001", Position: -1, Value: x, Message: "number out of range"}
		}
		return value.Float(x), nil
	case *array:
		return exportItems(x.items, depth)
	case []any:
		return exportItems(x, depth)
	case *value.Object:
		var out *value.Object
		for i := 0; i < x.Len(); i++ {
			k, it := x.At(i)
			p, err := export(it, depth+1)
			if err != nil {
				return nil, err
			}
			if out == nil && !same(p, it) {
				out = value.NewObject(x.Len())
				for j := 0; j < i; j++ {
					kk, vv := x.At(j)
					out.Set(kk, vv)
				}
			}
			if out != nil && !isUndef(p) {
				out.Set(k, p)
			}
		}
		if out != nil {
			return out, nil
		}
		return x, nil
	case callable:
		return undefined, nil
	case tuple:
		return export(x["@"], depth)
	}
	return v, nil
}

func exportItems(items []any, depth int) (any, error) {
	out := make([]any, len(items))
	for i, it := range items {
		p, err := export(it, depth+1)
		if err != nil {
			return nil, err
		}
		if isUndef(p) {
			p = nil
		}
		out[i] = p
	}
	return out, nil
}

// same reports whether export left v unchanged (pointer or scalar identity).
func same(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case *value.Object, string, bool, nil, value.Number:
		return a == b
	}
	return false
}

// hostFunction adapts an Options.Functions entry: arguments as for the
// library, and results outside the value model (int, map[string]any, …)
// converted into it.
func hostFunction(fn func([]any) (any, error)) func(*callCtx, []any) (any, error) {
	call := wrapLibrary(fn)
	return func(c *callCtx, args []any) (any, error) {
		r, err := call(c, args)
		if err != nil {
			return nil, err
		}
		switch r.(type) {
		case nil, bool, float64, value.Number, string, []any, *value.Object, undefinedType:
			return r, nil
		}
		if isFunction(r) {
			return r, nil
		}
		v, cerr := value.FromGo(r)
		if cerr != nil {
			return nil, &Error{Code: "U1000", Position: -1, Value: r, Message: "host function returned a value outside the JSON model: " + cerr.Error()}
		}
		return v, nil
	}
}
