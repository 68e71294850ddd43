package conformance

import (
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestPathFind(t *testing.T) {
	t.Parallel()
	doc := `{"events":[{"id":1,"previousEventId":0,"d":{"output":{"StartDate":1}}},{"id":2,"previousEventId":1,"x-y":{"Date":3}}],` +
		`"SdkHttpMetadata":{"HttpHeaders":{"Date":"a"},"AllHttpHeaders":{"Date":["b"]}},"top":{"Headers":{"X-Amz-Cf-Id":"c"}}}`
	tests := []struct {
		path string
		want string // the matched values as a JSON array
	}{
		{"$..events[1].previousEventId", `[1]`},
		{"$..events[-1].id", `[2]`},
		{"$..previousEventId", `[0,1]`},
		{"$..output.StartDate", `[1]`},
		{"$..events..output.StartDate", `[1]`},
		{"$..SdkHttpMetadata..Date", `["a",["b"]]`},
		{"$..Headers.X-Amz-Cf-Id", `["c"]`},
		{"$.events[0].id", `[1]`},
		{"$.events[*].id", `[1,2]`},
		{"$['top'].Headers", `[{"X-Amz-Cf-Id":"c"}]`},
		{"$..x-y.Date", `[3]`},
		{"$..missing", `[]`},
		{"$..events[9]", `[]`},
	}
	for _, tt := range tests {
		p, err := parsePath(tt.path)
		if err != nil {
			t.Errorf("parsePath(%q): %v", tt.path, err)
			continue
		}
		var got []any
		for _, l := range p.find(value.MustParse(doc)) {
			got = append(got, l.get())
		}
		if got == nil {
			got = []any{}
		}
		if s := value.String(got); s != tt.want {
			t.Errorf("%s: got %s, want %s", tt.path, s, tt.want)
		}
	}
}

func TestPathErrors(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "events", "$..", "$[1", "$[x]", "$.a..", "$ a"} {
		if _, err := parsePath(p); err == nil {
			t.Errorf("parsePath(%q): want an error", p)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"$..events[4].previousEventId", "$..SdkHttpMetadata..Date", "$['a'][*]", "$[", "$..", "$.a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePath(s)
		if err != nil {
			return
		}
		p.find(value.MustParse(`{"a":[{"b":1},{"a":{"b":[2]}}]}`))
	})
}
