package interp

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// A distributed Map's ItemReader is read through the shell like a task:
// the interpreter asks for the reader's resource with its evaluated
// Parameters (a RunTask without events of its own), and the answer, an
// input like any task result, is parsed into the items. A listing that
// S3 cut short is asked for again with its continuation token.

// reading is what a Map waits for while its ItemReader is read.
type reading struct {
	resource string
	params   any // the evaluated Parameters / Arguments
	cfg      readerConfig
	items    []any // listed so far (listObjectsV2 pages)
}

// readerConfig is an ItemReader's ReaderConfig, evaluated.
type readerConfig struct {
	inputType string // JSON, JSONL, CSV, MANIFEST; "" for a listing
	headerLoc string // FIRST_ROW or GIVEN
	headers   []string
	delimiter rune
	maxItems  int // 0: all
}

// Failure names a distributed Map's reader records.
const (
	errItemReaderFailed   = "States.ItemReaderFailed"
	errResultWriterFailed = "States.ResultWriterFailed"
)

// readerPayload evaluates what an ItemReader needs from the state's input:
// its Parameters (JSONPath) or Arguments (JSONata) and its MaxItems.
func (x *Execution) readerPayload(t *thread, eff any) (*reading, *asl.Failure) {
	reader, _ := t.state.ItemReader.(*value.Object)
	if reader == nil {
		return nil, runtimeFailure(t, "States.Runtime", "The ItemReader field must be an object.")
	}
	rd := &reading{}
	rd.resource, _ = getString(reader, "Resource")
	conf, _ := getObject(reader, "ReaderConfig")
	tmpl := value.NewObject(4)
	if isJSONata(t) {
		if v, ok := reader.Get("Arguments"); ok {
			tmpl.Set("P", v)
		}
		if v, ok := conf.Get("MaxItems"); ok {
			tmpl.Set("MaxItems", v)
		}
		if v, ok := reader.Get("Resource"); ok {
			tmpl.Set("Resource", v)
		}
	} else {
		if v, ok := reader.Get("Parameters"); ok {
			tmpl.Set("P", v)
		}
		if v, ok := conf.Get("MaxItems"); ok {
			tmpl.Set("MaxItems", v)
		}
		if v, ok := conf.Get("MaxItemsPath"); ok {
			tmpl.Set("MaxItems.$", v)
		}
	}
	got, f := x.evalExtra(t, tmpl, eff)
	if f != nil {
		return nil, f
	}
	rd.params = value.NewObject(0)
	if p, ok := got.Get("P"); ok {
		rd.params = p
	}
	if r, ok := getString(got, "Resource"); ok {
		rd.resource = r
	}
	if v, ok := got.Get("MaxItems"); ok {
		n, isNum := numericString(v).(value.Number)
		i, isInt := n.Int()
		if !isNum || !isInt || i < 0 {
			return nil, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The MaxItems field refers to value \"%s\" which is not a valid integer.", value.String(v)))
		}
		rd.cfg.maxItems = int(min(i, 100000000))
	}
	rd.cfg.inputType, _ = getString(conf, "InputType")
	rd.cfg.headerLoc, _ = getString(conf, "CSVHeaderLocation")
	if hs, ok := conf.Get("CSVHeaders"); ok {
		arr, _ := hs.([]any)
		for _, h := range arr {
			s, _ := h.(string)
			rd.cfg.headers = append(rd.cfg.headers, s)
		}
	}
	rd.cfg.delimiter = ','
	if d, ok := getString(conf, "CSVDelimiter"); ok {
		switch d {
		case "SEMICOLON":
			rd.cfg.delimiter = ';'
		case "PIPE":
			rd.cfg.delimiter = '|'
		case "SPACE":
			rd.cfg.delimiter = ' '
		case "TAB":
			rd.cfg.delimiter = '\t'
		}
	}
	return rd, nil
}

