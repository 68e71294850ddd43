package asl

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// comparison operators and the JSON type of their operand.
var comparisons = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

// Choice rule members besides the operators.
var (
	ruleFields   = fieldSet{"Variable": forJSONPath, "And": forJSONPath, "Or": forJSONPath, "Not": forJSONPath, "Comment": forBoth}
	topRuleExtra = fieldSet{"Next": forBoth, "Assign": forBoth, "Condition": forJSONata, "Output": forJSONata}
	nestedRule   = ruleFieldSet()
	topRule      = merge(nestedRule, topRuleExtra)
)

// ruleFieldSet is what a nested rule may hold: a variable, one operator
// (or its …Path form) and a comment. Read-only once built.
func ruleFieldSet() fieldSet {
	set := merge(ruleFields)
	for op := range comparisons {
		set[op] = forJSONPath
		if !strings.HasPrefix(op, "Is") {
			set[op+"Path"] = forJSONPath
		}
	}
	return set
}

func (p *parser) choice(s *State, f *fields) {
	if f.has("Default") {
		s.Default = p.str(f, "Default")
	}
	if !p.require(f, "Choices") {
		return
	}
	arr := p.array(f, "Choices")
	for i, e := range arr {
		cloc := fmt.Sprintf("%s/Choices[%d]", f.loc, i)
		o, isObj := e.(*value.Object)
		if !isObj {
			p.typeError(cloc, "OBJECT")
			continue
		}
		cf := p.open(o, cloc, topRule, f.ql)
		p.require(cf, "Next")
		rule := &ChoiceRule{Next: p.str(cf, "Next")}
		rule.Assign = p.assign(cf, f.ql)
		if v, ok := cf.get("Output"); ok {
			rule.Output = p.template(v, "Output", cf.sub("Output"), f.ql)
		}
		if f.ql == JSONata {
			if p.require(cf, "Condition") {
				v, _ := cf.get("Condition")
				expr := &Expr{Field: "Condition"}
				if b, isBool := v.(bool); isBool {
					expr.Literal = b
				} else if isJSONata(v) {
					expr.JSONata = v.(string)
				} else {
					p.d.add(CodeSchema, cf.sub("Condition"), "Value must be a boolean or a JSONata expression enclosed in '{%' and '%}'")
				}
				rule.Condition = &Condition{Op: "JSONata", Expr: expr}
			}
		} else {
			rule.Condition = p.condition(cf)
		}
		s.Choices = append(s.Choices, rule)
	}
}

// condition reads the boolean expression of a choice rule or a nested rule.
func (p *parser) condition(f *fields) *Condition {
	p.str(f, "Comment")
	var ops []string
	for _, k := range f.obj.Keys() {
		if f.bad[k] {
			continue
		}
		switch k {
		case "Variable", "Next", "Assign", "Comment", "Condition", "Output":
		default:
			ops = append(ops, k)
		}
	}
	if len(ops) != 1 {
		p.d.add(CodeSchema, at(f.loc), "A choice rule must have exactly one of the comparison operators, And, Or or Not")
		return nil
	}
	op := ops[0]
	c := &Condition{Op: op}
	switch op {
	case "And", "Or":
		if f.has("Variable") {
			p.d.add(CodeSchema, at(f.loc), "Field 'Variable' is not supported")
		}
		arr := p.array(f, op)
		for i, e := range arr {
			c.Children = append(c.Children, p.nested(e, fmt.Sprintf("%s/%s[%d]", f.loc, op, i)))
		}
		return c
	case "Not":
		if f.has("Variable") {
			p.d.add(CodeSchema, at(f.loc), "Field 'Variable' is not supported")
		}
		v, _ := f.get(op)
		c.Children = []*Condition{p.nested(v, f.sub("Not"))}
		return c
	}
	if !p.require(f, "Variable") {
		return nil
	}
	vp := p.path(f, "Variable", false, false)
	c.Variable = vp.Path
	v, _ := f.get(op)
	if strings.HasSuffix(op, "Path") {
		c.ValuePath = p.pathValue(v, f.sub(op), false)
		if c.Variable == nil || c.ValuePath == nil {
			return nil
		}
		return c
	}
	switch want := comparisons[op]; {
	case want == "timestamp":
		if s, isStr := v.(string); !isStr {
			p.typeError(f.sub(op), "STRING")
		} else if _, ok := ParseTimestamp(s); !ok {
			p.d.add(CodeSchema, f.sub(op), "String does not match RFC3339 timestamp")
		}
	case value.Kind(v) != want:
		p.typeError(f.sub(op), strings.ToUpper(want))
	}
	c.Value = v
	if c.Variable == nil {
		return nil
	}
	return c
}

