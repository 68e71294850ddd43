package asl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/intrinsic"
	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// MaxDefinitionSize is AWS's limit on a definition's size in bytes.
const MaxDefinitionSize = 1 << 20

// MaxStateNameLength is the longest state name AWS accepts, in characters.
const MaxStateNameLength = 80

// noMaximum marks an integer field AWS accepts any size of (larger values
// are capped where they are used).
const noMaximum = 1<<63 - 1

// MaxLabelLength is the longest Map Label AWS accepts, in characters.
const MaxLabelLength = 40

// Machine types, for ParseFor.
const (
	Standard = "STANDARD"
	Express  = "EXPRESS"
)

// Parse reads and validates a definition. On any problem it returns a
// *ValidationError listing all of them, each with its location.
func Parse(data []byte) (*StateMachine, error) { return ParseFor(data, "") }

// ParseFor is Parse for a state machine of the given type (Standard or
// Express; "" checks only what holds for both). Express machines refuse
// .sync and .waitForTaskToken integrations and activities.
func ParseFor(data []byte, machineType string) (*StateMachine, error) {
	var d diagnostics
	if len(data) > MaxDefinitionSize {
		d.add(CodeSchema, "", fmt.Sprintf("Definition must be at most %d bytes long", MaxDefinitionSize))
		return nil, d.err()
	}
	if strings.TrimSpace(string(data)) == "" {
		d.add(CodeSchema, "", "Definition must be a valid JSON object")
		return nil, d.err()
	}
	raw, err := value.Parse(data)
	if err != nil {
		d.add(CodeInvalidJSON, "", err.Error())
		return nil, d.err()
	}
	obj, ok := raw.(*value.Object)
	if !ok {
		d.add(CodeSchema, "", "Definition must be a valid JSON object")
		return nil, d.err()
	}
	p := &parser{d: &d, machineType: machineType}
	sm := p.machine(obj)
	if d.empty() {
		p.compileExpressions(&sm.Graph, "")
	}
	if d.empty() {
		// Only a definition whose schema is sound is checked as a graph,
		// so that one mistake is not reported twice.
		p.checkGraphs(data)
	}
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
	d           *diagnostics
	machineType string
	machineQL   string
	graphs      []graphAt // every graph, in document order (pre-order)
}

// graphAt is a graph and where it is in the definition ("" for the top).
type graphAt struct {
	g   *Graph
	loc string
}

// at turns an internal location into the one AWS prints: the top level is
// "/".
func at(loc string) string {
	if loc == "" {
		return "/"
	}
	return loc
}

// Which query language a field belongs to.
const (
	forJSONPath = 1 << iota
	forJSONata
	forBoth = forJSONPath | forJSONata
)

// fieldSet maps the fields an object may hold to the query languages that
// allow them.
type fieldSet map[string]int

