package interp

import (
	"strings"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// A distributed Map's ResultWriter exports the iterations' results once
// they all ended: SUCCEEDED_0.json and FAILED_0.json, then manifest.json
// listing them, under <Prefix>/<map run id>/ of the bucket, each written
// through the shell as a RunTask for the writer's resource (s3:putObject),
// one after the other. The Map's result is then where the manifest is.
// Without a Resource, only WriterConfig's Transformation applies.

// writing is what a Map waits for while its ResultWriter writes.
type writing struct {
	resource string
	puts     []*value.Object // putObject parameters, manifest last
	next     int
	output   any // the Map's result once written
}

// startWrite begins writing p's results. It reports whether p now waits
// for a write; else either fan.writing.output holds the Map's result or
// the Map failed (p.fan is nil).
func (x *Execution) startWrite(p *thread) bool {
	fan := p.fan
	raw, _ := p.state.ResultWriter.(*value.Object)
	conf, _ := getObject(raw, "WriterConfig")
	transform, _ := getString(conf, "Transformation")
	outputType, _ := getString(conf, "OutputType")
	resource, hasResource := getString(raw, "Resource")
	tmpl := value.NewObject(2)
	key := "Parameters"
	if isJSONata(p) {
		key = "Arguments"
	}
	if v, ok := raw.Get(key); ok {
		tmpl.Set("P", v)
	}
	if isJSONata(p) {
		if v, ok := raw.Get("Resource"); ok {
			tmpl.Set("Resource", v)
		}
	}
	got, f := x.evalExtra(p, tmpl, fan.input)
	if f != nil {
		x.mapRunFailed(p, f)
		return false
	}
	if r, ok := getString(got, "Resource"); ok {
		resource = r
	}
	if !hasResource {
		fan.writing = &writing{output: x.transformed(p, transform)}
		return false
	}
	if transform == "" {
		transform = "NONE"
	}
	params, _ := getObject(got, "P")
	bucket, _ := getString(params, "Bucket")
	prefix, _ := getString(params, "Prefix")
	runID := fan.runArn[strings.LastIndexByte(fan.runArn, ':')+1:]
	dir := runID + "/"
	if prefix != "" {
		dir = strings.TrimSuffix(prefix, "/") + "/" + dir
	}
	w := &writing{resource: resource}
	results := x.transformed(p, transform)
	arr, _ := results.([]any)
	failed := make(map[int]bool, len(fan.failed))
	for _, i := range fan.failed {
		failed[i] = true
	}
	var ok, bad []any
	for i, r := range arr {
		if failed[i] {
			bad = append(bad, r)
		} else {
			ok = append(ok, r)
		}
	}
	files := value.ObjectOf("FAILED", []any{}, "PENDING", []any{}, "SUCCEEDED", []any{})
	for _, part := range []struct {
		status string
		items  []any
	}{{"SUCCEEDED", ok}, {"FAILED", bad}} {
		if len(part.items) == 0 {
			continue
		}
		k := dir + part.status + "_0.json"
		body := encodeResults(part.items, outputType)
		w.puts = append(w.puts, value.ObjectOf("Bucket", bucket, "Key", k, "Body", body))
		files.Set(part.status, []any{value.ObjectOf("Key", k, "Size", value.Int(int64(len(body))))})
	}
	manifest := value.ObjectOf("DestinationBucket", bucket, "MapRunArn", fan.runArn, "ResultFiles", files)
	w.puts = append(w.puts, value.ObjectOf("Bucket", bucket, "Key", dir+"manifest.json", "Body", value.String(manifest)))
	w.output = value.ObjectOf("MapRunArn", fan.runArn,
		"ResultWriterDetails", value.ObjectOf("Bucket", bucket, "Key", dir+"manifest.json"))
	fan.writing = w
	x.nextWrite(p)
	return true
}

func encodeResults(items []any, outputType string) string {
	if outputType != "JSONL" {
		return value.String(items)
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString(value.String(it))
		b.WriteByte('\n')
	}
	return b.String()
}

func (x *Execution) nextWrite(p *thread) {
	w := p.fan.writing
	id := x.newID()
	p.taskID = id
	if x.tasks == nil {
		x.tasks = map[int64]*thread{}
	}
	x.tasks[id] = p
	x.command(RunTask{TaskID: id, StateName: p.state.Name, Resource: w.resource, Input: w.puts[w.next]})
}

// writeDone takes the answer to one write.
func (x *Execution) writeDone(p *thread, failure *asl.Failure) {
	if failure != nil {
		cause := failure.Cause
		if cause == "" {
			cause = failure.Name
		}
		x.mapRunFailed(p, asl.Fail(errResultWriterFailed, cause))
		return
	}
	w := p.fan.writing
	w.next++
	if w.next < len(w.puts) {
		x.nextWrite(p)
		return
	}
	x.fanDone(p)
	x.resume(p)
}

// transformed shapes the iterations' results as WriterConfig's
// Transformation says: COMPACT their outputs, FLATTEN those with arrays
// spliced in, NONE each as the child execution's description.
func (x *Execution) transformed(p *thread, transform string) any {
	fan := p.fan
	switch transform {
	case "NONE":
		failed := make(map[int]bool, len(fan.failed))
		for _, i := range fan.failed {
			failed[i] = true
		}
		out := make([]any, len(fan.results))
		machine := x.info.StateMachineArn
		prefix := machine
		if i := strings.Index(machine, ":stateMachine:"); i >= 0 {
			prefix = machine[:i]
		}
		runID := fan.runArn[strings.LastIndexByte(fan.runArn, ':')+1:]
		label := p.state.Label
		if label == "" {
			label = p.state.Name
		}
		start := p.enteredTime.UTC().Format("2006-01-02T15:04:05.000Z")
		stop := x.now.UTC().Format("2006-01-02T15:04:05.000Z")
		for i, r := range fan.results {
			var input any
			if i < len(fan.items) {
				input = fan.items[i]
			}
			name := runID + "_" + itoa(i)
			d := value.NewObject(14)
			d.Set("ExecutionArn", prefix+":execution:"+x.info.StateMachineName+"/"+label+":"+name)
			d.Set("Input", value.String(input))
			d.Set("InputDetails", value.ObjectOf("Included", true))
			d.Set("Name", name)
			if failed[i] {
				ro, _ := r.(*value.Object)
				e, _ := ro.Get("Error")
				c, _ := ro.Get("Cause")
				d.Set("Error", e)
				d.Set("Cause", c)
				d.Set("Status", "FAILED")
			} else {
				d.Set("Output", value.String(r))
				d.Set("OutputDetails", value.ObjectOf("Included", true))
				d.Set("Status", "SUCCEEDED")
			}
			d.Set("RedriveCount", value.Int(0))
			d.Set("StartDate", start)
			d.Set("StateMachineArn", x.info.StateMachineArn)
			d.Set("StopDate", stop)
			out[i] = d
		}
		return out
	case "FLATTEN":
		out := make([]any, 0, len(fan.results))
		for _, r := range fan.results {
			if arr, ok := r.([]any); ok {
				out = append(out, arr...)
			} else {
				out = append(out, r)
			}
		}
		return out
	default:
		return fan.results
	}
}

func itoa(i int) string { return string(value.Int(int64(i))) }
