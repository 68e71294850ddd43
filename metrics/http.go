package metrics

import (
	"net/http"
	"strings"
	"sync/atomic"
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
// X-Amzn-ErrorType h answered with, else OK), and timing it by action. An
// action's series appear with its first request, so a scrape does not
// carry a histogram for each of the ~40 actions.
func (m *Metrics) Instrument(h http.Handler, actions []string) http.Handler {
	// Built once and only read afterwards, so shared without a lock.
	known := make(map[string]*actionSlot, len(actions)+1)
	for _, a := range actions {
		known[a] = &actionSlot{name: a}
	}
	unknown := &actionSlot{name: unknownAction}
	// Canonical keys, looked up in the maps directly: Header.Get would
	// canonicalize on every request.
	targetKey, errorKey := http.CanonicalHeaderKey("X-Amz-Target"), http.CanonicalHeaderKey("X-Amzn-ErrorType")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		elapsed := time.Since(t0).Seconds()
		action, _ := strings.CutPrefix(first(r.Header[targetKey]), targetPrefix)
		slot, ok := known[action]
		if !ok {
			slot = unknown
		}
		am := slot.get(m)
		am.latency.Observe(elapsed)
		// The header map outlives the response, so no ResponseWriter
		// wrapper (which would hide Flusher and the like) is needed.
		if outcome := first(w.Header()[errorKey]); outcome != "" {
			m.requests.WithLabelValues(slot.name, outcome).Inc()
			return
		}
		am.ok.Inc()
	})
}

// actionSlot holds one action's series once resolved.
type actionSlot struct {
	name string
	p    atomic.Pointer[actionMetrics]
}

// get resolves the series on first use. Racing requests may both resolve
// them: WithLabelValues returns the same series to both.
func (s *actionSlot) get(m *Metrics) *actionMetrics {
	if am := s.p.Load(); am != nil {
		return am
	}
	am := &actionMetrics{ok: m.requests.WithLabelValues(s.name, "OK"), latency: m.latency.WithLabelValues(s.name)}
	s.p.Store(am)
	return am
}

// actionMetrics are one action's resolved series.
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
