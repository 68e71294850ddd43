package tracing

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// wantKey marks a context whose span must get the ids it holds.
type wantKey struct{}

type wantIDs struct {
	trace trace.TraceID
	span  trace.SpanID
}

// idGenerator gives spans started with withIDs the ids asked for, others
// random ones. It is how deterministic ids pass through the SDK.
type idGenerator struct{}

func withIDs(ctx context.Context, t trace.TraceID, s trace.SpanID) context.Context {
	return context.WithValue(ctx, wantKey{}, wantIDs{t, s})
}

func (idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if w, ok := ctx.Value(wantKey{}).(wantIDs); ok {
		return w.trace, w.span
	}
	var t trace.TraceID
	var s trace.SpanID
	for !t.IsValid() {
		rand.Read(t[:])
	}
	for !s.IsValid() {
		rand.Read(s[:])
	}
	return t, s
}

func (idGenerator) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	if w, ok := ctx.Value(wantKey{}).(wantIDs); ok {
		return w.span
	}
	var s trace.SpanID
	for !s.IsValid() {
		rand.Read(s[:])
	}
	return s
}

// derivedTraceID is the trace of an execution started without a header.
func derivedTraceID(arn string) trace.TraceID {
	sum := sha256.Sum256([]byte("cairn trace\x00" + arn))
	var t trace.TraceID
	copy(t[:], sum[:])
	if !t.IsValid() {
		t[0] = 1
	}
	return t
}

// spanID derives the id of an execution's span: kind "execution" (n 0),
// "state" (n its StateEntered event id) or "task" (n its Scheduled event
// id).
func spanID(arn, kind string, n int64) trace.SpanID {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	sum := sha256.Sum256([]byte("cairn span\x00" + arn + "\x00" + kind + "\x00" + string(b[:])))
	var s trace.SpanID
	copy(s[:], sum[:])
	if !s.IsValid() {
		s[0] = 1
	}
	return s
}

// ParseTraceHeader reads StartExecution's traceHeader: an X-Ray header
// (Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1)
// or a W3C traceparent (00-<trace id>-<span id>-<flags>). The result has a
// valid trace id when ok; its span id is zero when the header names no
// parent. Sampled=0 (or W3C flags without the sampled bit) is kept.
func ParseTraceHeader(h string) (sc trace.SpanContextConfig, ok bool) {
	h = strings.TrimSpace(h)
	if sc, ok := parseTraceparent(h); ok {
		return sc, true
	}
	return parseXRay(h)
}

func parseTraceparent(h string) (trace.SpanContextConfig, bool) {
	parts := strings.Split(h, "-")
	if len(parts) != 4 || len(parts[0]) != 2 || parts[0] == "ff" || !isHex(parts[0]) {
		return trace.SpanContextConfig{}, false
	}
	t, err1 := trace.TraceIDFromHex(parts[1])
	s, err2 := trace.SpanIDFromHex(parts[2])
	flags, err3 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || len(flags) != 1 {
		return trace.SpanContextConfig{}, false
	}
	return trace.SpanContextConfig{TraceID: t, SpanID: s, TraceFlags: trace.TraceFlags(flags[0]) & trace.FlagsSampled, Remote: true}, true
}

func parseXRay(h string) (trace.SpanContextConfig, bool) {
	sc := trace.SpanContextConfig{TraceFlags: trace.FlagsSampled, Remote: true}
	var root bool
	for field := range strings.SplitSeq(h, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(field), "=")
		if !found {
			continue
		}
		switch k {
		case "Root":
			// 1-<8 hex digits of epoch seconds>-<24 hex digits>
			parts := strings.Split(v, "-")
			if len(parts) != 3 || parts[0] != "1" || len(parts[1]) != 8 || len(parts[2]) != 24 {
				return trace.SpanContextConfig{}, false
			}
			t, err := trace.TraceIDFromHex(parts[1] + parts[2])
			if err != nil {
				return trace.SpanContextConfig{}, false
			}
			sc.TraceID, root = t, true
		case "Parent":
			s, err := trace.SpanIDFromHex(v)
			if err != nil {
				return trace.SpanContextConfig{}, false
			}
			sc.SpanID = s
		case "Sampled":
			if v == "0" {
				sc.TraceFlags = 0
			}
		}
	}
	return sc, root
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}
