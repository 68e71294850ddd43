package interp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// s3Fake answers a Map's reader and writer tasks as the Router would: an
// object's Body from objects, a listing in pages of two keys, and puts
// recorded in puts. Any other task echoes its input.
type s3Fake struct {
	objects map[string]string // key -> body
	pages   [][]string        // listObjectsV2 pages of keys
	puts    []*value.Object
	fail    string // the resource whose calls fail
	calls   []interp.RunTask
}

func (f *s3Fake) handle(task interp.RunTask) (any, string, string) {
	f.calls = append(f.calls, task)
	if task.Resource == f.fail {
		return nil, "S3.NoSuchKey", "The specified key does not exist."
	}
	p, _ := task.Input.(*value.Object)
	get := func(k string) string { v, _ := p.Get(k); s, _ := v.(string); return s }
	switch {
	case strings.HasSuffix(task.Resource, ":getObject"):
		body, ok := f.objects[get("Key")]
		if !ok {
			return nil, "S3.NoSuchKey", "The specified key does not exist."
		}
		return value.ObjectOf("Body", body, "ContentLength", value.Int(int64(len(body)))), "", ""
	case strings.HasSuffix(task.Resource, ":listObjectsV2"):
		page := 0
		if tok := get("ContinuationToken"); tok != "" {
			fmt.Sscanf(tok, "page%d", &page)
		}
		var contents []any
		for _, k := range f.pages[page] {
			contents = append(contents, value.ObjectOf("ETag", `"e-`+k+`"`, "Key", k,
				"LastModified", "2026-01-02T03:04:05Z", "Size", value.Int(3), "StorageClass", "STANDARD"))
		}
		out := value.ObjectOf("Contents", contents, "IsTruncated", page+1 < len(f.pages))
		if page+1 < len(f.pages) {
			out.Set("NextContinuationToken", fmt.Sprintf("page%d", page+1))
		}
		return out, "", ""
	case strings.HasSuffix(task.Resource, ":putObject"):
		f.puts = append(f.puts, p)
		return value.ObjectOf("ETag", `"x"`), "", ""
	}
	return task.Input, "", ""
}

const readerMap = `{"StartAt":"M","States":{"M":{"Type":"Map",%s
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
	"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`

