package asl

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/intrinsic"
	"github.com/cairn-sfn/cairn/jsonata"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// Failure is an ASL error: the name and cause a state fails with. It is a
// value the interpreter routes through Retry and Catch, not a Go failure of
// the engine.
type Failure struct {
	Name  string
	Cause string
	// Location is the field an evaluation failed in (e.g. "Output/result"),
	// recorded in the EvaluationFailed event.
	Location string
}

func (f *Failure) Error() string { return f.Name + ": " + f.Cause }

// Fail returns a *Failure.
func Fail(name, cause string) *Failure { return &Failure{Name: name, Cause: cause} }

// Env is what templates and expressions read while a state runs.
type Env struct {
	jsonpath.Env            // $ (Input), $$ (Context) and variables
	Rand         *rand.Rand // for States.UUID, States.MathRandom, $random, $uuid

	// JSONata states: the $states binding (input, result, errorOutput,
	// context), every visible variable, and the time $now() answers.
	States    *value.Object
	Variables func() map[string]any
	Now       time.Time

	jopts *jsonata.Options // built on first use
}

// Template is a payload template (Parameters, ResultSelector, ItemSelector,
// Assign, Arguments, Output …), compiled once. In JSONPath states, members
// whose key ends in ".$" take their value from a path or an intrinsic call.
type Template struct {
	Field string // the field it came from, e.g. "Parameters"
	root  tnode
}

// Eval builds the template's value.
func (t *Template) Eval(env *Env) (any, error) { return t.root.eval(env) }

type tnode interface {
	eval(env *Env) (any, error)
}

// literal is a constant part of a template, shared by every evaluation.
type literal struct{ v any }

func (n literal) eval(*Env) (any, error) { return n.v, nil }

type objectNode struct {
	keys  []string
	nodes []tnode
}

func (n *objectNode) eval(env *Env) (any, error) {
	o := value.NewObject(len(n.keys))
	for i, k := range n.keys {
		v, err := n.nodes[i].eval(env)
		if err != nil {
			return nil, err
		}
		o.Set(k, v)
	}
	return o, nil
}

type arrayNode struct{ nodes []tnode }

func (n *arrayNode) eval(env *Env) (any, error) {
	a := make([]any, len(n.nodes))
	for i, c := range n.nodes {
		v, err := c.eval(env)
		if err != nil {
			return nil, err
		}
		a[i] = v
	}
	return a, nil
}

// pathNode is a "key.$": "$.path" member.
type pathNode struct {
	field string // the key as written, with ".$"
	path  *jsonpath.Path
}

func (n *pathNode) eval(env *Env) (any, error) {
	v, err := n.path.Eval(&env.Env)
	if err != nil {
		return nil, pathFailure(n.path, n.field, env, err)
	}
	return v, nil
}

