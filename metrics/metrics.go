package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Execution types and the statuses an execution ends with, as the API
// names them.
const (
	Standard = "STANDARD"
	Express  = "EXPRESS"
)

// endStatuses are the statuses pre-resolved for the hot path; another
// status still counts, through a slower label lookup.
var endStatuses = [...]string{"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}

// Metrics is one server's collectors and their registry. Its methods are
// safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	started *prometheus.CounterVec
	ended   *prometheus.CounterVec

	steps       prometheus.Counter
	events      prometheus.Counter
	refused     *prometheus.CounterVec
	writes      *prometheus.HistogramVec
	stale       prometheus.Counter
	notFound    prometheus.Counter
	refusedElse prometheus.Counter
	createTime  prometheus.Observer
	commitTime  prometheus.Observer
	// Standard executions' counters by status, resolved once.
	startedStd prometheus.Counter
	endedStd   [len(endStatuses)]prometheus.Counter
}

// New returns collectors registered in a new registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cairn_api_requests_total",
		Help: "API requests by action and outcome (OK or the AWS error name).",
	}, []string{"action", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "cairn_api_request_duration_seconds",
		Help: "API request latency by action (GetActivityTask long-polls up to 60s).",
		// Up to a minute: long polls and StartSyncExecution take that long.
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"action"})
	m.started = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cairn_executions_started_total",
		Help: "Executions started, by state machine type.",
	}, []string{"type"})
	m.ended = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cairn_executions_ended_total",
		Help: "Executions ended, by state machine type and status.",
	}, []string{"type", "status"})
	m.steps = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "cairn_store_steps_committed_total",
		Help: "Execution steps committed to the store.",
	})
	m.events = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "cairn_store_history_events_total",
		Help: "History events written with committed steps.",
	})
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cairn_store_steps_refused_total",
		Help: "Steps the store refused: stale (another writer's version or fence is current), not_found, other.",
	}, []string{"reason"})
	m.writes = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cairn_store_write_duration_seconds",
		Help:    "Store write latency: create_execution, commit_steps (one call, possibly several steps).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"op"})
	m.reg.MustRegister(m.requests, m.latency, m.started, m.ended, m.steps, m.events, m.refused, m.writes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	m.stale = m.refused.WithLabelValues("stale")
	m.notFound = m.refused.WithLabelValues("not_found")
	m.refusedElse = m.refused.WithLabelValues("other")
	m.createTime = m.writes.WithLabelValues("create_execution")
	m.commitTime = m.writes.WithLabelValues("commit_steps")
	m.startedStd = m.started.WithLabelValues(Standard)
	for i, s := range endStatuses {
		m.endedStd[i] = m.ended.WithLabelValues(Standard, s)
	}
	return m
}

// Registry returns the registry, for an embedder adding its own
// collectors or gathering without HTTP.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
//
// At most MaxScrapes scrapes gather at once; more get 503, so that an open
// /metrics cannot be used to keep the server busy gathering.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: MaxScrapes})
}

// MaxScrapes bounds concurrent scrapes of Handler.
const MaxScrapes = 4

// ActiveExecutions registers cairn_executions_active, read from active at
// every scrape. Call it once.
func (m *Metrics) ActiveExecutions(active func() int) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "cairn_executions_active",
		Help: "Standard executions this server holds in memory.",
	}, func() float64 { return float64(active()) }))
}

// ExecutionStarted counts an execution of type typ (Standard or Express)
// that the store does not see start.
func (m *Metrics) ExecutionStarted(typ string) {
	if typ == Standard {
		m.startedStd.Inc()
		return
	}
	m.started.WithLabelValues(typ).Inc()
}

// ExecutionEnded counts an execution of type typ that ended with status.
func (m *Metrics) ExecutionEnded(typ, status string) {
	if typ == Standard {
		for i, s := range endStatuses {
			if s == status {
				m.endedStd[i].Inc()
				return
			}
		}
	}
	m.ended.WithLabelValues(typ, status).Inc()
}