// evalExtra evaluates a payload the asl package keeps as written (the
// ItemReader's, ItemBatcher's and ResultWriter's): it compiles tmpl as
// the Parameters (JSONPath) or Arguments (JSONata) of a state of its own
// and evaluates it against t's state with input eff. $$ is always there,
// as the state's own ReadsContext does not cover these fields.
func (x *Execution) evalExtra(t *thread, tmpl *value.Object, eff any) (*value.Object, *asl.Failure) {
	if tmpl.Len() == 0 {
		return tmpl, nil
	}
	compiled, err := compileExtra(tmpl, isJSONata(t))
	if err != nil {
		return nil, runtimeFailure(t, "States.Runtime", err.Error())
	}
	env := x.env(t, eff)
	if env.Context == nil {
		ctx := x.contextObject(t)
		env.Context = ctx
		if env.States != nil {
			env.States.Set("context", ctx)
		}
	}
	v, err := compiled.Eval(env)
	if err != nil {
		return nil, asFailure(t, err)
	}
	o, _ := v.(*value.Object)
	if o == nil {
		o = value.NewObject(0)
	}
	return o, nil
}

// compileExtra compiles tmpl through the asl parser, as the payload of a
// one-state machine.
func compileExtra(tmpl *value.Object, jsonata bool) (*asl.Template, error) {
	var st *value.Object
	ql := "JSONPath"
	if jsonata {
		ql = "JSONata"
		st = value.ObjectOf("Type", "Task", "Resource", "arn:aws:states:::s3:getObject", "Arguments", tmpl, "End", true)
	} else {
		st = value.ObjectOf("Type", "Pass", "Parameters", tmpl, "End", true)
	}
	def := value.ObjectOf("QueryLanguage", ql, "StartAt", "S", "States", value.ObjectOf("S", st))
	sm, err := asl.Parse([]byte(value.String(def)))
	if err != nil {
		return nil, err
	}
	s := sm.States["S"]
	if s == nil {
		return nil, errors.New("payload did not compile")
	}
	if jsonata {
		if s.Arguments == nil {
			return nil, errors.New("payload did not compile")
		}
		return s.Arguments, nil
	}
	if s.Parameters == nil {
		return nil, errors.New("payload did not compile")
	}
	return s.Parameters, nil
}

func getString(o *value.Object, k string) (string, bool) {
	if o == nil {
		return "", false
	}
	v, _ := o.Get(k)
	s, ok := v.(string)
	return s, ok
}

func getObject(o *value.Object, k string) (*value.Object, bool) {
	if o == nil {
		return nil, false
	}
	v, _ := o.Get(k)
	r, ok := v.(*value.Object)
	return r, ok
}

// startRead asks the shell for the reader's resource.
func (x *Execution) startRead(t *thread, params any) {
	id := x.newID()
	t.taskID = id
	if x.tasks == nil {
		x.tasks = map[int64]*thread{}
	}
	x.tasks[id] = t
	x.command(RunTask{TaskID: id, StateName: t.state.Name, Resource: t.fan.reading.resource, Input: params})
}

// readDone takes the reader's answer: the next page of a listing, or the
// items, with which the Map starts its iterations.
func (x *Execution) readDone(t *thread, output any, failure *asl.Failure) {
	fan := t.fan
	rd := fan.reading
	if failure != nil {
		cause := failure.Cause
		if cause == "" {
			cause = failure.Name
		}
		x.mapRunFailed(t, asl.Fail(errItemReaderFailed, cause))
		return
	}
	var items []any
	var err error
	if strings.HasSuffix(rd.resource, ":listObjectsV2") {
		var next string
		items, next = listedItems(output)
		rd.items = append(rd.items, items...)
		if next != "" && (rd.cfg.maxItems == 0 || len(rd.items) < rd.cfg.maxItems) {
			p, _ := rd.params.(*value.Object)
			if p == nil {
				p = value.NewObject(1)
			} else {
				p = p.Clone()
			}
			p.Set("ContinuationToken", next)
			x.startRead(t, p)
			return
		}
		items = rd.items
	} else {
		body, isStr := output.(string)
		if o, isObj := output.(*value.Object); isObj {
			body, isStr = getString(o, "Body")
		}
		if !isStr {
			err = errors.New("The S3 object could not be read as text.")
		} else {
			items, err = parseItems(validText(body), rd.cfg)
		}
	}
	if err != nil {
		x.mapRunFailed(t, asl.Fail(errItemReaderFailed, err.Error()))
		return
	}
	if rd.cfg.maxItems > 0 && len(items) > rd.cfg.maxItems {
		items = items[:rd.cfg.maxItems]
	}
	fan.reading = nil
	x.startItems(t, items)
}

