package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

func TestValidName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ok   bool
	}{
		{"orders", true}, {"my-state_machine.v2", true}, {"Ünïcödé", true}, {strings.Repeat("x", 80), true},
		{"", false}, {strings.Repeat("x", 81), false}, {"a b", false}, {"a\tb", false}, {"a\u00a0b", false},
		{"a<b", false}, {"a}b", false}, {"a?", false}, {"a*", false}, {`a"b`, false}, {"a#b", false}, {"a%b", false},
		{`a\b`, false}, {"a^b", false}, {"a|b", false}, {"a~b", false}, {"a`b", false}, {"a$b", false}, {"a&b", false},
		{"a,b", false}, {"a;b", false}, {"a:b", false}, {"a/b", false}, {"a\x00", false}, {"a\x7f", false},
		{"a\u0085", false}, {"a\ufffe", false}, {"\xff", false},
	}
	for _, tt := range tests {
		if got := ValidName(tt.name); got != tt.ok {
			t.Errorf("ValidName(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestParseARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		ok      bool
		want    ARN
		version bool
		alias   bool
	}{
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m", true, ARN{"aws", "us-east-1", "123456789012", "stateMachine", "m", "", ""}, false, false},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:12", true, ARN{"aws", "us-east-1", "123456789012", "stateMachine", "m", "12", ""}, true, false},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:prod", true, ARN{"aws", "us-east-1", "123456789012", "stateMachine", "m", "prod", ""}, false, true},
		{"arn:aws:states:us-east-1:1:express:m:e:uuid", true, ARN{"aws", "us-east-1", "1", "express", "m", "e", "uuid"}, false, false},
		{"arn:aws-cn:states:cn-north-1:1:activity:a", true, ARN{"aws-cn", "cn-north-1", "1", "activity", "a", "", ""}, false, false},
		{"arn:aws:lambda:us-east-1:1:function:f", false, ARN{}, false, false},
		{"arn:aws:states:us-east-1:1:stateMachine:", false, ARN{}, false, false},
		{"arn:aws:states:us-east-1:1:stateMachine:m:", false, ARN{}, false, false},
		{"states:us-east-1", false, ARN{}, false, false},
	}
	for _, tt := range tests {
		got, ok := ParseARN(tt.in)
		if ok != tt.ok || got != tt.want || got.IsVersion() != tt.version || got.IsAlias() != tt.alias {
			t.Errorf("ParseARN(%q) = %+v, %v", tt.in, got, ok)
		}
		if ok && got.Qualifier == "" && got.Extra == "" && got.Base() != tt.in {
			t.Errorf("Base(%q) = %q", tt.in, got.Base())
		}
	}
}

func TestTimestampJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000.000"},
		{time.Unix(1700000000, 123456789), "1700000000.123"},
		{time.Unix(1700000000, 5e6), "1700000000.005"},
		{time.Unix(0, 0), "0.000"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(At(tt.t))
		if err != nil || string(b) != tt.want {
			t.Errorf("marshal %v = %s, %v; want %s", tt.t, b, err, tt.want)
		}
		var back Timestamp
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tt.t.Truncate(time.Millisecond)) {
			t.Errorf("round trip %s = %v, %v", b, back.Time, err)
		}
	}
	type wrapper struct {
		Stop Timestamp `json:"stopDate,omitzero"`
	}
	if b, _ := json.Marshal(wrapper{}); string(b) != "{}" {
		t.Errorf("zero timestamp not omitted: %s", b)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	d := Config{}.WithDefaults()
	if d.Region != "us-east-1" || d.AccountID != "123456789012" || d.Partition != "aws" || d.MaxRequestBytes != 1<<20 || d.MaxTagsPerResource != 50 {
		t.Fatalf("defaults = %+v", d)
	}
	tests := []struct {
		cfg  Config
		errs []string
	}{
		{Config{}, nil},
		{Config{Region: "eu-west-3", AccountID: "000000000000", Partition: "aws-cn"}, nil},
		{Config{Region: "local"}, []string{"region"}},
		{Config{AccountID: "123"}, []string{"account"}},
		{Config{Region: "x", AccountID: "y", MaxRequestBytes: 10, MaxTagsPerResource: -1}, []string{"region", "account", "max request", "max tags"}},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if (err == nil) != (len(tt.errs) == 0) {
			t.Errorf("Validate(%+v) = %v", tt.cfg, err)
			continue
		}
		for _, e := range tt.errs {
			if !strings.Contains(err.Error(), e) {
				t.Errorf("Validate(%+v) = %v, missing %q", tt.cfg, err, e)
			}
		}
	}
	if _, err := New(Config{Region: "nowhere"}, Deps{}); err == nil {
		t.Error("New accepted a bad config and no store")
	}
}

func TestViolationsMessage(t *testing.T) {
	t.Parallel()
	var v violations
	if v.err() != nil {
		t.Fatal("no violations is not an error")
	}
	v.required("name", true)
	if got := v.err().Error(); got != "ValidationException: 1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null" {
		t.Fatalf("one = %s", got)
	}
	v.between("maxResults", 2000, 0, 1000)
	want := "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; Value '2000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
	if got := v.err().(*Error).Message; got != want {
		t.Fatalf("two = %s", got)
	}
}

func TestClientToken(t *testing.T) {
	t.Parallel()
	for tok, ok := range map[string]bool{"": true, "abc-123_!~": true, "a b": false, "tab\t": false, "é": false} {
		var v violations
		v.clientToken(tok)
		if (len(v) == 0) != ok {
			t.Errorf("clientToken(%q): %v", tok, v)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok := encodeToken("activities", "arn:x")
	if got, err := decodeToken("activities", tok); err != nil || got != "arn:x" {
		t.Fatalf("round trip = %q, %v", got, err)
	}
	for _, bad := range []string{"x", tok + "!", encodeToken("stateMachines", "arn:x")} {
		if _, err := decodeToken("activities", bad); err == nil || err.(*Error).Type != InvalidToken {
			t.Errorf("decodeToken(%q) = %v, want InvalidToken", bad, err)
		}
	}
	if encodeToken("a", "") != "" {
		t.Error("no cursor must give no token")
	}
}

func TestChooseRoute(t *testing.T) {
	t.Parallel()
	routes := []store.Route{{VersionARN: "v2", Weight: 70}, {VersionARN: "v1", Weight: 30}}
	tests := []struct {
		pick float64
		want string
	}{{0, "v2"}, {0.6999, "v2"}, {0.7, "v1"}, {0.9999, "v1"}, {1, "v1"}}
	for _, tt := range tests {
		if got := chooseRoute(routes, tt.pick); got != tt.want {
			t.Errorf("chooseRoute(%v) = %s, want %s", tt.pick, got, tt.want)
		}
	}
}

// AWS echoes an empty destinations list but never invents one.
func TestLoggingDestinationsJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{`{"level":"OFF"}`, `{"level":"OFF","includeExecutionData":false}`},
		{`{"level":"OFF","destinations":[]}`, `{"level":"OFF","includeExecutionData":false,"destinations":[]}`},
	} {
		var l LoggingConfiguration
		if err := json.Unmarshal([]byte(tt.in), &l); err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(l); string(b) != tt.want {
			t.Errorf("%s -> %s, want %s", tt.in, b, tt.want)
		}
	}
}
