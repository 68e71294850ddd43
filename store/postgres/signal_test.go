package postgres

import (
	"testing"

	"github.com/cairn-sfn/cairn/store"
)

func TestParseSignal(t *testing.T) {
	for _, tc := range []struct {
		payload string
		want    store.Signal
		ok      bool
	}{
		{"w", store.Signal{Kind: store.SignalWork}, true},
		{"wjunk", store.Signal{Kind: store.SignalWork}, true},
		{"inode-1", store.Signal{Kind: store.SignalInbox, Arg: "node-1"}, true},
		{"i", store.Signal{Kind: store.SignalInbox}, true},
		{"aarn:aws:states:us-east-1:1:activity:x", store.Signal{Kind: store.SignalActivity, Arg: "arn:aws:states:us-east-1:1:activity:x"}, true},
		{"", store.Signal{}, false},
		{"z", store.Signal{}, false},
		{"\xff", store.Signal{}, false},
	} {
		got, ok := parseSignal(tc.payload)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseSignal(%q) = %+v, %v; want %+v, %v", tc.payload, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseSignal: any payload parses without panicking, and a known one
// keeps its argument whole.
func FuzzParseSignal(f *testing.F) {
	for _, p := range []string{"", "w", "inode", "aact", "x", "é", "i\x00"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		sig, ok := parseSignal(p)
		if !ok {
			return
		}
		if sig.Kind != store.SignalWork && sig.Arg != p[1:] {
			t.Fatalf("parseSignal(%q) lost its argument: %+v", p, sig)
		}
	})
}
