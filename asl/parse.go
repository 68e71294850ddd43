package asl

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cairn-sfn/cairn/intrinsic"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// MaxDefinitionSize is AWS's limit on a definition's size in bytes.
const MaxDefinitionSize = 1 << 20

// Parse reads and validates a definition. On any problem it returns a
// *ValidationError listing all of them, each with its location.
func Parse(data []byte) (*StateMachine, error) {
	var d diagnostics
	if len(data) > MaxDefinitionSize {
		d.add(CodeSchema, "", fmt.Sprintf("The definition is larger than %d bytes", MaxDefinitionSize))
		return nil, d.err()
	}
	raw, err := value.Parse(data)
	if err != nil {
		d.add(CodeInvalidJSON, "", err.Error())
		return nil, d.err()
	}
	obj, ok := raw.(*value.Object)
	if !ok {
		d.add(CodeSchema, "", "The definition must be a JSON object")
		return nil, d.err()
	}
	p := &parser{d: &d}
	sm := p.machine(obj)
	if err := d.err(); err != nil {
		return nil, err
	}
	return sm, nil
}

// Check returns the diagnostics for a definition; none means it is valid.
func Check(data []byte) []Diagnostic {
	_, err := Parse(data)
	if ve, ok := err.(*ValidationError); ok {
		return ve.Diagnostics
	}
	return nil
}

type parser struct {
	d *diagnostics
}

// fields tracks which members of an object a parser has read, so that the
// rest can be reported as unsupported.
type fields struct {
	obj  *value.Object
	loc  string
	used map[string]bool
}

func (p *parser) fields(obj *value.Object, loc string) *fields {
	return &fields{obj: obj, loc: loc, used: make(map[string]bool, obj.Len())}
}

func (f *fields) get(k string) (any, bool) {
	f.used[k] = true
	return f.obj.Get(k)
}

func (f *fields) has(k string) bool { return f.obj.Has(k) }

func (p *parser) unknown(f *fields) {
	for _, k := range f.obj.Keys() {
		if !f.used[k] {
			p.d.add(CodeSchema, f.loc, fmt.Sprintf("Field '%s' is not supported", k))
		}
	}
}

func (p *parser) str(f *fields, k string, required bool) string {
	v, ok := f.get(k)
	if !ok {
		if required {
			p.d.add(CodeSchema, f.loc, fmt.Sprintf("These fields are required: [%s]", k))
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		p.d.add(CodeSchema, f.loc+"/"+k, fmt.Sprintf("Expected value of type: String"))
		return ""
	}
	return s
}

func (p *parser) boolean(f *fields, k string) bool {
	v, ok := f.get(k)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		p.d.add(CodeSchema, f.loc+"/"+k, "Expected value of type: Boolean")
	}
	return b
}

// integer reads a non-negative integer field; ok is false when absent.
func (p *parser) integer(f *fields, k string, min, max int64) (int, bool) {
	v, present := f.get(k)
	if !present {
		return 0, false
	}
	n, isNum := v.(value.Number)
	i, isInt := n.Int()
	if !isNum || !isInt {
		p.d.add(CodeSchema, f.loc+"/"+k, "Expected value of type: Integer")
		return 0, false
	}
	if i < min || i > max {
		p.d.add(CodeSchema, f.loc+"/"+k, fmt.Sprintf("Expected value between %d and %d", min, max))
		return 0, false
	}
	return int(i), true
}

