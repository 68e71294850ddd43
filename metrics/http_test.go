package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestInstrument(t *testing.T) {
	t.Parallel()
	m := New()
	// A stand-in API: the body names the error to answer, "" for OK.
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer, _ := io.ReadAll(r.Body)
		if len(answer) > 0 {
			w.Header().Set("X-Amzn-ErrorType", string(answer))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Write([]byte("{}"))
	})
	h := m.Instrument(api, []string{"CreateStateMachine", "StartExecution"})
	requests := []struct{ target, answer string }{
		{"AWSStepFunctions.CreateStateMachine", ""},
		{"AWSStepFunctions.CreateStateMachine", ""},
		{"AWSStepFunctions.CreateStateMachine", "StateMachineAlreadyExists"},
		{"AWSStepFunctions.StartExecution", "StateMachineDoesNotExist"},
		{"AWSStepFunctions.NoSuchAction", "UnknownOperationException"},
		{"", "UnknownOperationException"},
		{"Other.CreateStateMachine", "UnknownOperationException"},
	}
	for _, r := range requests {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(r.answer))
		req.Header.Set("X-Amz-Target", r.target)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	want := []struct {
		name   string
		labels []string
		n      float64
	}{
		{"cairn_api_requests_total", []string{"action", "CreateStateMachine", "outcome", "OK"}, 2},
		{"cairn_api_requests_total", []string{"action", "CreateStateMachine", "outcome", "StateMachineAlreadyExists"}, 1},
		{"cairn_api_requests_total", []string{"action", "StartExecution", "outcome", "StateMachineDoesNotExist"}, 1},
		{"cairn_api_requests_total", []string{"action", "StartExecution", "outcome", "OK"}, 0},
		{"cairn_api_requests_total", []string{"action", "unknown", "outcome", "UnknownOperationException"}, 3},
		{"cairn_api_requests_total", []string{"action", "NoSuchAction", "outcome", "UnknownOperationException"}, -1},
		{"cairn_api_request_duration_seconds", []string{"action", "CreateStateMachine"}, 3},
		{"cairn_api_request_duration_seconds", []string{"action", "unknown"}, 3},
	}
	for _, w := range want {
		if got := value(t, m.Registry(), w.name, w.labels...); got != w.n {
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.n)
		}
	}
}

func TestHandlerServesTextFormat(t *testing.T) {
	t.Parallel()
	m := New()
	m.ExecutionStarted(Express)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{`cairn_executions_started_total{type="EXPRESS"} 1`, "# TYPE cairn_store_write_duration_seconds histogram", "process_"} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// More concurrent scrapes than MaxScrapes are refused instead of queued.
func TestHandlerBoundsConcurrentScrapes(t *testing.T) {
	m := New()
	gate := make(chan struct{})
	entered := make(chan struct{}, MaxScrapes)
	m.ActiveExecutions(func() int {
		entered <- struct{}{}
		<-gate
		return 0
	})
	h := m.Handler()
	var wg sync.WaitGroup
	for range MaxScrapes {
		wg.Go(func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/metrics", nil))
		})
	}
	for range MaxScrapes {
		<-entered // every allowed scrape is gathering
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	close(gate)
	wg.Wait()
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("scrape %d answered %d, want 503", MaxScrapes+1, rec.Code)
	}
}