func merge(sets ...fieldSet) fieldSet {
	out := fieldSet{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

var (
	commonFields     = fieldSet{"Type": forBoth, "Comment": forBoth, "QueryLanguage": forBoth}
	transitionFields = fieldSet{"Next": forBoth, "End": forBoth}
	ioFields         = fieldSet{"InputPath": forJSONPath, "OutputPath": forJSONPath}
	errorFields      = fieldSet{"Retry": forBoth, "Catch": forBoth}

	stateFields = map[string]fieldSet{
		TypePass: merge(commonFields, transitionFields, ioFields, fieldSet{
			"ResultPath": forJSONPath, "Parameters": forJSONPath, "Result": forJSONPath,
			"Assign": forBoth, "Output": forJSONata,
		}),
		TypeTask: merge(commonFields, transitionFields, ioFields, errorFields, fieldSet{
			"ResultPath": forJSONPath, "Parameters": forJSONPath, "ResultSelector": forJSONPath,
			"Resource": forBoth, "TimeoutSeconds": forBoth, "TimeoutSecondsPath": forJSONPath,
			"HeartbeatSeconds": forBoth, "HeartbeatSecondsPath": forJSONPath, "Credentials": forBoth,
			"Assign": forBoth, "Arguments": forJSONata, "Output": forJSONata,
		}),
		TypeChoice: merge(commonFields, ioFields, fieldSet{
			"Choices": forBoth, "Default": forBoth, "Assign": forBoth, "Output": forJSONata,
		}),
		TypeWait: merge(commonFields, transitionFields, ioFields, fieldSet{
			"Seconds": forBoth, "SecondsPath": forJSONPath, "Timestamp": forBoth, "TimestampPath": forJSONPath,
			"Assign": forBoth, "Output": forJSONata,
		}),
		TypeSucceed: merge(commonFields, ioFields, fieldSet{"Output": forJSONata}),
		TypeFail: merge(commonFields, fieldSet{
			"Error": forBoth, "ErrorPath": forJSONPath, "Cause": forBoth, "CausePath": forJSONPath,
		}),
		TypeParallel: merge(commonFields, transitionFields, ioFields, errorFields, fieldSet{
			"ResultPath": forJSONPath, "Parameters": forJSONPath, "ResultSelector": forJSONPath,
			"Branches": forBoth, "Assign": forBoth, "Arguments": forJSONata, "Output": forJSONata,
		}),
		TypeMap: merge(commonFields, transitionFields, ioFields, errorFields, fieldSet{
			"ResultPath": forJSONPath, "ItemsPath": forJSONPath, "ItemSelector": forBoth,
			"Parameters": forJSONPath, "ResultSelector": forJSONPath, "ItemProcessor": forBoth,
			"Iterator": forBoth, "MaxConcurrency": forBoth, "MaxConcurrencyPath": forJSONPath,
			"ItemReader": forBoth, "ItemBatcher": forBoth, "ResultWriter": forBoth,
			"ToleratedFailurePercentage": forBoth, "ToleratedFailurePercentagePath": forJSONPath,
			"ToleratedFailureCount": forBoth, "ToleratedFailureCountPath": forJSONPath,
			"Label": forBoth, "Assign": forBoth, "Items": forJSONata, "Output": forJSONata,
		}),
	}

	machineFields = fieldSet{"Comment": forBoth, "StartAt": forBoth, "States": forBoth,
		"Version": forBoth, "TimeoutSeconds": forBoth, "QueryLanguage": forBoth}
	branchFields    = fieldSet{"Comment": forBoth, "StartAt": forBoth, "States": forBoth}
	processorFields = fieldSet{"Comment": forBoth, "StartAt": forBoth, "States": forBoth, "ProcessorConfig": forBoth}
	processorConfig = fieldSet{"Mode": forBoth, "ExecutionType": forBoth}
	retrierFields   = fieldSet{"ErrorEquals": forBoth, "IntervalSeconds": forBoth, "MaxAttempts": forBoth,
		"BackoffRate": forBoth, "MaxDelaySeconds": forBoth, "JitterStrategy": forBoth, "Comment": forBoth}
	catcherFields = fieldSet{"ErrorEquals": forBoth, "Next": forBoth, "ResultPath": forJSONPath,
		"Comment": forBoth, "Assign": forBoth, "Output": forJSONata}
	credentialFields = fieldSet{"RoleArn": forBoth, "RoleArn.$": forJSONPath}
	readerFields     = fieldSet{"Resource": forBoth, "Parameters": forJSONPath, "Arguments": forJSONata, "ReaderConfig": forBoth}
	readerConfig     = fieldSet{"InputType": forBoth, "CSVHeaderLocation": forBoth, "CSVHeaders": forBoth,
		"CSVDelimiter": forBoth, "ManifestType": forBoth, "MaxItems": forBoth, "MaxItemsPath": forJSONPath}
	batcherFields = fieldSet{"MaxItemsPerBatch": forBoth, "MaxItemsPerBatchPath": forJSONPath,
		"MaxInputBytesPerBatch": forBoth, "MaxInputBytesPerBatchPath": forJSONPath, "BatchInput": forBoth}
	writerFields = fieldSet{"Resource": forBoth, "Parameters": forJSONPath, "Arguments": forJSONata, "WriterConfig": forBoth}
	writerConfig = fieldSet{"OutputType": forBoth, "Transformation": forBoth}
)

// fields is an object being read: members the object may not hold are
// reported once, when it is opened, and then read as absent.
type fields struct {
	obj *value.Object
	loc string
	ql  string
	bad map[string]bool
}

// open checks obj's members against allowed for query language ql and
// reports the rest.
func (p *parser) open(obj *value.Object, loc string, allowed fieldSet, ql string) *fields {
	return p.openQL(obj, loc, allowed, ql, true)
}

// openQL is open that, when reportQL is false, drops members of the other
// query language without a word.
func (p *parser) openQL(obj *value.Object, loc string, allowed fieldSet, ql string, reportQL bool) *fields {
	f := &fields{obj: obj, loc: loc, ql: ql}
	lang := forJSONPath
	if ql == JSONata {
		lang = forJSONata
	}
	for _, k := range obj.Keys() {
		allow, known := allowed[k]
		switch {
		case !known:
			p.d.add(CodeSchema, at(loc), fmt.Sprintf("Field '%s' is not supported", k))
		case allow&lang == 0 && !reportQL:
		case allow&lang == 0:
			other := JSONPath
			if ql == JSONPath {
				other = JSONata
			}
			p.d.add(CodeSchema, at(loc), fmt.Sprintf("The QueryLanguage is set to '%s', but field '%s' is only supported for the '%s' QueryLanguage", ql, k, other))
		default:
			continue
		}
		if f.bad == nil {
			f.bad = map[string]bool{}
		}
		f.bad[k] = true
	}
	return f
}

func (f *fields) get(k string) (any, bool) {
	if f.bad[k] {
		return nil, false
	}
	return f.obj.Get(k)
}

func (f *fields) has(k string) bool { return !f.bad[k] && f.obj.Has(k) }

// sub is the location of member k.
func (f *fields) sub(k string) string { return f.loc + "/" + k }

// require reports, in one diagnostic, the listed members f lacks.
func (p *parser) require(f *fields, names ...string) bool {
	var missing []string
	for _, k := range names {
		if !f.obj.Has(k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		p.d.add(CodeSchema, at(f.loc), fmt.Sprintf("These fields are required: [%s]", strings.Join(missing, ", ")))
		return false
	}
	return true
}

// typeError reports a value of the wrong JSON type; want is AWS's name for
// the type: STRING, INTEGER, NUMBER, BOOLEAN, OBJECT or ARRAY.
func (p *parser) typeError(loc, want string) {
	p.d.add(CodeSchema, loc, "Expected value of type ["+want+"]")
}

func (p *parser) str(f *fields, k string) string {
	v, ok := f.get(k)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		p.typeError(f.sub(k), "STRING")
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
		p.typeError(f.sub(k), "BOOLEAN")
	}
	return b
}

func (p *parser) object(f *fields, k string) *value.Object {
	v, ok := f.get(k)
	if !ok {
		return nil
	}
	o, isObj := v.(*value.Object)
	if !isObj {
		p.typeError(f.sub(k), "OBJECT")
	}
	return o
}

// integer reads an integer field within [min, max]; ok is false when it is
// absent or wrong.
func (p *parser) integer(f *fields, k string, min, max int64) (int64, bool) {
	v, present := f.get(k)
	if !present {
		return 0, false
	}
	return p.intValue(v, f.sub(k), min, max)
}

func (p *parser) intValue(v any, loc string, min, max int64) (int64, bool) {
	n, isNum := v.(value.Number)
	if !isNum || !n.IsInteger() {
		p.typeError(loc, "INTEGER")
		return 0, false
	}
	i, fits := n.Int()
	switch {
	case (!fits && strings.HasPrefix(string(n), "-")) || (fits && i < min):
		p.d.add(CodeSchema, loc, fmt.Sprintf("Minimum value is %d", min))
		return 0, false
	case !fits || i > max:
		if max == noMaximum {
			return max, true
		}
		p.d.add(CodeSchema, loc, fmt.Sprintf("Maximum value is %d", max))
		return 0, false
	}
	return i, true
}

func isBoolOrAbsent(f *fields, k string) bool {
	v, ok := f.get(k)
	_, isBool := v.(bool)
	return !ok || isBool
}

// isJSONata reports whether v is a JSONata expression string, "{% … %}".
func isJSONata(v any) bool {
	s, ok := v.(string)
	return ok && len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// path reads a JSONPath field. Absent is the default; JSON null is Null
// (only where AWS allows it: InputPath, OutputPath, ResultPath).
func (p *parser) path(f *fields, k string, reference, nullable bool) OptPath {
	v, ok := f.get(k)
	if !ok {
		return OptPath{}
	}
	if v == nil && nullable {
		return OptPath{Null: true}
	}
	jp := p.pathValue(v, f.sub(k), reference)
	if jp == nil {
		return OptPath{}
	}
	return OptPath{Path: jp}
}

func (p *parser) pathValue(v any, loc string, reference bool) *jsonpath.Path {
	s, isStr := v.(string)
	if !isStr {
		p.typeError(loc, "STRING")
		return nil
	}
	jp, err := jsonpath.Compile(s)
	if err != nil {
		p.d.add(CodeSchema, loc, "Value must be a valid JSONPath.")
		return nil
	}
	if reference && !jp.IsReference() {
		p.d.add(CodeSchema, loc, "Value must be a valid Reference Path.")
		return nil
	}
	return jp
}

func (p *parser) machine(obj *value.Object) *StateMachine {
	sm := &StateMachine{QueryLanguage: resolveQL(obj, JSONPath)}
	p.machineQL = sm.QueryLanguage
	f := p.open(obj, "", machineFields, sm.QueryLanguage)
	p.require(f, "States", "StartAt")
	sm.Comment = p.str(f, "Comment")
	if f.has("Version") {
		sm.Version = p.str(f, "Version")
		if _, isStr := obj.Get("Version"); isStr && sm.Version != "1.0" {
			p.d.add(CodeSchema, "/Version", "Value should be one of the following: [1.0]")
		}
	}
	p.queryLanguageValue(f)
	if n, ok := p.integer(f, "TimeoutSeconds", 1, 99999999); ok {
		sm.TimeoutSeconds = int(n)
	}
	p.graph(&sm.Graph, f)
	return sm
}

// resolveQL is the query language of a state machine or state: JSONPath
// when its QueryLanguage is exactly "JSONPath", inherited when absent, and
// JSONata for any other value, as AWS resolves it (a wrong value is also
// reported, by queryLanguageValue).
func resolveQL(obj *value.Object, inherited string) string {
	v, ok := obj.Get("QueryLanguage")
	switch {
	case !ok:
		return inherited
	case v == JSONPath:
		return JSONPath
	}
	return JSONata
}

// queryLanguageValue checks a QueryLanguage member's value.
func (p *parser) queryLanguageValue(f *fields) string {
	v, ok := f.get("QueryLanguage")
	if !ok {
		return ""
	}
	switch v {
	case JSONPath, JSONata:
		return v.(string)
	}
	if _, isStr := v.(string); !isStr {
		p.typeError(f.sub("QueryLanguage"), "STRING")
		return ""
	}
	p.d.add(CodeSchema, f.sub("QueryLanguage"), "Value should be one of the following: [JSONPath, JSONata]")
	return ""
}

// graph reads StartAt and States from f into g.
func (p *parser) graph(g *Graph, f *fields) {
	g.States = map[string]*State{}
	p.graphs = append(p.graphs, graphAt{g: g, loc: f.loc})
	if f.has("StartAt") {
		g.StartAt = p.str(f, "StartAt")
	}
	states := p.object(f, "States")
	if states == nil {
		return
	}
	for name, raw := range states.All() {
		sloc := f.loc + "/States/" + name
		if n := len([]rune(name)); n > MaxStateNameLength {
			p.d.add(CodeInvalidStateName, sloc, fmt.Sprintf("State name must be at most %d characters long", MaxStateNameLength))
		}
		so, isObj := raw.(*value.Object)
		if !isObj {
			p.typeError(sloc, "OBJECT")
			continue
		}
		if st := p.state(name, so, sloc); st != nil {
			g.States[name] = st
			g.Names = append(g.Names, name)
		}
	}
}

// mentionsContext reports whether any string (key or value) in v contains
// "$$", the conservative test behind State.ReadsContext. At the top of a
// state, nested state graphs are left out.
func mentionsContext(v any, top bool) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, "$$")
	case []any:
		for _, e := range x {
			if mentionsContext(e, false) {
				return true
			}
		}
	case *value.Object:
		for k, e := range x.All() {
			if top && (k == "Branches" || k == "ItemProcessor" || k == "Iterator") {
				continue
			}
			if strings.Contains(k, "$$") || mentionsContext(e, false) {
				return true
			}
		}
	}
	return false
}