func (p *parser) path(f *fields, k string) OptPath {
	v, ok := f.get(k)
	if !ok {
		return OptPath{}
	}
	if v == nil {
		return OptPath{Null: true}
	}
	s, isStr := v.(string)
	if !isStr {
		p.d.add(CodeSchema, f.loc+"/"+k, "Expected value of type: String")
		return OptPath{}
	}
	jp, err := jsonpath.Compile(s)
	if err != nil {
		p.d.add(CodeSchema, f.loc+"/"+k, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath", k))
		return OptPath{}
	}
	return OptPath{Path: jp}
}

// refPath reads a field that must be a reference path (InputPath, ResultPath,
// OutputPath accept only those).
func (p *parser) refPath(f *fields, k string) OptPath {
	op := p.path(f, k)
	if op.Path != nil && !op.Path.IsReference() && k == "ResultPath" {
		p.d.add(CodeSchema, f.loc+"/"+k, fmt.Sprintf("The value for the field '%s' must be a valid Reference Path", k))
		return OptPath{}
	}
	return op
}

func (p *parser) machine(obj *value.Object) *StateMachine {
	f := p.fields(obj, "")
	sm := &StateMachine{}
	sm.Comment = p.str(f, "Comment", false)
	sm.Version = p.str(f, "Version", false)
	if f.has("Version") && sm.Version != "1.0" {
		p.d.add(CodeSchema, "/Version", "The value for the field 'Version' must be '1.0'")
	}
	sm.QueryLanguage = p.queryLanguage(f, JSONPath)
	if n, ok := p.integer(f, "TimeoutSeconds", 0, 99999999); ok {
		sm.TimeoutSeconds = n
	}
	g := p.graph(f, "", sm.QueryLanguage)
	if g != nil {
		sm.Graph = *g
	}
	p.unknown(f)
	if g != nil {
		p.checkGraph(&sm.Graph, "")
	}
	return sm
}

func (p *parser) queryLanguage(f *fields, inherited string) string {
	if !f.has("QueryLanguage") {
		return inherited
	}
	ql := p.str(f, "QueryLanguage", false)
	switch ql {
	case JSONPath, JSONata:
		if inherited == JSONata && ql == JSONPath {
			p.d.add(CodeSchema, f.loc+"/QueryLanguage", "A state cannot use JSONPath when the state machine uses JSONata")
		}
		return ql
	}
	p.d.add(CodeSchema, f.loc+"/QueryLanguage", "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]")
	return inherited
}

// graph reads StartAt and States from f.
func (p *parser) graph(f *fields, loc string, ql string) *Graph {
	g := &Graph{States: map[string]*State{}}
	g.StartAt = p.str(f, "StartAt", true)
	sv, ok := f.get("States")
	if !ok {
		p.d.add(CodeSchema, f.loc, "These fields are required: [States]")
		return g
	}
	states, isObj := sv.(*value.Object)
	if !isObj {
		p.d.add(CodeSchema, loc+"/States", "Expected value of type: Object")
		return g
	}
	for name, raw := range states.All() {
		sloc := loc + "/States/" + name
		if len(name) > 80 {
			p.d.add(CodeSchema, sloc, "State names must be at most 80 characters long")
		}
		so, isObj := raw.(*value.Object)
		if !isObj {
			p.d.add(CodeSchema, sloc, "Expected value of type: Object")
			continue
		}
		st := p.state(name, so, sloc, ql)
		if st != nil {
			g.States[name] = st
			g.Names = append(g.Names, name)
		}
	}
	return g
}

var commonFields = []string{"Type", "Comment", "QueryLanguage"}

func (p *parser) state(name string, obj *value.Object, loc string, inheritedQL string) *State {
	f := p.fields(obj, loc)
	s := &State{Name: name}
	s.Type = p.str(f, "Type", true)
	s.Comment = p.str(f, "Comment", false)
	s.QueryLanguage = p.queryLanguage(f, inheritedQL)
	switch s.Type {
	case TypePass, TypeTask, TypeChoice, TypeWait, TypeSucceed, TypeFail, TypeParallel, TypeMap:
	case "":
		return nil
	default:
		p.d.add(CodeSchema, loc+"/Type", fmt.Sprintf("Field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map] but was '%s'", s.Type))
		return nil
	}

	// Transitions.
	switch s.Type {
	case TypeChoice, TypeSucceed, TypeFail:
	default:
		s.Next = p.str(f, "Next", false)
		s.End = p.boolean(f, "End")
		switch {
		case f.has("Next") && s.End:
			p.d.add(CodeSchema, loc, "Only one of 'Next' or 'End' may be set")
		case !f.has("Next") && !s.End:
			p.d.add(CodeSchema, loc, "Either 'Next' or 'End' must be set")
		}
	}

	// Input and output processing.
	if s.Type != TypeFail {
		s.InputPath = p.refPath(f, "InputPath")
		s.OutputPath = p.refPath(f, "OutputPath")
	}
	switch s.Type {
	case TypePass, TypeTask, TypeParallel, TypeMap:
		s.ResultPath = p.refPath(f, "ResultPath")
	}
	switch s.Type {
	case TypePass, TypeTask, TypeParallel:
		if v, ok := f.get("Parameters"); ok {
			s.Parameters = p.template(v, "Parameters", loc+"/Parameters")
		}
	}
	switch s.Type {
	case TypeTask, TypeParallel, TypeMap:
		if v, ok := f.get("ResultSelector"); ok {
			s.ResultSelector = p.template(v, "ResultSelector", loc+"/ResultSelector")
		}
		s.Retry = p.retriers(f, loc)
		s.Catch = p.catchers(f, loc)
	}
	if s.Type != TypeSucceed && s.Type != TypeFail {
		if v, ok := f.get("Assign"); ok {
			if _, isObj := v.(*value.Object); !isObj {
				p.d.add(CodeSchema, loc+"/Assign", "Expected value of type: Object")
			} else {
				s.Assign = p.template(v, "Assign", loc+"/Assign")
			}
		}
	}

	switch s.Type {
	case TypePass:
		if v, ok := f.get("Result"); ok {
			s.Result, s.HasResult = v, true
		}
	case TypeTask:
		p.task(s, f, loc)
	case TypeChoice:
		p.choice(s, f, loc)
	case TypeWait:
		p.wait(s, f, loc)
	case TypeFail:
		s.Error = p.stringExpr(f, "Error", "ErrorPath", loc)
		s.Cause = p.stringExpr(f, "Cause", "CausePath", loc)
	case TypeParallel:
		bv, ok := f.get("Branches")
		branches, isArr := bv.([]any)
		switch {
		case !ok:
			p.d.add(CodeSchema, loc, "These fields are required: [Branches]")
		case !isArr:
			p.d.add(CodeSchema, loc+"/Branches", "Expected value of type: Array")
		}
		for i, b := range branches {
			bloc := fmt.Sprintf("%s/Branches[%d]", loc, i)
			bo, isObj := b.(*value.Object)
			if !isObj {
				p.d.add(CodeSchema, bloc, "Expected value of type: Object")
				continue
			}
			s.Branches = append(s.Branches, p.subgraph(bo, bloc, s.QueryLanguage, false))
		}
	case TypeMap:
		p.mapState(s, f, loc)
	}
	p.unknown(f)
	return s
}

func (p *parser) subgraph(obj *value.Object, loc string, ql string, isProcessor bool) *Graph {
	f := p.fields(obj, loc)
	p.str(f, "Comment", false)
	ql = p.queryLanguage(f, ql)
	g := p.graph(f, loc, ql)
	if isProcessor {
		if v, ok := f.get("ProcessorConfig"); ok {
			if pc, isObj := v.(*value.Object); isObj {
				pf := p.fields(pc, loc+"/ProcessorConfig")
				g.ProcessorMode = p.str(pf, "Mode", false)
				g.ExecutionType = p.str(pf, "ExecutionType", false)
				switch g.ProcessorMode {
				case "", "INLINE", "DISTRIBUTED":
				default:
					p.d.add(CodeSchema, loc+"/ProcessorConfig/Mode", "The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]")
				}
				switch g.ExecutionType {
				case "", "STANDARD", "EXPRESS":
				default:
					p.d.add(CodeSchema, loc+"/ProcessorConfig/ExecutionType", "The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]")
				}
				p.unknown(pf)
			}
		}
		if g.ProcessorMode == "" {
			g.ProcessorMode = "INLINE"
		}
	}
	p.unknown(f)
	p.checkGraph(g, loc)
	return g
}

func (p *parser) template(v any, field, loc string) *Template {
	return compileTemplate(v, field, loc, p.d)
}

// numberExpr reads a field that is a literal integer or, through its …Path
// form, a path.
func (p *parser) numberExpr(f *fields, lit, path string, loc string, min, max int64) *Expr {
	if f.has(lit) && f.has(path) {
		p.d.add(CodeSchema, loc, fmt.Sprintf("Only one of '%s' or '%s' may be set", lit, path))
	}
	if f.has(lit) {
		n, ok := p.integer(f, lit, min, max)
		if !ok {
			return nil
		}
		return &Expr{Field: lit, Literal: value.Int(int64(n))}
	}
	if f.has(path) {
		op := p.path(f, path)
		if op.Path == nil {
			return nil
		}
		return &Expr{Field: path, Path: op.Path}
	}
	return nil
}

// stringExpr reads Error/Cause and their …Path forms (which also accept
// intrinsic functions).
func (p *parser) stringExpr(f *fields, lit, path string, loc string) *Expr {
	if f.has(lit) && f.has(path) {
		p.d.add(CodeSchema, loc, fmt.Sprintf("Only one of '%s' or '%s' may be set", lit, path))
	}
	if f.has(lit) {
		return &Expr{Field: lit, Literal: p.str(f, lit, false)}
	}
	if f.has(path) {
		s := p.str(f, path, false)
		if intrinsic.IsCall(s) {
			call, err := intrinsic.Compile(s)
			if err != nil {
				p.d.add(CodeSchema, loc+"/"+path, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", path))
				return nil
			}
			return &Expr{Field: path, Intrinsic: call}
		}
		jp, err := jsonpath.Compile(s)
		if err != nil {
			p.d.add(CodeSchema, loc+"/"+path, fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", path))
			return nil
		}
		return &Expr{Field: path, Path: jp}
	}
	return nil
}

func (p *parser) task(s *State, f *fields, loc string) {
	s.Resource = p.str(f, "Resource", true)
	if f.has("Resource") && s.Resource != "" && !strings.HasPrefix(s.Resource, "arn:") {
		p.d.add(CodeInvalidResource, loc+"/Resource", fmt.Sprintf("Invalid resource: %s", s.Resource))
	}
	s.TimeoutSeconds = p.numberExpr(f, "TimeoutSeconds", "TimeoutSecondsPath", loc, 1, 99999999)
	s.HeartbeatSeconds = p.numberExpr(f, "HeartbeatSeconds", "HeartbeatSecondsPath", loc, 1, 99999999)
	if v, ok := f.get("Credentials"); ok {
		s.Credentials = p.template(v, "Credentials", loc+"/Credentials")
	}
	if s.TimeoutSeconds != nil && s.HeartbeatSeconds != nil && !s.TimeoutSeconds.IsPath() && !s.HeartbeatSeconds.IsPath() {
		t, _ := s.TimeoutSeconds.Literal.(value.Number).Int()
		h, _ := s.HeartbeatSeconds.Literal.(value.Number).Int()
		if h >= t {
			p.d.add(CodeSchema, loc+"/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds")
		}
	}
}

func (p *parser) wait(s *State, f *fields, loc string) {
	n := 0
	for _, k := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if f.has(k) {
			n++
		}
	}
	if n != 1 {
		p.d.add(CodeSchema, loc, "Exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' must be set")
	}
	if f.has("Seconds") || f.has("SecondsPath") {
		s.Seconds = p.numberExpr(f, "Seconds", "SecondsPath", loc, 0, 99999999)
	}
	if f.has("Timestamp") {
		ts := p.str(f, "Timestamp", false)
		if _, ok := ParseTimestamp(ts); !ok {
			p.d.add(CodeSchema, loc+"/Timestamp", "The value for the field 'Timestamp' must be a valid ISO-8601 timestamp")
		}
		s.Timestamp = &Expr{Field: "Timestamp", Literal: ts}
	}
	if f.has("TimestampPath") {
		op := p.path(f, "TimestampPath")
		if op.Path != nil {
			s.Timestamp = &Expr{Field: "TimestampPath", Path: op.Path}
		}
	}
}

func (p *parser) retriers(f *fields, loc string) []*Retrier {
	v, ok := f.get("Retry")
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		p.d.add(CodeSchema, loc+"/Retry", "Expected value of type: Array")
		return nil
	}
	var out []*Retrier
	for i, e := range arr {
		rloc := fmt.Sprintf("%s/Retry[%d]", loc, i)
		o, isObj := e.(*value.Object)
		if !isObj {
			p.d.add(CodeSchema, rloc, "Expected value of type: Object")
			continue
		}
		rf := p.fields(o, rloc)
		r := &Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(rf, rloc, i == len(arr)-1)
		if n, ok := p.integer(rf, "IntervalSeconds", 1, 99999999); ok {
			r.IntervalSeconds = n
		}
		if n, ok := p.integer(rf, "MaxAttempts", 0, 99999999); ok {
			r.MaxAttempts = n
		}
		if n, ok := p.integer(rf, "MaxDelaySeconds", 1, 31622400); ok {
			r.MaxDelaySeconds = n
		}
		if bv, ok := rf.get("BackoffRate"); ok {
			n, isNum := bv.(value.Number)
			if !isNum || n.Float() < 1.0 {
				p.d.add(CodeSchema, rloc+"/BackoffRate", "The value for the field 'BackoffRate' must be a number greater than or equal to 1.0")
			} else {
				r.BackoffRate = n.Float()
			}
		}
		if rf.has("JitterStrategy") {
			r.JitterStrategy = p.str(rf, "JitterStrategy", false)
			if r.JitterStrategy != "FULL" && r.JitterStrategy != "NONE" {
				p.d.add(CodeSchema, rloc+"/JitterStrategy", "The value for the field 'JitterStrategy' must be one of [FULL, NONE]")
			}
		}
		p.str(rf, "Comment", false)
		p.unknown(rf)
		out = append(out, r)
	}
	return out
}

func (p *parser) catchers(f *fields, loc string) []*Catcher {
	v, ok := f.get("Catch")
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		p.d.add(CodeSchema, loc+"/Catch", "Expected value of type: Array")
		return nil
	}
	var out []*Catcher
	for i, e := range arr {
		cloc := fmt.Sprintf("%s/Catch[%d]", loc, i)
		o, isObj := e.(*value.Object)
		if !isObj {
			p.d.add(CodeSchema, cloc, "Expected value of type: Object")
			continue
		}
		cf := p.fields(o, cloc)
		c := &Catcher{}
		c.ErrorEquals = p.errorEquals(cf, cloc, i == len(arr)-1)
		c.Next = p.str(cf, "Next", true)
		c.ResultPath = p.refPath(cf, "ResultPath")
		if av, ok := cf.get("Assign"); ok {
			c.Assign = p.template(av, "Assign", cloc+"/Assign")
		}
		p.str(cf, "Comment", false)
		p.unknown(cf)
		out = append(out, c)
	}
	return out
}

