package tracing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store"
)

// TestOTLPExport sends a request span and an execution's spans through the
// OTLP/HTTP exporter, configured by the standard environment, to a fake
// collector.
func TestOTLPExport(t *testing.T) {
	var mu sync.Mutex
	var names []string
	var service string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range req.ResourceSpans {
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.Key == "service.name" {
					service = kv.GetValue().GetStringValue()
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					names = append(names, s.Name)
				}
			}
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Write(b)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_SERVICE_NAME", "cairn-test")
	if !Enabled(os.Getenv) {
		t.Fatal("an OTLP endpoint does not enable tracing")
	}
	tr, err := New(t.Context(), Config{Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	h := tr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	h.ServeHTTP(httptest.NewRecorder(), req)

	arn := "arn:aws:states:us-east-1:123456789012:execution:m:x"
	start := time.UnixMilli(1_700_000_000_000).UTC()
	tr.Observer(nil).StepCommitted(context.Background(), engine.CommittedStep{
		Execution: &store.Execution{ARN: arn, StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:m", StartDate: start},
		Step: store.Step{ExecutionARN: arn, Events: []store.Event{
			{ID: 1, JSON: []byte(`{"timestamp":1700000000,"type":"ExecutionStarted","id":1,"previousEventId":0}`)},
			{ID: 2, JSON: []byte(`{"timestamp":1700000000.001,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"P"}}`)},
			{ID: 3, JSON: []byte(`{"timestamp":1700000000.002,"type":"PassStateExited","id":3,"previousEventId":2,"stateExitedEventDetails":{"name":"P"}}`)},
			{ID: 4, JSON: []byte(`{"timestamp":1700000000.003,"type":"ExecutionSucceeded","id":4,"previousEventId":3}`)},
		}},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(names)
	if want := []string{"P", "StepFunctions.ListStateMachines", "m"}; !slices.Equal(names, want) {
		t.Errorf("collector got spans %q, want %q", names, want)
	}
	if service != "cairn-test" {
		t.Errorf("service.name %q", service)
	}
}

func TestEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, true},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, true},
		{map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false},
	}
	for _, tt := range tests {
		if got := Enabled(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestUnsupportedProtocol(t *testing.T) {
	t.Parallel()
	env := map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
	if _, err := New(t.Context(), Config{Getenv: func(k string) string { return env[k] }}); err == nil {
		t.Error("grpc accepted")
	}
}