var typeNames = "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]"

func (p *parser) state(name string, obj *value.Object, loc string) *State {
	s := &State{Name: name, QueryLanguage: p.machineQL}
	tv, hasType := obj.Get("Type")
	if !hasType {
		p.d.add(CodeSchema, loc, "These fields are required: [Type]")
		return nil
	}
	s.Type, _ = tv.(string)
	allowed, known := stateFields[s.Type]
	if !known {
		p.d.add(CodeSchema, loc+"/Type", "The field 'Type' should have one of these values: "+typeNames)
		return nil
	}
	s.QueryLanguage = resolveQL(obj, p.machineQL)
	s.ReadsContext = s.QueryLanguage == JSONata || mentionsContext(obj, true)
	downgrade := s.QueryLanguage == JSONPath && p.machineQL == JSONata
	if downgrade {
		// This is the whole answer about languages for the state: fields
		// JSONPath refuses are not reported on top of it.
		p.d.add(CodeSchema, loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
	}
	f := p.openQL(obj, loc, allowed, s.QueryLanguage, !downgrade)
	p.queryLanguageValue(f)
	s.Comment = p.str(f, "Comment")

	// Transitions.
	if _, ok := allowed["End"]; ok {
		if f.has("Next") {
			s.Next = p.str(f, "Next")
		}
		s.End = p.boolean(f, "End")
		switch {
		case f.has("Next") && f.has("End"):
			p.d.add(CodeSchema, loc+"/Next", "Only one of 'Next' or 'End' may be set")
		case !f.has("Next") && !s.End && !f.bad["Next"] && !f.bad["End"] && isBoolOrAbsent(f, "End"):
			p.d.add(CodeSchema, loc, "Either 'Next' or 'End' must be set")
		}
	}

	// Input and output processing.
	s.InputPath = p.path(f, "InputPath", false, true)
	s.OutputPath = p.path(f, "OutputPath", false, true)
	s.ResultPath = p.path(f, "ResultPath", true, true)
	if v, ok := f.get("Parameters"); ok && s.Type != TypeMap {
		s.Parameters = p.template(v, "Parameters", f.sub("Parameters"), s.QueryLanguage)
	}
	if v, ok := f.get("ResultSelector"); ok {
		s.ResultSelector = p.template(v, "ResultSelector", f.sub("ResultSelector"), s.QueryLanguage)
	}
	if v, ok := f.get("Arguments"); ok {
		s.Arguments = p.template(v, "Arguments", f.sub("Arguments"), s.QueryLanguage)
	}
	if v, ok := f.get("Output"); ok {
		s.Output = p.template(v, "Output", f.sub("Output"), s.QueryLanguage)
	}
	s.Assign = p.assign(f, s.QueryLanguage)
	s.Retry = p.retriers(f)
	s.Catch = p.catchers(f, s.QueryLanguage)

	switch s.Type {
	case TypePass:
		if v, ok := f.get("Result"); ok {
			s.Result, s.HasResult = v, true
		}
	case TypeTask:
		p.task(s, f)
	case TypeChoice:
		p.choice(s, f)
	case TypeWait:
		p.wait(s, f)
	case TypeFail:
		s.Error = p.stringExpr(f, "Error", "ErrorPath")
		s.Cause = p.stringExpr(f, "Cause", "CausePath")
	case TypeParallel:
		p.parallel(s, f)
	case TypeMap:
		p.mapState(s, f)
	}
	return s
}

func (p *parser) assign(f *fields, ql string) *Template {
	v, ok := f.get("Assign")
	if !ok {
		return nil
	}
	if _, isObj := v.(*value.Object); !isObj {
		p.typeError(f.sub("Assign"), "OBJECT")
		return nil
	}
	return p.template(v, "Assign", f.sub("Assign"), ql)
}

// template compiles a payload template. JSONata templates are kept as
// written: their "{% … %}" strings are for the JSONata engine.
func (p *parser) template(v any, field, loc, ql string) *Template {
	if ql == JSONata {
		return &Template{Field: field, root: compileJSONataTemplate(v, field, loc, p.d)}
	}
	return compileTemplate(v, field, loc, p.d)
}

func (p *parser) parallel(s *State, f *fields) {
	if !p.require(f, "Branches") {
		return
	}
	v, _ := f.get("Branches")
	branches, isArr := v.([]any)
	switch {
	case f.bad["Branches"]:
		return
	case !isArr:
		p.typeError(f.sub("Branches"), "ARRAY")
		return
	case len(branches) == 0:
		p.d.add(CodeSchema, f.sub("Branches"), "Value cannot be empty")
		return
	}
	for i, b := range branches {
		bloc := f.sub("Branches") + "[" + strconv.Itoa(i) + "]"
		bo, isObj := b.(*value.Object)
		if !isObj {
			p.typeError(bloc, "OBJECT")
			continue
		}
		s.Branches = append(s.Branches, p.subgraph(bo, bloc, branchFields, s.QueryLanguage))
	}
}

// subgraph reads a Parallel branch or a Map's item processor.
func (p *parser) subgraph(obj *value.Object, loc string, allowed fieldSet, ql string) *Graph {
	f := p.open(obj, loc, allowed, ql)
	p.require(f, "States", "StartAt")
	p.str(f, "Comment")
	g := &Graph{}
	if pc := p.object(f, "ProcessorConfig"); pc != nil {
		pf := p.open(pc, f.sub("ProcessorConfig"), processorConfig, ql)
		g.ProcessorMode = p.enum(pf, "Mode", "INLINE", "DISTRIBUTED")
		g.ExecutionType = p.enum(pf, "ExecutionType", "STANDARD", "EXPRESS")
	}
	if allowed["ProcessorConfig"] != 0 && g.ProcessorMode == "" {
		g.ProcessorMode = "INLINE"
	}
	p.graph(g, f)
	return g
}

// enum reads a string field that must be one of values.
func (p *parser) enum(f *fields, k string, values ...string) string {
	v, ok := f.get(k)
	if !ok {
		return ""
	}
	s, _ := v.(string)
	for _, want := range values {
		if s == want {
			return s
		}
	}
	if _, isStr := v.(string); !isStr {
		p.typeError(f.sub(k), "STRING")
		return ""
	}
	p.d.add(CodeSchema, f.sub(k), fmt.Sprintf("Value should be one of the following: [%s]", strings.Join(values, ", ")))
	return ""
}

// numberExpr reads a field that is a literal integer, its …Path form, or
// (JSONata) an expression.
func (p *parser) numberExpr(f *fields, lit, path string, min, max int64) *Expr {
	if f.has(lit) && f.has(path) {
		p.d.add(CodeSchema, f.sub(lit), fmt.Sprintf("Only one of '%s' or '%s' may be set", lit, path))
		return nil
	}
	if v, ok := f.get(lit); ok {
		if f.ql == JSONata && isJSONata(v) {
			return &Expr{Field: lit, JSONata: v.(string)}
		}
		n, ok := p.intValue(v, f.sub(lit), min, max)
		if !ok {
			return nil
		}
		return &Expr{Field: lit, Literal: value.Int(n)}
	}
	if f.has(path) {
		op := p.path(f, path, true, false)
		if op.Path == nil {
			return nil
		}
		return &Expr{Field: path, Path: op.Path}
	}
	return nil
}

// stringExpr reads Error/Cause and their …Path forms (which also accept
// intrinsic functions).
func (p *parser) stringExpr(f *fields, lit, path string) *Expr {
	if f.has(lit) && f.has(path) {
		p.d.add(CodeSchema, f.sub(lit), fmt.Sprintf("Only one of '%s' or '%s' may be set", lit, path))
		return nil
	}
	if f.has(lit) {
		s := p.str(f, lit)
		if f.ql == JSONata && isJSONata(s) {
			return &Expr{Field: lit, JSONata: s}
		}
		return &Expr{Field: lit, Literal: s}
	}
	if v, ok := f.get(path); ok {
		s, isStr := v.(string)
		if !isStr {
			p.typeError(f.sub(path), "STRING")
			return nil
		}
		if intrinsic.IsCall(s) {
			call, err := intrinsic.Compile(s)
			if err != nil {
				p.d.add(CodeSchema, f.sub(path), fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", path))
				return nil
			}
			return &Expr{Field: path, Intrinsic: call}
		}
		jp, err := jsonpath.Compile(s)
		if err != nil {
			p.d.add(CodeSchema, f.sub(path), fmt.Sprintf("The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", path))
			return nil
		}
		return &Expr{Field: path, Path: jp}
	}
	return nil
}

func (p *parser) task(s *State, f *fields) {
	if p.require(f, "Resource") && f.has("Resource") {
		s.Resource = p.str(f, "Resource")
		p.resource(s.Resource, f.sub("Resource"), f.ql)
	}
	s.TimeoutSeconds = p.numberExpr(f, "TimeoutSeconds", "TimeoutSecondsPath", 1, 99999999)
	s.HeartbeatSeconds = p.numberExpr(f, "HeartbeatSeconds", "HeartbeatSecondsPath", 1, 99999999)
	if c := p.object(f, "Credentials"); c != nil {
		cf := p.open(c, f.sub("Credentials"), credentialFields, f.ql)
		if !cf.has("RoleArn") && !cf.has("RoleArn.$") {
			p.d.add(CodeSchema, f.sub("Credentials"), "The field 'RoleArn' is required but was missing")
		}
		s.Credentials = p.template(c, "Credentials", f.sub("Credentials"), f.ql)
	}
	if t, h := s.TimeoutSeconds, s.HeartbeatSeconds; t != nil && h != nil && t.Literal != nil && h.Literal != nil {
		ti, _ := t.Literal.(value.Number).Int()
		hi, _ := h.Literal.(value.Number).Int()
		if hi >= ti {
			p.d.add(CodeSchema, f.sub("HeartbeatSeconds"), "HeartbeatSeconds must be smaller than TimeoutSeconds")
		}
	}
}

// resource checks a Task's Resource: an ARN, and for Express machines one
// that does not wait.
func (p *parser) resource(r, loc, ql string) {
	if ql == JSONata && isJSONata(r) {
		return
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		p.d.add(CodeInvalidResource, loc, fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", r))
		return
	}
	if p.machineType != Express || parts[2] != "states" {
		return
	}
	switch {
	case strings.HasSuffix(r, ".waitForTaskToken"):
		p.d.add(CodeSchema, loc, "Express state machine does not support '.waitForTaskToken' service integration ")
	case strings.HasSuffix(r, ".sync") || strings.Contains(r, ".sync:"):
		p.d.add(CodeSchema, loc, "Express state machine does not support '.sync' service integration")
	case strings.HasPrefix(parts[5], "activity:"):
		p.d.add(CodeSchema, loc, "Express state machine does not support Activity ARN")
	}
}

func (p *parser) wait(s *State, f *fields) {
	n := 0
	for _, k := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if f.has(k) {
			n++
		}
	}
	if n != 1 {
		p.d.add(CodeSchema, at(f.loc), "Exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' must be set")
		return
	}
	if f.has("Seconds") || f.has("SecondsPath") {
		s.Seconds = p.numberExpr(f, "Seconds", "SecondsPath", 0, 99999999)
	}
	if v, ok := f.get("Timestamp"); ok {
		ts, isStr := v.(string)
		switch {
		case f.ql == JSONata && isJSONata(ts):
			s.Timestamp = &Expr{Field: "Timestamp", JSONata: ts}
		case !isStr:
			p.typeError(f.sub("Timestamp"), "STRING")
		default:
			if _, ok := ParseTimestamp(ts); !ok {
				p.d.add(CodeSchema, f.sub("Timestamp"), "String does not match RFC3339 timestamp")
			}
			s.Timestamp = &Expr{Field: "Timestamp", Literal: ts}
		}
	}
	if f.has("TimestampPath") {
		if op := p.path(f, "TimestampPath", true, false); op.Path != nil {
			s.Timestamp = &Expr{Field: "TimestampPath", Path: op.Path}
		}
	}
}

// array reads an array field that may not be empty.
func (p *parser) array(f *fields, k string) []any {
	v, ok := f.get(k)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		p.typeError(f.sub(k), "ARRAY")
		return nil
	}
	if len(arr) == 0 {
		p.d.add(CodeSchema, f.sub(k), "Value cannot be empty")
	}
	return arr
}

func (p *parser) retriers(f *fields) []*Retrier {
	arr := p.array(f, "Retry")
	var out []*Retrier
	for i, e := range arr {
		rloc := fmt.Sprintf("%s/Retry[%d]", f.loc, i)
		o, isObj := e.(*value.Object)
		if !isObj {
			p.typeError(rloc, "OBJECT")
			continue
		}
		rf := p.open(o, rloc, retrierFields, f.ql)
		p.require(rf, "ErrorEquals")
		r := &Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(rf, i == len(arr)-1)
		if n, ok := p.integer(rf, "IntervalSeconds", 1, 99999999); ok {
			r.IntervalSeconds = int(n)
		}
		if n, ok := p.integer(rf, "MaxAttempts", 0, 99999999); ok {
			r.MaxAttempts = int(n)
		}
		if n, ok := p.integer(rf, "MaxDelaySeconds", 1, 31622400); ok {
			r.MaxDelaySeconds = int(n)
		}
		if bv, ok := rf.get("BackoffRate"); ok {
			n, isNum := bv.(value.Number)
			switch {
			case !isNum:
				p.typeError(rf.sub("BackoffRate"), "NUMBER")
			case n.Float() < 1.0:
				p.d.add(CodeSchema, rf.sub("BackoffRate"), "Value must be greater than or equal to 1.0")
			default:
				r.BackoffRate = n.Float()
			}
		}
		if j := p.enum(rf, "JitterStrategy", "FULL", "NONE"); j != "" {
			r.JitterStrategy = j
		}
		p.str(rf, "Comment")
		out = append(out, r)
	}
	return out
}

func (p *parser) catchers(f *fields, ql string) []*Catcher {
	arr := p.array(f, "Catch")
	var out []*Catcher
	for i, e := range arr {
		cloc := fmt.Sprintf("%s/Catch[%d]", f.loc, i)
		o, isObj := e.(*value.Object)
		if !isObj {
			p.typeError(cloc, "OBJECT")
			continue
		}
		cf := p.open(o, cloc, catcherFields, ql)
		p.require(cf, "ErrorEquals", "Next")
		c := &Catcher{}
		c.ErrorEquals = p.errorEquals(cf, i == len(arr)-1)
		c.Next = p.str(cf, "Next")
		c.ResultPath = p.path(cf, "ResultPath", true, true)
		c.Assign = p.assign(cf, ql)
		if v, ok := cf.get("Output"); ok {
			c.Output = p.template(v, "Output", cf.sub("Output"), ql)
		}
		p.str(cf, "Comment")
		out = append(out, c)
	}
	return out
}

func (p *parser) errorEquals(f *fields, last bool) []string {
	arr := p.array(f, "ErrorEquals")
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			p.typeError(fmt.Sprintf("%s[%d]", f.sub("ErrorEquals"), i), "STRING")
			continue
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == "States.ALL" && (len(arr) > 1 || !last) {
			p.d.add(CodeSchema, f.sub("ErrorEquals"), "States.ALL must appear alone in ErrorEquals, in the last retrier or catcher")
			break
		}
	}
	return out
}

