package jsonata

import (
	"strconv"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestParseShortNumber(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "-0", "1", "15.5", "-15.25", "0.1", "0.3", "123456789012345", "1.00000000000001",
		"99999.99999", "3.14159265358979", "0.00000000000001", "42.0"} {
		f, ok := parseShortNumber(value.Number(s))
		want, _ := strconv.ParseFloat(s, 64)
		if !ok || f != want {
			t.Errorf("%s: got %v, %v; want %v", s, f, ok, want)
		}
	}
	for _, s := range []string{"1e5", "1234567890123456", "1.2.3", "", "-", "12345678901234567890"} {
		if _, ok := parseShortNumber(value.Number(s)); ok {
			t.Errorf("%s: want the slow path", s)
		}
	}
}

func FuzzParseShortNumber(f *testing.F) {
	for _, s := range []string{"1", "-2.5", "0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseShortNumber(value.Number(s))
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || got != want {
			t.Fatalf("%q: got %v, want %v (%v)", s, got, want, err)
		}
	})
}