func (p *parser) nested(v any, loc string) *Condition {
	o, isObj := v.(*value.Object)
	if !isObj {
		p.typeError(loc, "OBJECT")
		return nil
	}
	return p.condition(p.open(o, loc, nestedRule, JSONPath))
}

// ErrNoMatch is returned by a comparison whose Variable matches nothing.
var errVariableMissing = errors.New("variable missing")

// Eval evaluates the condition.
func (c *Condition) Eval(env *Env) (bool, error) {
	switch c.Op {
	case "And":
		for _, ch := range c.Children {
			ok, err := ch.Eval(env)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case "Or":
		for _, ch := range c.Children {
			ok, err := ch.Eval(env)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case "Not":
		ok, err := c.Children[0].Eval(env)
		return !ok, err
	case "JSONata":
		if c.Expr.JSONata == "" {
			b, _ := c.Expr.Literal.(bool)
			return b, nil
		}
		v, err := c.Expr.Eval(env)
		if err != nil {
			return false, err
		}
		b, ok := v.(bool)
		if !ok {
			return false, evalFailure("Condition", fmt.Sprintf("The JSONata expression '%s' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '%s' for value: %s", exprText(c.Expr.JSONata), jsonType(v), value.String(v)))
		}
		return b, nil
	}
	v, err := c.Variable.Eval(&env.Env)
	present := true
	if err != nil {
		var nf *jsonpath.NotFoundError
		if !errors.As(err, &nf) {
			return false, err
		}
		present = false
	}
	if c.Op == "IsPresent" {
		want, _ := c.Value.(bool)
		return present == want, nil
	}
	if !present {
		return false, Fail("States.Runtime", fmt.Sprintf("Invalid path '%s': The choice state's condition path references an invalid value.", c.Variable.String()))
	}
	operand := c.Value
	if c.ValuePath != nil {
		operand, err = c.ValuePath.Eval(&env.Env)
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				return false, Fail("States.Runtime", fmt.Sprintf("Invalid path '%s': The choice state's condition path references an invalid value.", c.ValuePath.String()))
			}
			return false, err
		}
	}
	return compare(strings.TrimSuffix(c.Op, "Path"), v, operand), nil
}

func compare(op string, v, operand any) bool {
	switch op {
	case "IsNull":
		return (v == nil) == operand.(bool)
	case "IsNumeric":
		_, is := v.(value.Number)
		return is == operand.(bool)
	case "IsString":
		_, is := v.(string)
		return is == operand.(bool)
	case "IsBoolean":
		_, is := v.(bool)
		return is == operand.(bool)
	case "IsTimestamp":
		s, is := v.(string)
		if is {
			_, is = ParseTimestamp(s)
		}
		return is == operand.(bool)
	case "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case "StringMatches":
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && MatchWildcard(b, a)
	}
	switch comparisons[op] {
	case "string":
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && order(op, strings.Compare(a, b))
	case "number":
		a, ok1 := v.(value.Number)
		b, ok2 := operand.(value.Number)
		return ok1 && ok2 && order(op, value.CompareNumbers(a, b))
	case "timestamp":
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		ta, ok1 := ParseTimestamp(a)
		tb, ok2 := ParseTimestamp(b)
		return ok1 && ok2 && order(op, ta.Compare(tb))
	}
	return false
}

func order(op string, cmp int) bool {
	switch {
	case strings.HasSuffix(op, "GreaterThanEquals"):
		return cmp >= 0
	case strings.HasSuffix(op, "LessThanEquals"):
		return cmp <= 0
	case strings.HasSuffix(op, "GreaterThan"):
		return cmp > 0
	case strings.HasSuffix(op, "LessThan"):
		return cmp < 0
	}
	return cmp == 0
}

// MatchWildcard matches s against a StringMatches pattern, where '*' matches
// any run of characters and '\*' and '\\' are a literal '*' and '\'.
func MatchWildcard(pattern, s string) bool {
	type tok struct {
		star bool
		lit  string
	}
	var toks []tok
	var lit strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			i++
			lit.WriteByte(pattern[i])
		case c == '*':
			toks = append(toks, tok{lit: lit.String()}, tok{star: true})
			lit.Reset()
		default:
			lit.WriteByte(c)
		}
	}
	toks = append(toks, tok{lit: lit.String()})
	// Greedy-free matching: literals separated by stars.
	var parts []string
	for _, t := range toks {
		if !t.star {
			parts = append(parts, t.lit)
		}
	}
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// ParseTimestamp parses an ISO-8601 / RFC 3339 timestamp as Step Functions
// accepts it: a date, 'T', a time with optional fraction, and a zone
// (Z or ±hh:mm), which is required.
func ParseTimestamp(s string) (time.Time, bool) {
	if len(s) < 20 || (s[10] != 'T' && s[10] != 't') {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
