package jsonata

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestLibNumericFunctions(t *testing.T) {
	t.Parallel()
	u := undefined
	runLibCases(t, []libCase{
		{name: "number", args: []any{"0x12"}, want: "18"},
		{name: "number", args: []any{"0B101"}, want: "5"},
		{name: "number", args: []any{"-007"}, want: "-7"},
		{name: "number", args: []any{"1e2"}, want: "100"},
		{name: "number", args: []any{value.Number("2.50")}, want: "2.5"},
		{name: "number", args: []any{true}, want: "1"},
		{name: "number", args: []any{"10e500"}, code: "D3030"},
		{name: "number", args: []any{" 1"}, code: "D3030"},
		{name: "number", args: []any{".5"}, code: "D3030"},
		{name: "number", args: []any{u}, want: "undefined"},
		{name: "abs", args: []any{-3.5}, want: "3.5"},
		{name: "floor", args: []any{-3.5}, want: "-4"},
		{name: "ceil", args: []any{-0.5}, want: "0"},
		{name: "round", args: []any{2.5, u}, want: "2"},
		{name: "round", args: []any{-7.5, u}, want: "-8"},
		{name: "round", args: []any{4.525, 2.0}, want: "4.52"},
		{name: "round", args: []any{12350.0, -2.0}, want: "12400"},
		{name: "round", args: []any{6.022e-23, 24.0}, want: "6e-23"},
		{name: "round", args: []any{-0.4, u}, want: "0"},
		{name: "power", args: []any{2.0, 10.0}, want: "1024"},
		{name: "power", args: []any{-2.0, 0.5}, code: "D3061"},
		{name: "sqrt", args: []any{-1.0}, code: "D3060"},
		{name: "sum", args: []any{[]any{1.0, value.Number("2"), 0.5}}, want: "3.5"},
		{name: "sum", args: []any{[]any{}}, want: "0"},
		{name: "sum", args: []any{[]any{"1"}}, code: "T0412"},
		{name: "max", args: []any{[]any{-1.0, -5.0}}, want: "-1"},
		{name: "min", args: []any{[]any{}}, want: "undefined"},
		{name: "average", args: []any{[]any{1.0, 2.0}}, want: "1.5"},
		{name: "average", args: []any{4.0}, want: "4"},
		{name: "formatBase", args: []any{255.0, 16.0}, want: `"ff"`},
		{name: "formatBase", args: []any{-100.0, 2.0}, want: `"-1100100"`},
		{name: "formatBase", args: []any{99.5, 2.5}, want: `"1100100"`},
		{name: "formatBase", args: []any{1.0, 37.0}, code: "D3100"},
	})
	seq := randomBuiltin(func() float64 { return 0.25 })
	if got, _ := seq.fn(nil); got != 0.25 {
		t.Errorf("randomBuiltin ignores its source: %v", got)
	}
}

func TestLibFormatNumber(t *testing.T) {
	t.Parallel()
	opts := value.MustParse(`{"decimal-separator":",","grouping-separator":"."}`)
	runLibCases(t, []libCase{
		{name: "formatNumber", args: []any{12345.6, "#,###.00", undefined}, want: `"12,345.60"`},
		{name: "formatNumber", args: []any{1234.5678, "00.000e0", undefined}, want: `"12.346e2"`},
		{name: "formatNumber", args: []any{0.14, "01%", undefined}, want: `"14%"`},
		{name: "formatNumber", args: []any{-6.0, "000", undefined}, want: `"-006"`},
		{name: "formatNumber", args: []any{1234567.891, "#.##0,00", opts}, want: `"1.234.567,89"`},
		{name: "formatNumber", args: []any{0.5, "0", undefined}, want: `"0"`},
		{name: "formatNumber", args: []any{1.5, "0", undefined}, want: `"2"`},
		{name: "formatNumber", args: []any{1e21, "#", undefined}, want: `"1e+21"`},
		{name: "formatNumber", args: []any{20.0, "#;#;#", undefined}, code: "D3080"},
		{name: "formatNumber", args: []any{20.0, "0,", undefined}, code: "D3088"},
		{name: "formatNumber", args: []any{20.0, "#0.0e0%", undefined}, code: "D3092"},
		{name: "formatNumber", args: []any{20.0, "---", undefined}, code: "D3086"},
	})
}

func TestLibJSToFixed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		x      float64
		digits int
		want   string
	}{
		{0.5, 0, "1"}, {2.5, 0, "3"}, {1.005, 2, "1.00"}, {1.45, 1, "1.4"}, {0, 2, "0.00"}, {99.99, 1, "100.0"}, {123.456, 0, "123"},
	} {
		if got := jsToFixed(c.x, c.digits); got != c.want {
			t.Errorf("jsToFixed(%v, %d) = %q, want %q", c.x, c.digits, got, c.want)
		}
	}
}