// validText is s with each byte that is not UTF-8 read as U+FFFD, as a
// journal's JSON keeps it (and as Java decodes such text): else a replay
// would parse other text than the run it replays.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// mapRunFailed fails a distributed Map whose run failed as a whole.
func (x *Execution) mapRunFailed(t *thread, f *asl.Failure) {
	fan := t.fan
	x.abortChildren(t)
	t.fan = nil
	if fan != nil && fan.distributed {
		x.endMapRun(fan, "FAILED")
		x.emit(t, "MapRunFailed", ObjectDetails{value.ObjectOf("error", f.Name, "cause", f.Cause)})
	}
	if !x.willRetry(t, f) {
		x.emit(t, "MapStateFailed", nil)
	}
	x.stateFailed(t, f)
	x.resume(t)
}

// listedItems shapes a ListObjectsV2 answer's Contents as AWS hands them
// to iterations, and returns the continuation token of a cut-short list.
func listedItems(output any) ([]any, string) {
	o, _ := output.(*value.Object)
	if o == nil {
		return nil, ""
	}
	contents, _ := o.Get("Contents")
	arr, _ := contents.([]any)
	items := make([]any, 0, len(arr))
	for _, c := range arr {
		co, _ := c.(*value.Object)
		if co == nil {
			continue
		}
		etag, _ := co.Get("ETag")
		mod, _ := co.Get("LastModified")
		if s, ok := mod.(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				mod = value.Int(ts.Unix())
			}
		}
		key, _ := co.Get("Key")
		size, _ := co.Get("Size")
		class, _ := co.Get("StorageClass")
		items = append(items, value.ObjectOf("Etag", etag, "LastModified", mod, "Key", key, "Size", size, "StorageClass", class))
	}
	next := ""
	if tr, _ := o.Get("IsTruncated"); tr == true {
		next, _ = getString(o, "NextContinuationToken")
	}
	return items, next
}

// parseItems reads an S3 object's text as the items of a Map.
func parseItems(body string, cfg readerConfig) ([]any, error) {
	switch cfg.inputType {
	case "CSV":
		return parseCSV(body, cfg)
	case "JSONL":
		var items []any
		for line := range strings.SplitSeq(body, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			v, err := value.ParseString(line)
			if err != nil {
				return nil, errors.New("The JSONL object could not be parsed: each line must hold one JSON value.")
			}
			items = append(items, v)
			if cfg.maxItems > 0 && len(items) == cfg.maxItems {
				break
			}
		}
		return items, nil
	case "MANIFEST", "PARQUET":
		return nil, fmt.Errorf("Cairn does not read ItemReader InputType %s.", cfg.inputType)
	default: // JSON
		v, err := value.ParseString(body)
		if err != nil {
			return nil, errors.New("Attempting to map over non-iterable node.")
		}
		arr, isArr := v.([]any)
		if !isArr {
			return nil, errors.New("Attempting to map over non-iterable node.")
		}
		return arr, nil
	}
}

