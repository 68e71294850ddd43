package tracing

import (
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestParseTraceHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header        string
		ok            bool
		trace, parent string
		sampled       bool
	}{
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", true, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true},
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", true, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", false},
		{"Root=1-5759e988-bd862e3fe1be46a994272793", true, "5759e988bd862e3fe1be46a994272793", "0000000000000000", true},
		{" Sampled=1; Root=1-5759e988-bd862e3fe1be46a994272793 ;Lineage=a:1", true, "5759e988bd862e3fe1be46a994272793", "0000000000000000", true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false},
		{"", false, "", "", false},
		{"Parent=53995c3f42cd8ad8", false, "", "", false},
		{"Root=2-5759e988-bd862e3fe1be46a994272793", false, "", "", false},
		{"Root=1-5759e988-00000000000000000000000", false, "", "", false},
		{"Root=1-00000000-000000000000000000000000", false, "", "", false},
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz", false, "", "", false},
		{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, "", "", false},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false, "", "", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false, "", "", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", false, "", "", false},
	}
	for _, tt := range tests {
		sc, ok := ParseTraceHeader(tt.header)
		if ok != tt.ok {
			t.Errorf("%q: ok %v, want %v", tt.header, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if sc.TraceID.String() != tt.trace || sc.SpanID.String() != tt.parent || sc.TraceFlags.IsSampled() != tt.sampled {
			t.Errorf("%q: %v %v sampled %v, want %s %s %v", tt.header, sc.TraceID, sc.SpanID, sc.TraceFlags.IsSampled(), tt.trace, tt.parent, tt.sampled)
		}
	}
}

func FuzzParseTraceHeader(f *testing.F) {
	for _, s := range []string{
		"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"Root=1-;Parent=;", "--", ";;==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		sc, ok := ParseTraceHeader(h)
		if ok && !sc.TraceID.IsValid() {
			t.Fatalf("%q: accepted with an invalid trace id", h)
		}
		if ok && sc.SpanID.IsValid() != trace.NewSpanContext(sc).IsValid() {
			t.Fatalf("%q: span context validity", h)
		}
	})
}

func TestDerivedIDsAreStable(t *testing.T) {
	t.Parallel()
	a := "arn:aws:states:us-east-1:123456789012:execution:m:a"
	b := "arn:aws:states:us-east-1:123456789012:execution:m:b"
	if derivedTraceID(a) != derivedTraceID(a) || derivedTraceID(a) == derivedTraceID(b) {
		t.Error("trace ids not stable per ARN or not distinct between ARNs")
	}
	ids := map[trace.SpanID]string{}
	for _, k := range []struct {
		kind string
		n    int64
	}{{"execution", 0}, {"state", 2}, {"state", 3}, {"task", 3}} {
		id := spanID(a, k.kind, k.n)
		if id != spanID(a, k.kind, k.n) || !id.IsValid() {
			t.Errorf("%s %d: unstable or invalid", k.kind, k.n)
		}
		if prev, dup := ids[id]; dup {
			t.Errorf("%s %d: same id as %s", k.kind, k.n, prev)
		}
		ids[id] = k.kind
	}
}
