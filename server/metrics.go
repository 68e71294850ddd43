package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/metrics"
)

// MetricsPath is where the server answers GET with its Prometheus metrics,
// on the API's own listener: the API answers only POST, on any path.
const MetricsPath = "/metrics"

// Metrics returns the server's collectors (after Start), e.g. to register
// an embedder's own in the same registry.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// handler serves GET /metrics and hands everything else to the API,
// counted.
func (s *Server) handler(apiSrv *api.Server) http.Handler {
	counted := s.metrics.Instrument(apiSrv.Handler(), apiSrv.Actions())
	scrape := s.metrics.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == MetricsPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			scrape.ServeHTTP(w, r)
			return
		}
		counted.ServeHTTP(w, r)
	})
}

// countedExecutions counts the Express executions the API starts, which
// never reach the store (where Standard ones are counted). Only
// StartSyncExecution sees how an Express execution ends.
type countedExecutions struct {
	api.Executions
	m *metrics.Metrics
}

func (c countedExecutions) StartExecution(ctx context.Context, in *api.StartExecutionInput) (*api.StartExecutionOutput, error) {
	out, err := c.Executions.StartExecution(ctx, in)
	if err == nil && out != nil && isExpressARN(out.ExecutionArn) {
		c.m.ExecutionStarted(metrics.Express)
	}
	return out, err
}

func (c countedExecutions) StartSyncExecution(ctx context.Context, in *api.StartSyncExecutionInput) (*api.StartSyncExecutionOutput, error) {
	out, err := c.Executions.StartSyncExecution(ctx, in)
	if err == nil && out != nil {
		c.m.ExecutionStarted(metrics.Express)
		c.m.ExecutionEnded(metrics.Express, out.Status)
	}
	return out, err
}

// isExpressARN reports whether an execution ARN is an Express one,
// arn:aws:states:<region>:<account>:express:<machine>:<name>:<id>.
func isExpressARN(arn string) bool {
	f := strings.SplitN(arn, ":", 7)
	return len(f) == 7 && f[5] == "express"
}
