package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/cairn-sfn/cairn/engine"
)

// Config chooses where spans go. The zero value with an Exporter is what
// tests use; otherwise the OTLP exporter reads the standard environment
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
// OTEL_EXPORTER_OTLP_HEADERS, …) itself.
type Config struct {
	// ServiceName is the service.name resource attribute; default
	// OTEL_SERVICE_NAME (through Getenv), else "cairn".
	ServiceName string
	// Getenv reads the environment; nil reads nothing (the OTLP exporter
	// still reads its own variables).
	Getenv func(string) string
	// Exporter receives the spans; nil: OTLP over HTTP/protobuf.
	Exporter sdktrace.SpanExporter
	// Sync exports each span as it ends instead of in batches (tests).
	Sync bool
	// Logger reports what could not be traced; nil discards.
	Logger *slog.Logger
}

// Enabled reports whether the environment asks for traces: OTEL_TRACES_EXPORTER
// is "otlp", or it is unset and an OTLP endpoint is configured. "none"
// disables them.
func Enabled(getenv func(string) string) bool {
	switch strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")) {
	case "otlp":
		return true
	case "":
		return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	}
	return false
}

// Tracer makes Cairn's spans. Its methods are safe for concurrent use.
type Tracer struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	log      *slog.Logger
	prop     propagation.TextMapPropagator
}

// New builds a tracer exporting to cfg.Exporter or over OTLP/HTTP.
func New(ctx context.Context, cfg Config) (*Tracer, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = getenv("OTEL_SERVICE_NAME")
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "cairn"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	exp := cfg.Exporter
	if exp == nil {
		switch p := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"); {
		case p == "" && getenv("OTEL_EXPORTER_OTLP_PROTOCOL") != "":
			p = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
			fallthrough
		case p != "" && p != "http/protobuf":
			if p != "http/protobuf" {
				return nil, fmt.Errorf("tracing: OTLP protocol %q is not supported (use http/protobuf)", p)
			}
		}
		var err error
		if exp, err = otlptracehttp.New(ctx); err != nil {
			return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
		}
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(cfg.ServiceName)))
	if err != nil && !errors.Is(err, resource.ErrSchemaURLConflict) {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithIDGenerator(idGenerator{}),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample()))}
	if cfg.Sync {
		opts = append(opts, sdktrace.WithSyncer(exp))
	} else {
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	return &Tracer{provider: tp, tracer: tp.Tracer("github.com/cairn-sfn/cairn"), log: cfg.Logger,
		prop: propagation.TraceContext{}}, nil
}

// Observer returns the engine observer that traces executions; source is
// read for executions whose earlier steps this process did not see.
func (t *Tracer) Observer(source HistorySource) engine.Observer {
	return &observer{t: t, source: source, now: time.Now, runs: map[string]*execution{}}
}

// Shutdown flushes the spans not yet exported and stops exporting.
func (t *Tracer) Shutdown(ctx context.Context) error {
	return t.provider.Shutdown(ctx)
}