func TestItemReader(t *testing.T) {
	t.Parallel()
	const ok = "ExecutionStarted MapStateEntered MapStateStarted MapRunStarted MapRunSucceeded MapStateSucceeded MapStateExited ExecutionSucceeded"
	const failed = "ExecutionStarted MapStateEntered MapStateStarted MapRunStarted MapRunFailed MapStateFailed ExecutionFailed"
	tests := []struct {
		name    string
		fields  string // the Map's ItemReader and friends
		input   string
		objects map[string]string
		pages   [][]string
		fail    string
		want    string // output, or error: cause
		events  string
		reads   int // reader RunTasks
	}{
		{
			name:    "json max items",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":2},"Parameters":{"Bucket.$":"$.b","Key.$":"$.k"}},`,
			input:   `{"b":"bkt","k":"a.json"}`,
			objects: map[string]string{"a.json": `[{"x":1},{"x":2},{"x":3}]`},
			want:    `[{"x":1},{"x":2}]`, events: ok, reads: 1,
		},
		{
			name:    "json max items path",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItemsPath":"$.n"},"Parameters":{"Bucket":"bkt","Key":"a.json"}},`,
			input:   `{"n":1}`,
			objects: map[string]string{"a.json": `[1,2,3]`},
			want:    `[1]`, events: ok, reads: 1,
		},
		{
			name:    "jsonl",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket":"bkt","Key":"a.jsonl"}},`,
			input:   `{}`,
			objects: map[string]string{"a.jsonl": "{\"a\":1}\n\n[2]\n\"s\"\n"},
			want:    `[{"a":1},[2],"s"]`, events: ok, reads: 1,
		},
		{
			// Bytes that are not UTF-8 (a Latin-1 file) read as U+FFFD,
			// which is what a journal keeps of them.
			name:    "json not utf-8",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"bkt","Key":"a.json"}},`,
			input:   `{}`,
			objects: map[string]string{"a.json": "[\"caf\xe9\xe9\"]"},
			want:    "[\"caf\ufffd\ufffd\"]", events: ok, reads: 1,
		},
		{
			name:    "csv first row, short and long rows",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"bkt","Key":"a.csv"}},`,
			input:   `{}`,
			objects: map[string]string{"a.csv": "Col1,Col2\nv1,v2\nv3,v4,v5\n  \n"},
			want:    `[{"Col1":"v1","Col2":"v2"},{"Col1":"v3","Col2":"v4"},{"Col1":"  ","Col2":""}]`, events: ok, reads: 1,
		},
		{
			name:    "csv given headers, pipe",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["A","B"],"CSVDelimiter":"PIPE"},"Parameters":{"Bucket":"bkt","Key":"a.csv"}},`,
			input:   `{}`,
			objects: map[string]string{"a.csv": "1|2\n3|4\n"},
			want:    `[{"A":"1","B":"2"},{"A":"3","B":"4"}]`, events: ok, reads: 1,
		},
		{
			name:    "csv duplicate headers",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["H","H"]},"Parameters":{"Bucket":"bkt","Key":"a.csv"}},`,
			input:   `{}`,
			objects: map[string]string{"a.csv": "1,2\n"},
			want:    `States.ItemReaderFailed: CSV headers cannot contain duplicates.`, events: failed, reads: 1,
		},
		{
			name:    "json not an array",
			fields:  `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"bkt","Key":"a.json"}},`,
			input:   `{}`,
			objects: map[string]string{"a.json": `{"not":"array"}`},
			want:    `States.ItemReaderFailed: Attempting to map over non-iterable node.`, events: failed, reads: 1,
		},
		{
			name:   "missing object",
			fields: `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"bkt","Key":"none"}},`,
			input:  `{}`,
			want:   `States.ItemReaderFailed: The specified key does not exist.`, events: failed, reads: 1,
		},
		{
			name:   "listing over pages",
			fields: `"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"bkt"}},`,
			input:  `{}`,
			pages:  [][]string{{"k1", "k2"}, {"k3"}},
			want: `[{"Etag":"\"e-k1\"","LastModified":1767323045,"Key":"k1","Size":3,"StorageClass":"STANDARD"},` +
				`{"Etag":"\"e-k2\"","LastModified":1767323045,"Key":"k2","Size":3,"StorageClass":"STANDARD"},` +
				`{"Etag":"\"e-k3\"","LastModified":1767323045,"Key":"k3","Size":3,"StorageClass":"STANDARD"}]`,
			events: ok, reads: 2,
		},
		{
			name:   "listing stops at max items",
			fields: `"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","ReaderConfig":{"MaxItems":1},"Parameters":{"Bucket":"bkt"}},`,
			input:  `{}`,
			pages:  [][]string{{"k1", "k2"}, {"k3"}},
			want:   `[{"Etag":"\"e-k1\"","LastModified":1767323045,"Key":"k1","Size":3,"StorageClass":"STANDARD"}]`,
			events: ok, reads: 1,
		},
		{
			name: "batches with item selector",
			fields: `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"bkt","Key":"a.json"}},
				"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
				"ItemBatcher":{"MaxItemsPerBatchPath":"$.per","BatchInput":{"in.$":"$.tag"}},`,
			input:   `{"per":2,"tag":"t"}`,
			objects: map[string]string{"a.json": `["a","b","c"]`},
			want:    `[{"BatchInput":{"in":"t"},"Items":[{"v":"a","i":0},{"v":"b","i":1}]},{"BatchInput":{"in":"t"},"Items":[{"v":"c","i":2}]}]`,
			events:  ok, reads: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &s3Fake{objects: tt.objects, pages: tt.pages, fail: tt.fail}
			x := interp.New(parse(t, fmt.Sprintf(readerMap, tt.fields)), info(tt.input))
			events, journal := driveJournal(t, x, fake.handle)
			got := value.String(x.Output())
			if x.Status() != interp.Succeeded {
				got = x.Error() + ": " + x.Cause()
			}
			if got != tt.want {
				t.Errorf("result\n got %s\nwant %s", got, tt.want)
			}
			if types(events) != tt.events {
				t.Errorf("events\n got %s\nwant %s", types(events), tt.events)
			}
			reads := 0
			for _, c := range fake.calls {
				if strings.Contains(c.Resource, ":s3:") {
					reads++
				}
			}
			if reads != tt.reads {
				t.Errorf("reader calls: got %d, want %d", reads, tt.reads)
			}
			assertReplays(t, fmt.Sprintf(readerMap, tt.fields), tt.input, journal, events)
		})
	}
}

