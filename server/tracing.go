package server

import (
	"context"
	"net/http"
	"os"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/tracing"
)

// startTracing builds the tracer when Config.Tracing is set (or a span
// exporter is given) and returns the engine's observer; nil when tracing
// is off, so the engine does no work for it.
func (s *Server) startTracing(ctx context.Context) (engine.Observer, error) {
	if !s.cfg.Tracing && s.deps.SpanExporter == nil {
		return nil, nil
	}
	t, err := tracing.New(ctx, tracing.Config{Getenv: os.Getenv, Exporter: s.deps.SpanExporter,
		Sync: s.deps.SpanExporter != nil, Logger: s.deps.Logger})
	if err != nil {
		return nil, err
	}
	s.tracer = t
	return t.Observer(s.deps.Store), nil
}

// traced adds a span per API request when tracing is on.
func (s *Server) traced(h http.Handler) http.Handler {
	if s.tracer == nil {
		return h
	}
	return s.tracer.Handler(h)
}

// stopTracing flushes the spans not yet exported.
func (s *Server) stopTracing(ctx context.Context) error {
	if s.tracer == nil {
		return nil
	}
	return s.tracer.Shutdown(ctx)
}

// dropTracingUnlessServing stops the tracer when Start fails after making
// it (it has its export goroutine).
func (s *Server) dropTracingUnlessServing() {
	if s.http == nil && s.tracer != nil {
		s.tracer.Shutdown(context.Background())
		s.tracer = nil
	}
}
