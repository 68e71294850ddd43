package tracing

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Handler wraps the API handler with a server span per API request (a
// request with an X-Amz-Target header), named for its action, e.g.
// "StepFunctions.StartExecution". A W3C traceparent header makes the span
// a child of the caller's. Other requests (the console, metrics) pass
// untraced.
func (t *Tracer) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		if target == "" {
			next.ServeHTTP(w, r)
			return
		}
		action := actionOf(target)
		ctx := t.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := t.tracer.Start(ctx, "StepFunctions."+action, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String("rpc.system", "aws-api"),
				attribute.String("rpc.service", "StepFunctions"),
				attribute.String("rpc.method", action),
				attribute.String("http.request.method", methodOf(r.Method)),
			))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", sw.status))
		if sw.status >= 400 {
			span.SetStatus(codes.Error, http.StatusText(sw.status))
		}
	})
}

// maxActionLen bounds an action name taken from X-Amz-Target (the
// longest real one, DescribeStateMachineForExecution, has 32 letters).
const maxActionLen = 64

// actionOf is the action an X-Amz-Target names, or "unknown" when it is
// not a plain name: the header is the client's, and span names are what
// trace backends index.
func actionOf(target string) string {
	action := target[strings.LastIndexByte(target, '.')+1:]
	if action == "" || len(action) > maxActionLen {
		return "unknown"
	}
	for i := 0; i < len(action); i++ {
		if c := action[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return "unknown"
		}
	}
	return action
}

// methodOf is the request's method when HTTP defines it, else "_OTHER"
// (as OpenTelemetry's conventions say): any token is a method to Go.
func methodOf(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "_OTHER"
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