// assertReplays applies a journal, written and read back as a shell
// stores it, to a fresh execution and checks that it gives the same
// events.
func assertReplays(t *testing.T, def, input string, journal []interp.Input, want []interp.Event) {
	t.Helper()
	x := interp.New(parse(t, def), info(input))
	var got []interp.Event
	for _, in := range journal {
		stored, err := interp.UnmarshalInput(interp.MarshalInput(in))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, x.Apply(stored).Events...)
	}
	if len(got) != len(want) {
		t.Fatalf("replay: %d events, want %d", len(got), len(want))
	}
	details := func(e interp.Event) string {
		if e.Details == nil {
			return ""
		}
		return string(e.Details.AppendJSON(nil))
	}
	for i := range got {
		if got[i].Type != want[i].Type || got[i].PreviousEventID != want[i].PreviousEventID || details(got[i]) != details(want[i]) {
			t.Fatalf("replay: event %d differs: %s vs %s", i, got[i].Type, want[i].Type)
		}
	}
}

func TestItemReaderJSONata(t *testing.T) {
	t.Parallel()
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.n %}"},
			"Arguments":{"Bucket":"{% $states.input.b %}","Key":"a.json"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	fake := &s3Fake{objects: map[string]string{"a.json": `[1,2,3]`}}
	x := interp.New(parse(t, def), info(`{"b":"bkt","n":2}`))
	drive(t, x, fake.handle)
	if got := value.String(x.Output()); got != `[1,2]` {
		t.Fatalf("output %s (%s %s)", got, x.Error(), x.Cause())
	}
	if len(fake.calls) != 1 || value.String(fake.calls[0].Input) != `{"Bucket":"bkt","Key":"a.json"}` {
		t.Fatalf("reader called with %v", fake.calls)
	}
}

func TestResultWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fields   string
		input    string
		fail     string
		keys     string // the keys put, in order
		want     string // output with the map run id as <id>, or error: cause
		manifest string // the manifest's ResultFiles
	}{
		{
			name:     "succeeded items",
			fields:   `"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"jobs"}},"Label":"L",`,
			input:    `["a","b"]`,
			keys:     "jobs/<id>/SUCCEEDED_0.json jobs/<id>/manifest.json",
			want:     `{"MapRunArn":"<arn>","ResultWriterDetails":{"Bucket":"out","Key":"jobs/<id>/manifest.json"}}`,
			manifest: `{"FAILED":[],"PENDING":[],"SUCCEEDED":[{"Key":"jobs/<id>/SUCCEEDED_0.json","Size":<size>}]}`,
		},
		{
			name:     "no prefix, no items",
			fields:   `"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out"}},`,
			input:    `[]`,
			keys:     "<id>/manifest.json",
			want:     `{"MapRunArn":"<arn>","ResultWriterDetails":{"Bucket":"out","Key":"<id>/manifest.json"}}`,
			manifest: `{"FAILED":[],"PENDING":[],"SUCCEEDED":[]}`,
		},
		{
			name:   "write fails",
			fields: `"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out"}},`,
			input:  `[1]`,
			fail:   "arn:aws:states:::s3:putObject",
			want:   `States.ResultWriterFailed: The specified key does not exist.`,
		},
		{
			name:   "writer config only flattens",
			fields: `"ResultWriter":{"WriterConfig":{"OutputType":"JSON","Transformation":"FLATTEN"}},`,
			input:  `[[1,2],3]`,
			want:   `[1,2,3]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &s3Fake{fail: tt.fail}
			x := interp.New(parse(t, fmt.Sprintf(readerMap, tt.fields)), info(tt.input))
			events := drive(t, x, fake.handle)
			var arn string
			for _, e := range events {
				if e.Type == "MapRunStarted" {
					d, _ := value.MustParse(string(e.Details.AppendJSON(nil))).(*value.Object)
					v, _ := d.Get("mapRunArn")
					arn, _ = v.(string)
				}
			}
			id := arn[strings.LastIndexByte(arn, ':')+1:]
			norm := func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, arn, "<arn>"), id, "<id>")
			}
			got := norm(value.String(x.Output()))
			if x.Status() != interp.Succeeded {
				got = x.Error() + ": " + x.Cause()
			}
			if got != tt.want {
				t.Errorf("result\n got %s\nwant %s", got, tt.want)
			}
			var keys []string
			var manifest, size string
			for _, p := range fake.puts {
				k, _ := p.Get("Key")
				body, _ := p.Get("Body")
				keys = append(keys, norm(k.(string)))
				if strings.HasSuffix(k.(string), "manifest.json") {
					m, _ := value.MustParse(body.(string)).(*value.Object)
					files, _ := m.Get("ResultFiles")
					manifest = norm(value.String(files))
					if v, _ := m.Get("MapRunArn"); v != arn {
						t.Errorf("manifest MapRunArn %v, want %s", v, arn)
					}
				} else {
					size = fmt.Sprint(len(body.(string)))
					var rows []any
					rows, _ = value.MustParse(body.(string)).([]any)
					if len(rows) != len(value.MustParse(tt.input).([]any)) {
						t.Errorf("%s holds %d results", k, len(rows))
					}
				}
			}
			if tt.keys != "" && strings.Join(keys, " ") != tt.keys {
				t.Errorf("puts\n got %s\nwant %s", strings.Join(keys, " "), tt.keys)
			}
			if want := strings.ReplaceAll(tt.manifest, "<size>", size); manifest != want {
				t.Errorf("manifest files\n got %s\nwant %s", manifest, want)
			}
		})
	}
}

// TestItemReaderRetried checks that a Map whose reader failed is retried
// as a whole, reading again, and that the failure can be caught.
func TestItemReaderRetried(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"a.json"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
		"Retry":[{"ErrorEquals":["States.ItemReaderFailed"],"MaxAttempts":%d,"IntervalSeconds":1}],
		"Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"Next":"C"}],"End":true},
		"C":{"Type":"Pass","End":true}}}`
	tests := []struct {
		attempts int
		want     string
		events   string
	}{
		{1, `[1]`, "ExecutionStarted MapStateEntered MapStateStarted MapRunStarted MapRunFailed " +
			"MapStateStarted MapRunStarted MapRunSucceeded MapStateSucceeded MapStateExited ExecutionSucceeded"},
		{0, `{"Error":"States.ItemReaderFailed","Cause":"The specified key does not exist."}`,
			"ExecutionStarted MapStateEntered MapStateStarted MapRunStarted MapRunFailed MapStateFailed MapStateExited " +
				"PassStateEntered PassStateExited ExecutionSucceeded"},
	}
	for _, tt := range tests {
		reads := 0
		fake := &s3Fake{objects: map[string]string{}}
		x := interp.New(parse(t, fmt.Sprintf(def, tt.attempts)), info(`{}`))
		events := drive(t, x, func(task interp.RunTask) (any, string, string) {
			reads++
			if reads == 2 {
				fake.objects["a.json"] = `[1]`
			}
			return fake.handle(task)
		})
		if got := value.String(x.Output()); got != tt.want || types(events) != tt.events {
			t.Errorf("MaxAttempts %d: output %s, events\n%s\nwant %s\n%s", tt.attempts, got, types(events), tt.want, tt.events)
		}
	}
}

// TestItemReaderBeyondPayloadLimit checks that a reader may hand over more
// than a state's payload limit (AWS reads large objects), which the Map
// then exports through its ResultWriter.
func TestItemReaderBeyondPayloadLimit(t *testing.T) {
	t.Parallel()
	items := make([]string, 10000)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":%d,"pad":"0123456789"}`, i)
	}
	body := "[" + strings.Join(items, ",") + "]"
	if len(body) <= interp.DefaultMaxPayload {
		t.Fatalf("the object is only %d bytes", len(body))
	}
	def := fmt.Sprintf(readerMap, `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"big.json"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out"}},`)
	fake := &s3Fake{objects: map[string]string{"big.json": body}}
	x := interp.New(parse(t, def), info(`{}`))
	drive(t, x, fake.handle)
	if x.Status() != interp.Succeeded {
		t.Fatalf("%s %s %s", x.Status(), x.Error(), x.Cause())
	}
	if len(fake.puts) != 2 {
		t.Fatalf("%d puts, want SUCCEEDED_0.json and manifest.json", len(fake.puts))
	}
	b, _ := fake.puts[0].Get("Body")
	if rows, _ := value.MustParse(b.(string)).([]any); len(rows) != len(items) {
		t.Fatalf("SUCCEEDED_0.json holds %d results, want %d", len(rows), len(items))
	}
}