// parseCSV reads CSV text into objects keyed by the headers: the first
// row's (FIRST_ROW) or the given ones. A row's extra fields are dropped
// and missing ones are empty strings.
func parseCSV(body string, cfg readerConfig) ([]any, error) {
	r := csv.NewReader(bytes.NewReader([]byte(body)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	if cfg.delimiter != 0 {
		r.Comma = cfg.delimiter
	}
	headers := cfg.headers
	if cfg.headerLoc != "GIVEN" {
		first, err := r.Read()
		if err == io.EOF {
			return []any{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("The CSV object could not be parsed: %v", err)
		}
		headers = first
	}
	seen := make(map[string]bool, len(headers))
	for _, h := range headers {
		if seen[h] {
			return nil, errors.New("CSV headers cannot contain duplicates.")
		}
		seen[h] = true
	}
	order := javaOrder(headers)
	items := []any{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("The CSV object could not be parsed: %v", err)
		}
		o := value.NewObject(len(headers))
		for _, i := range order {
			h := headers[i]
			f := ""
			if i < len(rec) {
				f = rec[i]
			}
			o.Set(h, f)
		}
		items = append(items, o)
		if cfg.maxItems > 0 && len(items) == cfg.maxItems {
			break
		}
	}
	return items, nil
}

// batch groups a Map's items (after ItemSelector) as its ItemBatcher
// says: each batch is {"BatchInput": …, "Items": [...]}.
func (x *Execution) batch(t *thread, items []any) ([]any, *asl.Failure) {
	fan := t.fan
	s := t.state
	if s.ItemSelector != nil {
		sel := make([]any, len(items))
		for i, item := range items {
			env := x.env(t, fan.input)
			if ctx, ok := env.Context.(*value.Object); ok {
				ctx.Set("Map", value.ObjectOf("Item", value.ObjectOf("Index", value.Int(int64(i)), "Value", item)))
			}
			v, err := s.ItemSelector.Eval(env)
			if err != nil {
				return nil, asFailure(t, err)
			}
			sel[i] = v
		}
		items = sel
	}
	raw, _ := s.ItemBatcher.(*value.Object)
	tmpl := value.NewObject(3)
	for k, v := range raw.All() {
		if !isJSONata(t) && strings.HasSuffix(k, "Path") {
			k = strings.TrimSuffix(k, "Path") + ".$"
		}
		tmpl.Set(k, v)
	}
	got, f := x.evalExtra(t, tmpl, fan.input)
	if f != nil {
		return nil, f
	}
	limit := func(k string) (int, *asl.Failure) {
		v, ok := got.Get(k)
		if !ok {
			return 0, nil
		}
		n, isNum := numericString(v).(value.Number)
		i, isInt := n.Int()
		if !isNum || !isInt || i < 0 {
			return 0, runtimeFailure(t, "States.Runtime", fmt.Sprintf("The %s field refers to value \"%s\" which is not a valid integer.", k, value.String(v)))
		}
		return int(i), nil
	}
	maxN, f := limit("MaxItemsPerBatch")
	if f != nil {
		return nil, f
	}
	maxBytes, f := limit("MaxInputBytesPerBatch")
	if f != nil {
		return nil, f
	}
	bi, hasBI := got.Get("BatchInput")
	var batches []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		b := value.NewObject(2)
		if hasBI {
			b.Set("BatchInput", bi)
		}
		b.Set("Items", cur)
		batches = append(batches, b)
		cur, size = nil, 0
	}
	for _, item := range items {
		n := value.Size(item) + 1
		if len(cur) > 0 && ((maxN > 0 && len(cur) >= maxN) || (maxBytes > 0 && size+n > maxBytes)) {
			flush()
		}
		cur = append(cur, item)
		size += n
	}
	flush()
	if batches == nil {
		batches = []any{}
	}
	return batches, nil
}

// fanTaskDone takes the answer to a Map's own task: its reader's or its
// writer's.
func (x *Execution) fanTaskDone(t *thread, output any, failure *asl.Failure) {
	switch {
	case t.fan.reading != nil:
		x.readDone(t, output, failure)
	case t.fan.writing != nil:
		x.writeDone(t, failure)
	}
}

// javaOrder orders a CSV row's headers as AWS lists them: the iteration
// order of a java.util.HashMap built by inserting them in order (by hash
// bucket, then insertion), as the recordings show. The table doubles when
// it holds more than 3/4 of its buckets, and, while under 64 buckets, when
// a bucket would hold a ninth key (where a larger table makes it a tree,
// whose order this does not follow).
func javaOrder(headers []string) []int {
	hashes := make([]uint32, len(headers))
	for i, h := range headers {
		var hash int32
		for _, u := range utf16.Encode([]rune(h)) {
			hash = 31*hash + int32(u)
		}
		hashes[i] = uint32(hash) ^ uint32(hash)>>16
	}
	capacity := 16
	counts := make([]int, capacity)
	grow := func(upTo int) { // doubles the table holding headers[:upTo]
		capacity *= 2
		counts = make([]int, capacity)
		for _, h := range hashes[:upTo] {
			counts[h&uint32(capacity-1)]++
		}
	}
	for i, h := range hashes {
		b := h & uint32(capacity-1)
		counts[b]++
		if counts[b] > 8 && capacity < 64 {
			grow(i + 1)
		}
		if i+1 > capacity*3/4 {
			grow(i + 1)
		}
	}
	order := make([]int, len(headers))
	for i := range order {
		order[i] = i
	}
	mask := uint32(capacity - 1)
	slices.SortStableFunc(order, func(a, b int) int { return int(hashes[a]&mask) - int(hashes[b]&mask) })
	return order
}