func TestLibFormatInteger(t *testing.T) {
	t.Parallel()
	runLibCases(t, []libCase{
		{name: "formatInteger", args: []any{1234567890.0, "#:###,##0"}, want: `"1234:567,890"`},
		{name: "formatInteger", args: []any{12340.0, "###\u0661"}, want: `"١٢٣٤٠"`},
		{name: "formatInteger", args: []any{111.0, "0;o"}, want: `"111th"`},
		{name: "formatInteger", args: []any{22.0, "0;o"}, want: `"22nd"`},
		{name: "formatInteger", args: []any{1000000000001.0, "w;o"}, want: `"one trillion and first"`},
		{name: "formatInteger", args: []any{1e15, "w"}, want: `"one thousand trillion"`},
		{name: "formatInteger", args: []any{555.0, "Ww"}, want: `"Five Hundred and Fifty-Five"`},
		{name: "formatInteger", args: []any{-12.0, "I"}, want: `"-XII"`},
		{name: "formatInteger", args: []any{702.0, "A"}, want: `"ZZ"`},
		{name: "formatInteger", args: []any{1.0, "#"}, code: "D3130"},
		{name: "formatInteger", args: []any{1.0, "0\uff10"}, code: "D3131"},
		{name: "parseInteger", args: []any{"twelfth", "w;o"}, want: "12"},
		{name: "parseInteger", args: []any{"ZZ", "A"}, want: "702"},
		{name: "parseInteger", args: []any{"MCMLXXXIV", "I"}, want: "1984"},
		{name: "parseInteger", args: []any{"1,234", "#,##0"}, want: "1234"},
		{name: "parseInteger", args: []any{"x", "#"}, code: "D3130"},
	})
}

func FuzzLibFormatNumber(f *testing.F) {
	for _, p := range []string{"#,###.00", "00.000e0", "9,9,99.99", "#.e9", "AeAAA", "‰", "#;-#", "0,.e0"} {
		f.Add(1234.5678, p)
	}
	f.Fuzz(func(t *testing.T, x float64, picture string) {
		_, _ = formatNumber(x, picture, nil)
		_, _ = formatInteger(x, picture)
		_, _ = parseInteger(picture, picture)
	})
}

func TestLibJSToPrecision(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		x    float64
		p    int
		want float64
	}{
		{-3311095476167.125, 15, -3311095476167.13}, {0.5, 1, 0.5}, {9.995, 3, 9.99}, {99.95, 3, 100}, {22.0 / 7, 15, 3.14285714285714}, {2.5, 1, 3},
	} {
		if got := jsParseNumber(jsToPrecision(c.x, c.p)); got != c.want {
			t.Errorf("jsToPrecision(%v, %d) = %v, want %v", c.x, c.p, got, c.want)
		}
	}
}

// exactToFixed and exactToPrecision round the exact binary value, the
// reference the shortcuts in jsToFixed and jsToPrecision must agree with.
func exactToFixed(x float64, digits int) string {
	text := new(big.Float).SetFloat64(x).Text('f', 1100)
	dot := strings.IndexByte(text, '.')
	kept, carry := roundHalfUp(text[:dot]+text[dot+1:dot+1+digits], text[dot+1+digits:])
	if carry {
		kept = "1" + kept
	}
	n := len(kept) - digits
	if digits == 0 {
		return kept
	}
	return kept[:n] + "." + kept[n:]
}

func exactToPrecision(x float64, p int) string {
	text := new(big.Float).SetFloat64(math.Abs(x)).Text('e', 1100)
	e := strings.IndexByte(text, 'e')
	mant := strings.Replace(text[:e], ".", "", 1)
	exp, _ := strconv.Atoi(text[e+1:])
	kept, carry := roundHalfUp(mant[:p], mant[p:])
	if carry {
		kept = "1" + kept[:len(kept)-1]
		exp++
	}
	sign := ""
	if x < 0 {
		sign = "-"
	}
	return sign + kept[:1] + "." + kept[1:] + "e" + strconv.Itoa(exp)
}

// TestLibRoundingShortcuts checks the shortest-digits shortcuts against
// exact rounding on random values, ties (k + 0.5) and short decimals.
func TestLibRoundingShortcuts(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var x float64
		switch i % 5 {
		case 4:
			x = (math.Round(r.Float64()*1e5)*10 + 5) / math.Pow(10, float64(1+r.IntN(8)))
		case 0:
			x = r.Float64() * math.Pow(10, float64(r.IntN(30)-15))
		case 1:
			x = (math.Floor(r.Float64()*1e6) + 0.5) / math.Pow(2, float64(r.IntN(12)))
		case 2:
			x = math.Round(r.Float64()*1e9) / math.Pow(10, float64(r.IntN(12)))
		default:
			x = math.Float64frombits(r.Uint64() >> 2)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || x >= 1e21 {
			continue
		}
		dp, p := r.IntN(12), 1+r.IntN(15)
		if d, e, ok := shortestDigits(x); ok && i%5 == 4 && len(d) > 1 {
			// cut just before the final 5: the midpoint cases
			p, dp = len(d)-1, max(len(d)-1-(e+1), 0)
		}
		if got, want := jsToFixed(x, dp), exactToFixed(x, dp); got != want {
			t.Fatalf("jsToFixed(%v, %d) = %s, exact %s", x, dp, got, want)
		}
		if x == 0 {
			continue
		}
		if got, want := jsToPrecision(x, p), exactToPrecision(x, p); got != want {
			t.Fatalf("jsToPrecision(%v, %d) = %s, exact %s", x, p, got, want)
		}
	}
}