// pathFailure words a failed path lookup as AWS does.
func pathFailure(p *jsonpath.Path, field string, env *Env, err error) *Failure {
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		doc := env.Input
		switch p.Root() {
		case jsonpath.RootContext:
			doc = env.Context
		case jsonpath.RootVariable:
			if env.Vars != nil {
				if v, ok := env.Vars(p.Variable()); ok {
					doc = v
				} else {
					return Fail("States.Runtime", fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be found in the input variables", p.String(), field))
				}
			}
		}
		return Fail("States.Runtime", fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", p.String(), field, value.String(doc)))
	}
	return Fail("States.Runtime", fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be evaluated: %v", p.String(), field, err))
}

type intrinsicNode struct {
	field string
	call  *intrinsic.Call
}

func (n *intrinsicNode) eval(env *Env) (any, error) {
	v, err := n.call.Eval(&env.Env, env.Rand)
	if err != nil {
		var ie *intrinsic.Error
		if errors.As(err, &ie) {
			return nil, Fail("States.IntrinsicFailure", ie.Cause)
		}
		var nf *jsonpath.NotFoundError
		if errors.As(err, &nf) {
			return nil, Fail("States.Runtime", fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", nf.Path, n.field, value.String(env.Input)))
		}
		return nil, Fail("States.IntrinsicFailure", err.Error())
	}
	return v, nil
}

// compileTemplate compiles a JSONPath payload template. It reports problems
// to d at loc.
// AWS reports a bad member at the template's own field (loc), not at the
// member.
func compileTemplate(v any, field string, loc string, d *diagnostics) *Template {
	return &Template{Field: field, root: compileNode(v, loc, d)}
}

func compileNode(v any, loc string, d *diagnostics) tnode {
	switch x := v.(type) {
	case *value.Object:
		n := &objectNode{}
		constant := true
		for k, child := range x.All() {
			var node tnode
			if strings.HasSuffix(k, ".$") {
				node = compileDynamic(k, child, loc, d)
				k = strings.TrimSuffix(k, ".$")
				constant = false
			} else {
				node = compileNode(child, loc, d)
				if _, ok := node.(literal); !ok {
					constant = false
				}
			}
			n.keys = append(n.keys, k)
			n.nodes = append(n.nodes, node)
		}
		if constant {
			return literal{v: x}
		}
		return n
	case []any:
		n := &arrayNode{}
		constant := true
		for _, child := range x {
			node := compileNode(child, loc, d)
			if _, ok := node.(literal); !ok {
				constant = false
			}
			n.nodes = append(n.nodes, node)
		}
		if constant {
			return literal{v: x}
		}
		return n
	}
	return literal{v: v}
}

// compileDynamic compiles the value of a "key.$" member: a path or an
// intrinsic call.
func compileDynamic(key string, v any, loc string, d *diagnostics) tnode {
	s, ok := v.(string)
	if !ok {
		d.add(CodeSchema, loc, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key))
		return literal{}
	}
	if intrinsic.IsCall(s) {
		call, err := intrinsic.Compile(s)
		if err != nil {
			d.add(CodeSchema, loc, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key))
			return literal{}
		}
		return &intrinsicNode{field: key, call: call}
	}
	p, err := jsonpath.Compile(s)
	if err != nil {
		d.add(CodeSchema, loc, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key))
		return literal{}
	}
	return &pathNode{field: key, path: p}
}

// Expr is a single-valued field: a literal, a JSONPath (the field's …Path
// form), an intrinsic call, or a JSONata expression.
type Expr struct {
	Field     string // the field as written: "Seconds", "SecondsPath", "ErrorPath" …
	Literal   any
	Path      *jsonpath.Path
	Intrinsic *intrinsic.Call
	// JSONata is a "{% … %}" expression as written; compiled is its
	// compiled form, set when the definition is parsed.
	JSONata  string
	compiled *jsonata.Expr
}

// IsPath reports whether the value comes from a path, an intrinsic or an
// expression rather than a literal.
func (e *Expr) IsPath() bool { return e.Path != nil || e.Intrinsic != nil || e.JSONata != "" }

// Eval returns the field's value. A path that matches nothing is a
// *jsonpath.NotFoundError for the caller to word.
func (e *Expr) Eval(env *Env) (any, error) {
	switch {
	case e.Path != nil:
		return e.Path.Eval(&env.Env)
	case e.JSONata != "":
		if e.compiled == nil {
			return nil, Fail("States.QueryEvaluationError", "The JSONata expression '"+e.JSONata+"' was not compiled")
		}
		return evalJSONata(e.compiled, exprText(e.JSONata), e.Field, env)
	case e.Intrinsic != nil:
		v, err := e.Intrinsic.Eval(&env.Env, env.Rand)
		if err != nil {
			var ie *intrinsic.Error
			if errors.As(err, &ie) {
				return nil, Fail("States.IntrinsicFailure", ie.Cause)
			}
			return nil, err
		}
		return v, nil
	}
	return e.Literal, nil
}
