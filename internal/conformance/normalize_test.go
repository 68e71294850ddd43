package conformance

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

// norm normalises a JSON document for a case with the given normalizers
// and returns the result as compact JSON.
func norm(t *testing.T, nzs []Normalizer, env Env, doc string) string {
	t.Helper()
	n := newNormalizer(&Case{Normalizers: nzs}, env)
	v, err := n.normalize(value.MustParse(doc))
	if err != nil {
		t.Fatalf("normalize %s: %v", doc, err)
	}
	return value.String(v)
}

func TestNormaliseRules(t *testing.T) {
	t.Parallel()
	role := Normalizer{Type: "regex", Pattern: "arn:aws:iam::111111111111:role/sfn_role_su000001", Replacement: "snf_role_arn"}
	tests := []struct {
		name string
		nzs  []Normalizer
		env  Env
		in   string
		want string
	}{
		{"sort keys", nil, Env{}, `{"b":1,"a":{"d":2,"c":3}}`, `{"a":{"c":3,"d":2},"b":1}`},
		{"parse object text one level", nil, Env{},
			`{"output":"{\"a\":\"{\\\"b\\\":1}\"}"}`, `{"output":{"a":"{\"b\":1}"}}`},
		{"non-object JSON text stays", nil, Env{}, `{"output":"[1,2]","s":"\"x\"","n":"3"}`, `{"n":"3","output":"[1,2]","s":"\"x\""}`},
		{"objects in arrays visited, strings not", nil, Env{},
			`{"a":[{"x":"{\"k\":1}"},"{\"k\":2}"]}`, `{"a":[{"x":{"k":1}},"{\"k\":2}"]}`},
		{"invalid object text stays", nil, Env{}, `{"output":"{nope"}`, `{"output":"{nope"}`},
		{"x-localstack removed", nil, Env{}, `{"a":{"x-localstack":1,"b":2}}`, `{"a":{"b":2}}`},
		{"sdk metadata", nil, Env{},
			`{"SdkHttpMetadata":{"HttpHeaders":{"Date":"Mon, 1 Jan"}},"SdkResponseMetadata":{"RequestId":"abc"},"h":{"x-amzn-RequestId":"zzz","X-Amzn-Trace-Id":"t"}}`,
			`{"SdkHttpMetadata":{"HttpHeaders":{"Date":"date"}},"SdkResponseMetadata":{"RequestId":"RequestId"},"h":{"X-Amzn-Trace-Id":"X-Amzn-Trace-Id","x-amzn-RequestId":"x-amzn-RequestId"}}`},
		{"quoted json input in cause", nil, Env{},
			`{"cause":"not found in the input '{\"a\":1}'","other":"{\"a\":1}"}`,
			`{"cause":"not found in the input '<json-input:1>'","other":{"a":1}}`},
		{"regex normalizer with python template", []Normalizer{{Type: "regex", Pattern: `id-(\d+)`, Replacement: `n\1$`}}, Env{},
			`{"a":"id-42 id-7"}`, `{"a":"n42$ n7$"}`},
		{"stub regex not applied", []Normalizer{{Type: "regex", Pattern: "<stub:x>", Replacement: "generated"}}, Env{},
			`{"a":"<stub:x>"}`, `{"a":"<stub:x>"}`},
		{"jsonpath set", []Normalizer{{Type: "jsonpath", Path: "$..output.StartDate", Replacement: "start-date"}}, Env{},
			`{"e":[{"output":{"StartDate":5}},{"StartDate":6}]}`, `{"e":[{"output":{"StartDate":"start-date"}},{"StartDate":6}]}`},
		{"jsonpath reference", []Normalizer{{Type: "jsonpath", Path: "$..TaskToken", Replacement: "task_token", ReplaceReference: true}}, Env{},
			`{"a":{"TaskToken":"tok1"},"b":"x tok1 y","c":{"TaskToken":"tok2"}}`,
			`{"a":{"TaskToken":"<task_token:1>"},"b":"x <task_token:1> y","c":{"TaskToken":"<task_token:2>"}}`},
		{"key_value set skips empty", []Normalizer{{Type: "key_value", Key: "RoleArn", Replacement: "role-arn"}}, Env{},
			`{"RoleArn":"r","x":{"RoleArn":""}}`, `{"RoleArn":"role-arn","x":{"RoleArn":""}}`},
		{"key_value reference", []Normalizer{{Type: "key_value", Key: "QueueUrl", Replacement: "QueueUrl", ReplaceReference: true}}, Env{},
			`{"QueueUrl":"q1","m":"q1"}`, `{"QueueUrl":"<QueueUrl:1>","m":"<QueueUrl:1>"}`},
		{"resource_name", []Normalizer{{Type: "other", Name: "resource_name"}}, Env{},
			`{"a":"arn:aws:states:us-east-1:111111111111:stateMachine:MyMachine","b":"arn:aws:lambda:us-east-1:111111111111:function:fn:$LATEST","n":"MyMachine"}`,
			`{"a":"arn:<partition>:states:<region>:111111111111:stateMachine:<resource:1>","b":"arn:<partition>:lambda:<region>:111111111111:function:<resource:2>:$LATEST","n":"<resource:1>"}`},
		{"sns_api", []Normalizer{{Type: "other", Name: "sns_api"}}, Env{},
			`{"Signature":"sig","MD5OfBody":"m","SenderId":"s","SequenceNumber":"12"}`,
			`{"MD5OfBody":"<md5-hash>","SenderId":"<sender-id>","SequenceNumber":"<sequence-number:1>","Signature":"<signature>"}`},
		{"sqs integration", []Normalizer{{Type: "other", Name: "sfn_sqs_integration"}}, Env{},
			`{"ReceiptHandle":"rh","MD5OfMessageBody":"md"}`, `{"MD5OfMessageBody":"<m-d5-of-message-body:1>","ReceiptHandle":"<receipt-handle:1>"}`},
		{"dynamodb_api", []Normalizer{{Type: "other", Name: "dynamodb_api"}}, Env{},
			`{"TableName":"x-test_table_abc"}`, `{"TableName":"<test-table>"}`},
		{"convert output to json", []Normalizer{{Type: "generic", Name: "_convert_output_to_json"}}, Env{},
			`{"events":[{"stateEnteredEventDetails":{"input":"[1]"}},{"stateExitedEventDetails":{"output":"[1,2]"}},{"x":{"output":"\"s\""}}]}`,
			`{"events":[{"stateEnteredEventDetails":{"input":"[1]"}},{"stateExitedEventDetails":{"output":[1,2]}},{"x":{"output":"s"}}]}`},
		{"uuid ids", nil, Env{},
			`{"RequestId":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f","other":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f","name":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f"}`,
			`{"RequestId":"<uuid:1>","name":"<uuid:1>","other":"<uuid:1>"}`},
		{"uuid only under an id key", nil, Env{},
			`{"name":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f"}`, `{"name":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f"}`},
		{"iso dates", nil, Env{}, `{"a":"2024-01-02T03:04:05.123Z","b":"at 2024-01-02T03:04:05+01:00 ok","c":"2024-01-02T03:04:05","d":"2024-01-02T03:04:05.123+0000","e":"2024-13-02T03:04:05Z"}`,
			`{"a":"date","b":"at date ok","c":"2024-01-02T03:04:05","d":"date","e":"2024-13-02T03:04:05Z"}`},
		{"timestamps", nil, Env{}, `{"timestamp":1700000000.5,"BatchTimestamp":"2024-01-02T03:04:05Z","creationTime":3,"startDate":1.7e9}`,
			`{"BatchTimestamp":"date","creationTime":"timestamp","startDate":"datetime","timestamp":"timestamp"}`},
		{"response metadata dropped", nil, Env{}, `{"ResponseMetadata":{"a":1},"b":2}`, `{"b":2}`},
		{"account region partition", nil, Env{}, `{"a":"arn:aws:states:us-east-1:111111111111:x"}`, `{"a":"arn:<partition>:states:<region>:111111111111:x"}`},
		{"env mapping", []Normalizer{role}, Env{Account: "123456789012", Region: "eu-west-3", RoleArn: "arn:aws:iam::123456789012:role/Cairn"},
			`{"roleArn":"arn:aws:iam::123456789012:role/Cairn","sm":"arn:aws:states:eu-west-3:123456789012:stateMachine:m"}`,
			`{"roleArn":"snf_role_arn","sm":"arn:<partition>:states:<region>:111111111111:stateMachine:m"}`},
		{"reference values mapped like the text", []Normalizer{{Type: "jsonpath", Path: "$..ExecutionArn", Replacement: "execution-arn", ReplaceReference: true}},
			Env{Account: "123456789012"},
			`{"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:m:e","msg":"started arn:aws:states:us-east-1:123456789012:execution:m:e"}`,
			`{"ExecutionArn":"<execution-arn:1>","msg":"started <execution-arn:1>"}`},
		{"python numbers", nil, Env{}, `{"a":1.50,"b":1e5,"c":-0,"d":1E-7,"e":12345678901234567890,"f":1.0}`,
			`{"a":1.5,"b":100000.0,"c":0,"d":1e-07,"e":12345678901234567890,"f":1.0}`},
		{"non-ascii survives", nil, Env{}, `{"a":"é😀"}`, `{"a":"é😀"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := norm(t, tt.nzs, tt.env, tt.in); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestPyDumps(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{"a":[1,"x"],"b":null}`, `{"a": [1, "x"], "b": null}`},
		{`"é\u0001\"\\"`, `"\u00e9\u0001\"\\"`},
		{`"😀"`, `"\ud83d\ude00"`},
		{`[0.1,1e16,1e-5,123.456e2,-2.5E+3,1e400]`, `[0.1, 1e+16, 1e-05, 12345.6, -2500.0, Infinity]`},
		{`[1234567890123456.0, 0.0001]`, `[1234567890123456.0, 0.0001]`},
		// Each checked against CPython 3's json.dumps(json.loads(s)).
		{`[1e22,123456789012345678.0,0.00001,1.5e-7,-0.0,9007199254740993.0]`, `[1e+22, 1.2345678901234568e+17, 1e-05, 1.5e-07, -0.0, 9007199254740992.0]`},
		{`[1E+2,5e-324,1.7976931348623157e308,0.1e1,-1e-4,-0]`, `[100.0, 5e-324, 1.7976931348623157e+308, 1.0, -0.0001, 0]`},
	}
	for _, tt := range tests {
		if got := pyDumps(value.MustParse(tt.in)); got != tt.want {
			t.Errorf("pyDumps(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestNormaliseParallel(t *testing.T) {
	t.Parallel()
	// A nested Parallel as AWS records it, and what LocalStack's transformer
	// left in the recording (ids 4, 6, 7 become [0]; 8, 9, 10 are dropped).
	types := []string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "ParallelStateEntered",
		"ParallelStateStarted", "PassStateEntered", "PassStateExited", "ParallelStateSucceeded",
		"ParallelStateExited", "ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"}
	var evs []any
	for i, ty := range types {
		evs = append(evs, value.ObjectOf("id", value.Int(int64(i+1)), "previousEventId", value.Int(int64(i)), "type", ty))
	}
	got := normaliseParallel(evs)
	var ids []string
	for _, e := range got {
		id, _ := e.(*value.Object).Get("id")
		ids = append(ids, value.String(id))
	}
	want := []string{"1", "2", "3", "[0]", "5", "[0]", "[0]", "11", "12"}
	if len(ids) != len(want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("ids %v, want %v", ids, want)
		}
	}
}

func TestNormaliseBadRegex(t *testing.T) {
	t.Parallel()
	n := newNormalizer(&Case{Normalizers: []Normalizer{{Type: "regex", Pattern: `(?<=x)y`, Replacement: "z"}}}, Env{})
	if _, err := n.normalize(value.MustParse(`{"a":"xy"}`)); err != nil {
		t.Fatal(err)
	}
	if len(n.problems) != 1 {
		t.Errorf("problems = %v, want one about the regex", n.problems)
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add(`{"events":[{"type":"ParallelStateStarted"},{"type":"PassStateEntered","output":"{\"a\":1}"},{"type":"ParallelStateExited"}]}`, `$..output`)
	f.Add(`{"cause":"input '{\"a\":[1]}'","RequestId":"0f3e0fa6-2d0c-4b6f-9c7d-3b9b0a8d8e1f"}`, `$..events[4].previousEventId`)
	f.Add(`[1.0, "arn:aws:lambda:us-east-1:111111111111:function:f"]`, `$[0]`)
	f.Fuzz(func(t *testing.T, doc, p string) {
		v, err := value.ParseString(doc)
		if err != nil {
			return
		}
		c := &Case{Normalizers: []Normalizer{
			{Type: "jsonpath", Path: p, Replacement: "r", ReplaceReference: true},
			{Type: "other", Name: "SfnNoneRecursiveParallelTransformer"},
			{Type: "other", Name: "resource_name"},
			{Type: "generic", Name: "_convert_output_to_json"},
		}}
		n := newNormalizer(c, Env{Account: "123456789012", Region: "eu-west-1"})
		_, _ = n.normalize(v) // must not panic; an error is fine
	})
}

func FuzzPyNumber(f *testing.F) {
	for _, s := range []string{"1", "-0", "1.0", "1e400", "123456789012345678901234567890", "2.5e-8", "0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := value.ParseString(s)
		n, ok := v.(value.Number)
		if err != nil || !ok {
			return
		}
		out := pyNumber(n)
		if n.IsInteger() {
			if value.CompareNumbers(n, value.Number(out)) != 0 {
				t.Fatalf("pyNumber(%s) = %s changes the integer", s, out)
			}
			return
		}
		f, _ := strconv.ParseFloat(string(n), 64)
		if math.IsInf(f, 0) {
			if out != "Infinity" && out != "-Infinity" {
				t.Fatalf("pyNumber(%s) = %s, want Python's Infinity", s, out)
			}
			return
		}
		back, err := strconv.ParseFloat(out, 64)
		if err != nil || back != f {
			t.Fatalf("pyNumber(%s) = %s does not round-trip (%v)", s, out, err)
		}
		if !strings.ContainsAny(out, ".e") {
			t.Fatalf("pyNumber(%s) = %s looks like an int", s, out)
		}
	})
}

func TestReplaceISODates(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"",
		"2024-01-02T03:04:05Z",
		"x2024-01-02T03:04:05.5+01:00y 1999-12-31T23:59:59-0500 2024-01-02T03:04:05",
		"12024-01-02T03:04:05Z and 2024-01-02T03:04:05Z2024-01-02T03:04:05Z",
		"T 0000-00-00T 2024-13-01T00:00:00Z",
	} {
		if got, want := replaceISODates(s), isoDate.ReplaceAllLiteralString(s, "date"); got != want {
			t.Errorf("replaceISODates(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzReplaceISODates(f *testing.F) {
	f.Add("2024-01-02T03:04:05Z")
	f.Add("x 2024-01-02T03:04:05.123456789+0100 y")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := replaceISODates(s), isoDate.ReplaceAllLiteralString(s, "date"); got != want {
			t.Fatalf("replaceISODates(%q) = %q, want %q", s, got, want)
		}
	})
}