func (p *parser) errorEquals(f *fields, loc string, last bool) []string {
	v, ok := f.get("ErrorEquals")
	if !ok {
		p.d.add(CodeSchema, loc, "These fields are required: [ErrorEquals]")
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr || len(arr) == 0 {
		p.d.add(CodeSchema, loc+"/ErrorEquals", "The field 'ErrorEquals' must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			p.d.add(CodeSchema, loc+"/ErrorEquals", "The field 'ErrorEquals' must be a non-empty array of strings")
			return nil
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == "States.ALL" && (len(out) > 1 || !last) {
			p.d.add(CodeSchema, loc+"/ErrorEquals", "States.ALL must appear alone in ErrorEquals, in the last retrier or catcher")
		}
	}
	return out
}

func (p *parser) mapState(s *State, f *fields, loc string) {
	s.ItemsPath = p.path(f, "ItemsPath")
	for _, k := range []string{"ItemSelector", "Parameters"} {
		if v, ok := f.get(k); ok {
			if s.ItemSelector != nil {
				p.d.add(CodeSchema, loc, "Only one of 'ItemSelector' or 'Parameters' may be set")
			}
			s.ItemSelector = p.template(v, k, loc+"/"+k)
		}
	}
	var proc *value.Object
	for _, k := range []string{"ItemProcessor", "Iterator"} {
		if v, ok := f.get(k); ok {
			o, isObj := v.(*value.Object)
			if !isObj {
				p.d.add(CodeSchema, loc+"/"+k, "Expected value of type: Object")
				continue
			}
			if proc != nil {
				p.d.add(CodeSchema, loc, "Only one of 'ItemProcessor' or 'Iterator' may be set")
			}
			proc = o
			s.ItemProcessor = p.subgraph(o, loc+"/"+k, s.QueryLanguage, true)
		}
	}
	if proc == nil {
		p.d.add(CodeSchema, loc, "These fields are required: [ItemProcessor]")
	}
	s.MaxConcurrency = p.numberExpr(f, "MaxConcurrency", "MaxConcurrencyPath", loc, 0, math.MaxInt32)
	s.ToleratedFailurePercentage = p.percentExpr(f, loc)
	s.ToleratedFailureCount = p.numberExpr(f, "ToleratedFailureCount", "ToleratedFailureCountPath", loc, 0, math.MaxInt32)
	s.Label = p.str(f, "Label", false)
	s.ItemReader, _ = f.get("ItemReader")
	s.ItemBatcher, _ = f.get("ItemBatcher")
	s.ResultWriter, _ = f.get("ResultWriter")
}

func (p *parser) percentExpr(f *fields, loc string) *Expr {
	if f.has("ToleratedFailurePercentage") {
		v, _ := f.get("ToleratedFailurePercentage")
		n, isNum := v.(value.Number)
		if !isNum || n.Float() < 0 || n.Float() > 100 {
			p.d.add(CodeSchema, loc+"/ToleratedFailurePercentage", "The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100")
			return nil
		}
		return &Expr{Field: "ToleratedFailurePercentage", Literal: n}
	}
	if f.has("ToleratedFailurePercentagePath") {
		op := p.path(f, "ToleratedFailurePercentagePath")
		if op.Path != nil {
			return &Expr{Field: "ToleratedFailurePercentagePath", Path: op.Path}
		}
	}
	return nil
}

// checkGraph reports transitions to missing states, unreachable states and
// a graph without a terminal state.
func (p *parser) checkGraph(g *Graph, loc string) {
	if g.StartAt != "" {
		if _, ok := g.States[g.StartAt]; !ok {
			p.d.add(CodeMissingTarget, loc+"/StartAt", fmt.Sprintf("Missing 'Next' target: %s", g.StartAt))
		}
	}
	target := func(name, at string) {
		if name == "" {
			return
		}
		if _, ok := g.States[name]; !ok {
			p.d.add(CodeMissingTarget, at, fmt.Sprintf("Missing 'Next' target: %s", name))
		}
	}
	terminal := false
	for _, name := range g.Names {
		s := g.States[name]
		sloc := loc + "/States/" + name
		target(s.Next, sloc+"/Next")
		for i, c := range s.Choices {
			target(c.Next, fmt.Sprintf("%s/Choices[%d]/Next", sloc, i))
		}
		target(s.Default, sloc+"/Default")
		for i, c := range s.Catch {
			target(c.Next, fmt.Sprintf("%s/Catch[%d]/Next", sloc, i))
		}
		if s.End || s.Type == TypeSucceed || s.Type == TypeFail {
			terminal = true
		}
	}
	if len(g.States) > 0 && !terminal {
		p.d.add(CodeMissingEnd, loc, "Workflow has no terminal state")
		return
	}
	// Reachability from StartAt.
	seen := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		s, ok := g.States[name]
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		visit(s.Next)
		visit(s.Default)
		for _, c := range s.Choices {
			visit(c.Next)
		}
		for _, c := range s.Catch {
			visit(c.Next)
		}
	}
	visit(g.StartAt)
	var unreachable []string
	for _, name := range g.Names {
		if !seen[name] {
			unreachable = append(unreachable, name)
		}
	}
	sort.SliceStable(unreachable, func(i, j int) bool { return false })
	for _, name := range unreachable {
		p.d.add(CodeMissingTarget, loc+"/States/"+name, fmt.Sprintf("State \"%s\" is not reachable.", name))
	}
}
