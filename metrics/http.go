package metrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unknownAction labels requests whose X-Amz-Target names no known action,
// so that clients cannot grow the label set without bound.
const unknownAction = "unknown"

// targetPrefix starts every X-Amz-Target the Step Functions API accepts.
const targetPrefix = "AWSStepFunctions."

// Instrument wraps the API handler h, counting each request by action
// (from X-Amz-Target; one of actions, else "unknown") and outcome (the
// X-Amzn-ErrorType h answered with, else OK), and timing it by action.
func (m *Metrics) Instrument(h http.Handler, actions []string) http.Handler {
	known := make(map[string]actionMetrics, len(actions)+1)
	for _, a := range append(actions, unknownAction) {
		known[a] = actionMetrics{ok: m.requests.WithLabelValues(a, "OK"), latency: m.latency.WithLabelValues(a)}
	}
	// Canonical keys, looked up in the maps directly: Header.Get would
	// canonicalize on every request.
	targetKey, errorKey := http.CanonicalHeaderKey("X-Amz-Target"), http.CanonicalHeaderKey("X-Amzn-ErrorType")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		elapsed := time.Since(t0).Seconds()
		action, _ := strings.CutPrefix(first(r.Header[targetKey]), targetPrefix)
		am, ok := known[action]
		if !ok {
			action, am = unknownAction, known[unknownAction]
		}
		am.latency.Observe(elapsed)
		// The header map outlives the response, so no ResponseWriter
		// wrapper (which would hide Flusher and the like) is needed.
		if outcome := first(w.Header()[errorKey]); outcome != "" {
			m.requests.WithLabelValues(action, outcome).Inc()
			return
		}
		am.ok.Inc()
	})
}

// actionMetrics are one action's pre-resolved series.
type actionMetrics struct {
	ok      prometheus.Counter
	latency prometheus.Observer
}

// first returns a header's first value, or "".
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
