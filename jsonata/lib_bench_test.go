package jsonata

import (
	"testing"
	"time"
)

func BenchmarkLibFormatNumber(b *testing.B) {
	for b.Loop() {
		_, _ = formatNumber(1234567.891, "#,##0.00", nil)
	}
}

func BenchmarkLibFromMillis(b *testing.B) {
	for b.Loop() {
		_, _ = formatDateTime(1521801216617, isoPicture, "", false)
	}
}

func BenchmarkLibToMillisPicture(b *testing.B) {
	clock := func() time.Time { return time.Unix(0, 0) }
	for b.Loop() {
		_, _ = parseDateTime("23rd March 2018", "[D1o] [MNn] [Y0001]", clock)
	}
}

func BenchmarkLibToMillisISO(b *testing.B) {
	for b.Loop() {
		_, _ = parseISO8601("2018-03-23T10:33:36.617Z")
	}
}

func BenchmarkLibString(b *testing.B) {
	v := []any{1.5, "x", map[string]any(nil) == nil, []any{22.0 / 7}}
	for b.Loop() {
		_, _ = stringify(v, false)
	}
}
