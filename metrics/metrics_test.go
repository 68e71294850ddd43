package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// value gathers reg and returns the counter, gauge or histogram sample
// count of the series name{labels}; -1 when the series does not exist.
func value(t *testing.T, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			if matches(mt, labels) {
				switch {
				case mt.Counter != nil:
					return mt.Counter.GetValue()
				case mt.Gauge != nil:
					return mt.Gauge.GetValue()
				case mt.Histogram != nil:
					return float64(mt.Histogram.GetSampleCount())
				}
			}
		}
	}
	return -1
}

// matches reports whether mt carries exactly the label pairs kv.
func matches(mt *dto.Metric, kv []string) bool {
	if len(mt.GetLabel())*2 != len(kv) {
		return false
	}
	for i := 0; i < len(kv); i += 2 {
		found := false
		for _, l := range mt.GetLabel() {
			if l.GetName() == kv[i] && l.GetValue() == kv[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestRegistriesAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := New(), New()
	a.ExecutionStarted(Express)
	a.ExecutionStarted(Express)
	b.ExecutionEnded(Express, "FAILED")
	if got := value(t, a.Registry(), "cairn_executions_started_total", "type", Express); got != 2 {
		t.Errorf("a started = %v, want 2", got)
	}
	if got := value(t, b.Registry(), "cairn_executions_started_total", "type", Express); got != -1 {
		t.Errorf("b started = %v, want no series", got)
	}
	if got := value(t, b.Registry(), "cairn_executions_ended_total", "type", Express, "status", "FAILED"); got != 1 {
		t.Errorf("b ended = %v, want 1", got)
	}
}

func TestEndedStatuses(t *testing.T) {
	t.Parallel()
	m := New()
	ends := []struct{ typ, status string }{
		{Standard, "SUCCEEDED"}, {Standard, "SUCCEEDED"}, {Standard, "ABORTED"},
		{Standard, "PENDING_REDRIVE"}, // not pre-resolved: the slow path
		{Express, "TIMED_OUT"},
	}
	for _, e := range ends {
		m.ExecutionEnded(e.typ, e.status)
	}
	want := []struct {
		typ, status string
		n           float64
	}{
		{Standard, "SUCCEEDED", 2}, {Standard, "ABORTED", 1}, {Standard, "PENDING_REDRIVE", 1},
		{Standard, "FAILED", 0}, // pre-resolved, so present at 0
		{Express, "TIMED_OUT", 1}, {Express, "SUCCEEDED", -1},
	}
	for _, w := range want {
		if got := value(t, m.Registry(), "cairn_executions_ended_total", "type", w.typ, "status", w.status); got != w.n {
			t.Errorf("ended{%s,%s} = %v, want %v", w.typ, w.status, got, w.n)
		}
	}
}

func TestActiveExecutionsReadAtScrape(t *testing.T) {
	t.Parallel()
	m := New()
	n := 3
	m.ActiveExecutions(func() int { return n })
	if got := value(t, m.Registry(), "cairn_executions_active"); got != 3 {
		t.Errorf("active = %v, want 3", got)
	}
	n = 7
	if got := value(t, m.Registry(), "cairn_executions_active"); got != 7 {
		t.Errorf("active = %v, want 7", got)
	}
	if got := value(t, m.Registry(), "go_goroutines"); got <= 0 {
		t.Errorf("go_goroutines = %v, want the Go collector's count", got)
	}
}
