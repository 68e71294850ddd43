package asl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/jsonata"
	"github.com/cairn-sfn/cairn/value"
)

// jsonataNode is a "{% … %}" string in a JSONata state's template.
type jsonataNode struct {
	field string // where it stands, e.g. "Output/result"
	src   string // the expression between the delimiters, trimmed
	expr  *jsonata.Expr
}

func (n *jsonataNode) eval(env *Env) (any, error) {
	return evalJSONata(n.expr, n.src, n.field, env)
}

// exprText returns the expression inside "{% … %}".
func exprText(s string) string {
	return strings.TrimSpace(s[2 : len(s)-2])
}

// compileJSONata compiles the expression of a "{% … %}" string, reporting a
// syntax error at loc.
func compileJSONata(s, loc string, d *diagnostics) (*jsonata.Expr, string) {
	src := exprText(s)
	e, err := jsonata.Compile(src)
	if err != nil {
		d.add(CodeSchema, loc, fmt.Sprintf("The JSONata expression '%s' is invalid: %v", src, err))
		return nil, src
	}
	return e, src
}

// compileJSONataTemplate compiles a JSONata template: a JSON value whose
// strings may be "{% … %}" expressions at any depth.
func compileJSONataTemplate(v any, field, loc string, d *diagnostics) tnode {
	switch x := v.(type) {
	case string:
		if !isJSONata(x) {
			return literal{v: x}
		}
		e, src := compileJSONata(x, loc, d)
		if e == nil {
			return literal{}
		}
		return &jsonataNode{field: field, src: src, expr: e}
	case *value.Object:
		n := &objectNode{}
		constant := true
		for k, child := range x.All() {
			node := compileJSONataTemplate(child, field+"/"+k, loc+"/"+k, d)
			if _, ok := node.(literal); !ok {
				constant = false
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
		for i, child := range x {
			node := compileJSONataTemplate(child, field+"/"+strconv.Itoa(i), loc+"["+strconv.Itoa(i)+"]", d)
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

// evalJSONata evaluates an expression of field and words failures as AWS
// does.
func evalJSONata(e *jsonata.Expr, src, field string, env *Env) (any, error) {
	v, err := e.Eval(env.jsonataInput(), env.jsonataOptions())
	if err != nil {
		if je, ok := err.(*jsonata.Error); ok && je.Code == jsonata.CodeFunctionResult {
			return nil, evalFailure(field, fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' returned an unsupported result type.", src, field))
		}
		return nil, evalFailure(field, fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %v", src, field, err))
	}
	if jsonata.IsUndefined(v) {
		return nil, evalFailure(field, fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", src, field))
	}
	return v, nil
}

func evalFailure(field, cause string) *Failure {
	return &Failure{Name: "States.QueryEvaluationError", Cause: cause, Location: field}
}

// jsonataInput is what "$" means in an expression: the state input.
func (env *Env) jsonataInput() any {
	if env.States != nil {
		if in, ok := env.States.Get("input"); ok {
			return in
		}
	}
	return jsonata.Undefined()
}

// jsonataOptions builds the bindings of an evaluation: $states, the
// workflow variables and AWS's extra functions.
func (env *Env) jsonataOptions() *jsonata.Options {
	if env.jopts != nil {
		return env.jopts
	}
	bindings := map[string]any{}
	if env.Variables != nil {
		for k, v := range env.Variables() {
			bindings[k] = v
		}
	}
	if env.States != nil {
		bindings["states"] = env.States
	}
	opts := &jsonata.Options{Bindings: bindings, Now: env.Now, Functions: awsFunctions(env)}
	if env.Rand != nil {
		opts.Rand = env.Rand.Float64
	}
	env.jopts = opts
	return opts
}

// jsonType names a value's JSON type as AWS's messages do.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case value.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// compileExpressions compiles every JSONata expression in single-valued
// fields of g's states (and their branches and processors), reporting
// syntax errors at their fields.
func (p *parser) compileExpressions(g *Graph, loc string) {
	for _, name := range g.Names {
		s := g.States[name]
		at := loc + "/States/" + name
		for _, e := range []*Expr{s.TimeoutSeconds, s.HeartbeatSeconds, s.Seconds, s.Timestamp, s.Error, s.Cause,
			s.MaxConcurrency, s.ToleratedFailurePercentage, s.ToleratedFailureCount} {
			p.compileExpr(e, at)
		}
		for i, c := range s.Choices {
			if c.Condition != nil && c.Condition.Op == "JSONata" {
				p.compileExpr(c.Condition.Expr, at+"/Choices["+strconv.Itoa(i)+"]")
			}
		}
		for i, b := range s.Branches {
			p.compileExpressions(b, at+"/Branches["+strconv.Itoa(i)+"]")
		}
		if s.ItemProcessor != nil {
			p.compileExpressions(s.ItemProcessor, at+"/ItemProcessor")
		}
	}
}

func (p *parser) compileExpr(e *Expr, loc string) {
	if e == nil || e.JSONata == "" || e.compiled != nil {
		return
	}
	e.compiled, _ = compileJSONata(e.JSONata, loc+"/"+e.Field, p.d)
}

// Source returns the expression of a template that is a single "{% … %}"
// string, for error messages.
func (t *Template) Source() (string, bool) {
	if n, ok := t.root.(*jsonataNode); ok {
		return n.src, true
	}
	return "", false
}