func (p *parser) mapState(s *State, f *fields) {
	s.ItemsPath = p.path(f, "ItemsPath", true, false)
	if v, ok := f.get("Items"); ok {
		s.Items = p.template(v, "Items", f.sub("Items"), f.ql)
	}
	if f.has("ItemSelector") && f.has("Parameters") {
		p.d.add(CodeSchema, f.sub("ItemSelector"), "Only one of 'ItemSelector' or 'Parameters' may be set")
	}
	for _, k := range []string{"ItemSelector", "Parameters"} {
		if v, ok := f.get(k); ok && s.ItemSelector == nil {
			s.ItemSelector = p.template(v, k, f.sub(k), f.ql)
		}
	}
	switch {
	case f.has("ItemProcessor") && f.has("Iterator"):
		p.d.add(CodeSchema, f.sub("ItemProcessor"), "Only one of 'ItemProcessor' or 'Iterator' may be set")
	case !f.has("ItemProcessor") && !f.has("Iterator"):
		if !f.bad["ItemProcessor"] && !f.bad["Iterator"] {
			p.d.add(CodeSchema, at(f.loc), "These fields are required: [ItemProcessor]")
		}
	}
	for _, k := range []string{"ItemProcessor", "Iterator"} {
		if o := p.object(f, k); o != nil && s.ItemProcessor == nil {
			s.ItemProcessor = p.subgraph(o, f.sub(k), processorFields, s.QueryLanguage)
		}
	}
	s.MaxConcurrency = p.numberExpr(f, "MaxConcurrency", "MaxConcurrencyPath", 0, noMaximum)
	s.ToleratedFailurePercentage = p.percentExpr(f)
	s.ToleratedFailureCount = p.numberExpr(f, "ToleratedFailureCount", "ToleratedFailureCountPath", 0, 2147483647)
	if f.has("Label") {
		s.Label = p.str(f, "Label")
		if _, isStr := f.obj.Get("Label"); isStr {
			p.label(s.Label, f.sub("Label"))
		}
	}
	if o := p.object(f, "ItemReader"); o != nil {
		rf := p.open(o, f.sub("ItemReader"), readerFields, f.ql)
		if p.require(rf, "Resource") {
			p.s3Resource(rf, "getObject", "listObjectsV2")
		}
		p.payload(rf)
		if rc := p.object(rf, "ReaderConfig"); rc != nil {
			cf := p.open(rc, rf.sub("ReaderConfig"), readerConfig, f.ql)
			p.enum(cf, "InputType", "CSV", "JSON", "JSONL", "MANIFEST", "PARQUET")
			p.enum(cf, "CSVHeaderLocation", "FIRST_ROW", "GIVEN")
			p.numberExpr(cf, "MaxItems", "MaxItemsPath", 0, 100000000)
		}
		s.ItemReader = o
	}
	if o := p.object(f, "ItemBatcher"); o != nil {
		bf := p.open(o, f.sub("ItemBatcher"), batcherFields, f.ql)
		p.numberExpr(bf, "MaxItemsPerBatch", "MaxItemsPerBatchPath", 0, 2147483647)
		p.numberExpr(bf, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", 0, 262144)
		if bi, ok := bf.get("BatchInput"); ok {
			p.template(bi, "BatchInput", bf.sub("BatchInput"), f.ql)
		}
		s.ItemBatcher = o
	}
	if o := p.object(f, "ResultWriter"); o != nil {
		wf := p.open(o, f.sub("ResultWriter"), writerFields, f.ql)
		payload := "Parameters"
		if f.ql == JSONata {
			payload = "Arguments"
		}
		switch {
		case o.Has("Resource"):
			// A writer writes somewhere: the Resource needs its bucket.
			p.s3Resource(wf, "putObject")
			p.require(wf, payload)
		case !o.Has("WriterConfig"):
			p.require(wf, "Resource", payload)
		}
		p.payload(wf)
		if wc := p.object(wf, "WriterConfig"); wc != nil {
			cf := p.open(wc, wf.sub("WriterConfig"), writerConfig, f.ql)
			if p.require(cf, "OutputType", "Transformation") {
				p.enum(cf, "OutputType", "JSON", "JSONL")
				p.enum(cf, "Transformation", "NONE", "COMPACT", "FLATTEN")
			}
		}
		s.ResultWriter = o
	}
}

// s3Resource checks the Resource of an ItemReader or ResultWriter: one of
// the given S3 actions of the optimised integration, in any partition.
func (p *parser) s3Resource(f *fields, actions ...string) {
	v, _ := f.get("Resource")
	r, isStr := v.(string)
	if !isStr {
		p.typeError(f.sub("Resource"), "STRING")
		return
	}
	if f.ql == JSONata && isJSONata(r) {
		return
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == "states" && parts[3] == "" && parts[4] == "" {
		for _, a := range actions {
			if parts[5] == "s3:"+a {
				return
			}
		}
	}
	p.d.add(CodeSchema, f.sub("Resource"), fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", r))
}

// label checks a Map's Label, which names its Map Runs: 1 to 40
// characters, none of them white space, brackets, wildcards, punctuation
// AWS reserves or control characters.
func (p *parser) label(l, loc string) {
	switch {
	case l == "":
		p.d.add(CodeInvalidLabel, loc, "Label cannot be empty")
		return
	case len([]rune(l)) > MaxLabelLength:
		p.d.add(CodeInvalidLabel, loc, fmt.Sprintf("Label cannot exceed %d characters", MaxLabelLength))
		return
	}
	for _, r := range l {
		if strings.ContainsRune(" ?*<>{}[]:;,\\|^~$#%&`\"", r) || r < 0x20 || (r >= 0x7f && r < 0xa0) {
			p.d.add(CodeInvalidLabel, loc, fmt.Sprintf("Label contains invalid character: '%c'", r))
			return
		}
	}
}

// payload compiles an ItemReader's or ResultWriter's Parameters or
// Arguments, to report their problems.
func (p *parser) payload(f *fields) {
	for _, k := range []string{"Parameters", "Arguments"} {
		if v, ok := f.get(k); ok {
			p.template(v, k, f.sub(k), f.ql)
		}
	}
}

func (p *parser) percentExpr(f *fields) *Expr {
	const lit, path = "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"
	if f.has(lit) && f.has(path) {
		p.d.add(CodeSchema, f.sub(lit), fmt.Sprintf("Only one of '%s' or '%s' may be set", lit, path))
		return nil
	}
	if v, ok := f.get(lit); ok {
		if f.ql == JSONata && isJSONata(v) {
			return &Expr{Field: lit, JSONata: v.(string)}
		}
		n, isNum := v.(value.Number)
		switch {
		case !isNum:
			p.typeError(f.sub(lit), "NUMBER")
		case n.Float() < 0 || n.Float() > 100:
			p.d.add(CodeSchema, f.sub(lit), map[bool]string{true: "Minimum value is 0", false: "Maximum value is 100"}[n.Float() < 0])
		default:
			return &Expr{Field: lit, Literal: n}
		}
		return nil
	}
	if op := p.path(f, path, true, false); op.Path != nil {
		return &Expr{Field: path, Path: op.Path}
	}
	return nil
}
