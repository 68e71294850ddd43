package tracing_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cairn-sfn/cairn/tracing"
)

// TestHandlerSpanNameBounded: the span name and rpc.method come from the
// client's X-Amz-Target; junk (huge, or a new string each request) must
// not become span names a trace backend indexes, nor megabytes per span.
func TestHandlerSpanNameBounded(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tr, err := tracing.New(t.Context(), tracing.Config{Exporter: exp, Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Shutdown(t.Context()) })
	h := tr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	cases := []struct{ target, want string }{
		{"AWSStepFunctions.StartExecution", "StepFunctions.StartExecution"},
		{"AWSStepFunctions." + strings.Repeat("A", 100_000), "StepFunctions.unknown"},
		{"x." + strings.Repeat("é", 10), "StepFunctions.unknown"},
		{"AWSStepFunctions.Start Execution<script>", "StepFunctions.unknown"},
	}
	for _, c := range cases {
		exp.Reset()
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("X-Amz-Target", c.target)
		h.ServeHTTP(httptest.NewRecorder(), r)
		spans := exp.GetSpans()
		if len(spans) != 1 {
			t.Fatalf("%.40q: %d spans", c.target, len(spans))
		}
		if spans[0].Name != c.want {
			t.Errorf("target %.40q: span %.60q, want %q", c.target, spans[0].Name, c.want)
		}
		for _, a := range spans[0].Attributes {
			if len(a.Value.Emit()) > 64 {
				t.Errorf("target %.40q: attribute %s is %d bytes", c.target, a.Key, len(a.Value.Emit()))
			}
		}
	}
}

// TestHandlerMethodBounded: the method is the client's too; one HTTP does
// not define is recorded as "_OTHER", as the semantic conventions say.
func TestHandlerMethodBounded(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tr, err := tracing.New(t.Context(), tracing.Config{Exporter: exp, Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Shutdown(t.Context()) })
	h := tr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, c := range []struct{ method, want string }{
		{"POST", "POST"}, {"GET", "GET"}, {strings.Repeat("X", 50_000), "_OTHER"}, {"PURGE", "_OTHER"},
	} {
		exp.Reset()
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Method = c.method
		r.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
		h.ServeHTTP(httptest.NewRecorder(), r)
		spans := exp.GetSpans()
		if len(spans) != 1 {
			t.Fatalf("%.20q: %d spans", c.method, len(spans))
		}
		got := ""
		for _, a := range spans[0].Attributes {
			if a.Key == "http.request.method" {
				got = a.Value.AsString()
			}
		}
		if got != c.want {
			t.Errorf("method %.20q: attribute %.40q, want %q", c.method, got, c.want)
		}
	}
}
