package jsonata

// A differential test of the library against the reference
// implementation: random calls run here and in jsonata-js (under node),
// results compared. It runs only when JSONATA_JS_DIR names a jsonata-js
// checkout (the directory holding src/jsonata.js) and node is installed:
//
//	JSONATA_JS_DIR=~/src/jsonata go test ./jsonata -run TestLibDifferential -v
//
// SEED repeats a run. Known, accepted differences (jsonata-js crashing or
// printing NaN fields where we report an error) are skipped.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

type diffCall struct {
	name string
	args []any
}

func diffLiteral(v any) string {
	switch x := v.(type) {
	case undefinedType:
		return "undefined_var"
	case float64:
		return diffNumber(x)
	case string:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return value.String(libNormal(v))
}

func diffNumber(f float64) string {
	s := value.FormatFloat(f)
	if f < 0 {
		return "(" + s + ")"
	}
	return s
}

func (c diffCall) expr() string {
	parts := make([]string, len(c.args))
	for i, a := range c.args {
		parts[i] = diffLiteral(a)
	}
	return "$" + c.name + "(" + strings.Join(parts, ", ") + ")"
}

// diffNow is the instant both sides take as the current time.
var diffNow = time.Date(2021, 7, 4, 15, 16, 17, 189e6, time.UTC)

// diffRunner reads {"expr"} lines and writes {"r"}, {"u"}, {"nan"} or {"e"}.
const diffRunner = `// reads lines: {"expr": "...", "now": millis?}; writes {"r": value} | {"u": true} | {"e": code}
// Pin the clock so that both sides default missing date parts alike.
const FIXED = Number(process.argv[3]);
const RealDate = Date;
global.Date = class extends RealDate {
  constructor(...a) { if (a.length === 0) super(FIXED); else super(...a); }
  static now() { return FIXED; }
};
const jsonata = require(process.argv[2]);
const readline = require('readline');
const rl = readline.createInterface({input: process.stdin});
const lines = [];
rl.on('line', l => lines.push(l));
rl.on('close', async () => {
  for (const l of lines) {
    const c = JSON.parse(l);
    let out;
    try {
      const e = jsonata(c.expr);
      const r = await e.evaluate({}, {});
      if (typeof r === 'undefined') out = {u: true};
      else if (typeof r === 'number' && !isFinite(r)) out = {nan: String(r)};
      else out = {r: r};
    } catch (err) {
      out = {e: err.code || String(err)};
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  }
});
`

func diffRunJS(t *testing.T, dir string, calls []diffCall) []map[string]json.RawMessage {
	var in bytes.Buffer
	for _, c := range calls {
		b, _ := json.Marshal(map[string]string{"expr": c.expr()})
		in.Write(b)
		in.WriteByte('\n')
	}
	script := filepath.Join(t.TempDir(), "run.js")
	if err := os.WriteFile(script, []byte(diffRunner), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script, filepath.Join(dir, "src", "jsonata.js"), strconv.FormatInt(diffNow.UnixMilli(), 10))
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var res []map[string]json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(sc.Bytes(), &m)
		res = append(res, m)
	}
	return res
}

func diffPick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

func diffRandNumber(r *rand.Rand) float64 {
	switch r.Intn(6) {
	case 0:
		return float64(r.Intn(100))
	case 1:
		return math.Round(r.NormFloat64()*1e6) / 1000
	case 2:
		return r.NormFloat64() * math.Pow(10, float64(r.Intn(40)-20))
	case 3:
		return float64(r.Int63n(1e16)) * diffPick(r, []float64{1, -1})
	case 4:
		return diffPick(r, []float64{0, 0.5, 1.5, 2.5, -0.5, 0.125, 1e21, 1e-7, 123456789.987654321, 0.1 + 0.2})
	}
	return r.Float64() * 1000
}

func diffRandPicture(r *rand.Rand, alphabet []string, max int) string {
	n := 1 + r.Intn(max)
	var b strings.Builder
	for range n {
		b.WriteString(diffPick(r, alphabet))
	}
	return b.String()
}

func diffCalls(r *rand.Rand, n int) []diffCall {
	var calls []diffCall
	numPic := []string{"#", "0", "0", "#", ",", ".", "e", "%", "‰", ";", "9", " ", "-", "x", "00", "#,##0", ".00", "0.0#"}
	intPic := []string{"#", "0", "0", ",", "9", ":", "w", "W", "Ww", "i", "I", "a", "A", ";o", "٠", "#,##0", "0;o"}
	comps := []string{"Y", "M", "D", "d", "F", "W", "w", "X", "x", "H", "h", "P", "m", "s", "f", "Z", "z", "C", "E"}
	pres := []string{"", "", "1", "01", "001", "0001", "#1", "n", "N", "Nn", "w", "W", "Ww", "i", "I", "a", "A", "1o", "wo", "9,999", "01:01", "0101", "0", "01:01t", "#"}
	widths := []string{"", "", "", ",2", ",2-2", ",*-3", ",3-3", ",1-*", ",4"}
	lits := []string{"-", "/", " ", ":", "T", "[[", "]]", " of ", ", "}
	tzs := []any{undefined, "+0100", "-0500", "+0530", "0000", "-0130", "+1245"}
	for range n {
		switch r.Intn(28) {
		case 26, 27:
			// parse text written with a random picture back with it
			var b strings.Builder
			for range 1 + r.Intn(4) {
				b.WriteString("[" + diffPick(r, comps) + diffPick(r, pres) + diffPick(r, widths) + "]")
				b.WriteString(diffPick(r, lits))
			}
			ms := float64(r.Int63n(4e12) - 1e12)
			if txt, err := formatDateTime(ms, b.String(), "", false); err == nil {
				calls = append(calls, diffCall{"toMillis", []any{txt, b.String()}})
			}
		case 24:
			txt := diffRandPicture(r, []string{"a", "Z", "0", " ", ";", "/", "?", ":", "@", "&", "=", "+", "$", ",", "#", "-", "_", ".", "!", "~", "*", "'", "(", ")", "[", "]", "%", "é", "ш", "💩", "\u007f", "\n"}, 8)
			calls = append(calls, diffCall{diffPick(r, []string{"encodeUrl", "encodeUrlComponent", "base64encode"}), []any{txt}})
		case 25:
			txt := diffRandPicture(r, []string{"a", "%", "%2", "%2F", "%3B", "%23", "%D1%88", "%E0%A4%A", "%C3", "%A9", "%F0%9F%92%A9", "%ZZ", "+", "=", "aGVs", "bG8=", "_-", " "}, 6)
			calls = append(calls, diffCall{diffPick(r, []string{"decodeUrl", "decodeUrlComponent", "base64decode"}), []any{txt}})
		case 19:
			// format-number pictures with prefixes, suffixes, sub-pictures
			pic := diffPick(r, []string{"", "$", "PRE ", "(", "%"}) + diffRandPicture(r, []string{"#", "0", ",", ".", "e", "0", "#"}, 8) + diffPick(r, []string{"", " USD", ")", "%", "‰", "e"})
			if r.Intn(3) == 0 {
				pic += ";" + diffPick(r, []string{"(", "-", ""}) + diffRandPicture(r, []string{"#", "0", ",", "."}, 6) + diffPick(r, []string{"", ")"})
			}
			calls = append(calls, diffCall{"formatNumber", []any{diffRandNumber(r), pic}})
		case 20:
			// $string of structures holding awkward numbers and strings
			items := []any{}
			for range r.Intn(4) {
				items = append(items, diffPick(r, []any{diffRandNumber(r), "é\u0000\"", nil, true, []any{}, value.MustParse(`{"k":[0.1,{"z":-2.5e-7}]}`)}))
			}
			calls = append(calls, diffCall{"string", []any{items, r.Intn(2) == 0}})
		case 21:
			calls = append(calls, diffCall{"number", []any{diffRandPicture(r, []string{"0", "1", "9", ".", "e", "E", "-", "+", "x", "b", "o", "F", " "}, 6)}})
		case 22:
			calls = append(calls, diffCall{"formatInteger", []any{float64(r.Intn(3000000)), diffPick(r, []string{"w", "W", "Ww", "w;o", "Ww;o", "i", "I", "a", "A", "0;o", "#,##0;o", "٠", "000", "#,#0"})}})
		case 23:
			// parse what was formatted
			p := diffPick(r, []string{"w", "W", "Ww", "w;o", "i", "I", "a", "A", "0;o", "#,##0", "##,##,##0", "#:###,##0", "١"})
			txt, err := formatInteger(float64(r.Intn(3000000)), p)
			if err == nil {
				calls = append(calls, diffCall{"parseInteger", []any{txt, p}})
			}
		case 12:
			// ISO timestamps, valid and not
			parts := []string{diffPick(r, []string{"2018", "1970", "0050", "9999", "201"}), diffPick(r, []string{"", "-02", "-13", "-00", "-12"}), diffPick(r, []string{"", "-30", "-31", "-00", "-01", "-29"}),
				diffPick(r, []string{"", "T23:59:59", "T24:00:00", "T12:30:00", "T25:00:00"}), diffPick(r, []string{"", ".1", ".123456", "."}), diffPick(r, []string{"", "Z", "+01:00", "-0530", "+2400", "+23:59"})}
			calls = append(calls, diffCall{"toMillis", []any{strings.Join(parts, "")}})
		case 13:
			// picture round trips: format with one picture, parse back
			pics := []string{"[Y0001]-[M01]-[D01]", "[D1o] [MNn] [Y]", "[Dwo] of [MNn], [Yw]", "[FNn], [D] [MNn,3-3] [Y] [h]:[m01] [P]", "[Y0001][M01][D01][H01][m01][s01]",
				"[H]:[m]", "[Y]--[d]", "[d]/[Y]", "[D]/[M]/[Y,2]", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]", "[YI]-[Mi]-[Da]", "[h]:[m]:[s].[f001] [PN]", "[M]-[D] [m]:[s]", "[X]-W[W]-[F1]"}
			p := diffPick(r, pics)
			ms := float64(r.Int63n(4e12) - 1e12)
			txt, err := formatDateTime(ms, p, diffPick(r, []string{"", "+0530", "-0500"}), r.Intn(2) == 0)
			if err == nil {
				calls = append(calls, diffCall{"toMillis", []any{txt, p}})
			}
		case 14:
			s := diffPick(r, []string{"a, b, c", "a  b\t c\n", "", "xx", "a.b.c"})
			sep := diffPick(r, []string{", ", " ", "", "x", ".", "💩", "a"})
			calls = append(calls, diffCall{"split", []any{s, sep, float64(r.Intn(5))}})
			calls = append(calls, diffCall{"replace", []any{s, diffPick(r, []string{"a", ".", "💩", " "}), diffPick(r, []string{"$1", "$$", "-", ""}), float64(r.Intn(4))}})
			calls = append(calls, diffCall{"trim", []any{s}})
			calls = append(calls, diffCall{"substringAfter", []any{s, sep}})
		case 15:
			calls = append(calls, diffCall{"formatNumber", []any{diffRandNumber(r), diffRandPicture(r, []string{"#", "0", ",", ".", "e", "%", ";", "A", "B"}, 6), value.MustParse(diffPick(r, []string{`{"zero-digit":"A"}`, `{"decimal-separator":",","grouping-separator":"."}`, `{"percent":"pc","minus-sign":"~"}`, `{"exponent-separator":"E"}`, `{"digit":"X","pattern-separator":"|"}`}))}})
		case 16:
			calls = append(calls, diffCall{"parseInteger", []any{diffPick(r, []string{"", "12", "1,234", "xii", "twenty-one", "fifty-third", "1st", "zz", "٣٤", "abc", "12abc"}), diffPick(r, []string{"#0", "0", "#,##0", "w", "W", "i", "I", "a", "A", "0;o", "#,##0;o", "٠"})}})
		case 17:
			calls = append(calls, diffCall{"fromMillis", []any{math.Mod(diffRandNumber(r)*1e6, 8e15), undefined, diffPick(r, []any{undefined, "+0100", "-0930", "+01:00"})}})
		case 18:
			calls = append(calls, diffCall{"string", []any{value.MustParse(diffPick(r, []string{`{"a":[1.23456789012345678,{"b":null}],"c":"\u0001\u001f\u007f\u2028"}`, `[]`, `{}`, `[[],{}]`, `"x"`, `[1e21, 1e-7, 0.1, -0]`})), r.Intn(2) == 0}})

		case 0, 1:
			calls = append(calls, diffCall{"formatNumber", []any{diffRandNumber(r), diffRandPicture(r, numPic, 6)}})
		case 2:
			calls = append(calls, diffCall{"formatInteger", []any{diffRandNumber(r), diffRandPicture(r, intPic, 4)}})
		case 3, 4, 5:
			var b strings.Builder
			for range 1 + r.Intn(4) {
				b.WriteString("[" + diffPick(r, comps) + diffPick(r, pres) + diffPick(r, widths) + "]")
				b.WriteString(diffPick(r, lits))
			}
			ms := float64(r.Int63n(4e12) - 1e12)
			calls = append(calls, diffCall{"fromMillis", []any{ms, b.String(), diffPick(r, tzs)}})
		case 6:
			calls = append(calls, diffCall{"round", []any{diffRandNumber(r), float64(r.Intn(8) - 3)}})
		case 7:
			calls = append(calls, diffCall{"formatBase", []any{diffRandNumber(r), float64(2 + r.Intn(35))}})
		case 8:
			calls = append(calls, diffCall{"string", []any{diffRandNumber(r)}})
		case 9:
			s := diffPick(r, []string{"hello world", "a💩b𝄞c", "", "  x  y ", "ÄÖÜß"})
			calls = append(calls, diffCall{"substring", []any{s, float64(r.Intn(14) - 7), float64(r.Intn(8) - 2)}})
			calls = append(calls, diffCall{"pad", []any{s, float64(r.Intn(20) - 10), diffPick(r, []string{"", "-+", "💩", "#"})}})
		case 10:
			calls = append(calls, diffCall{"number", []any{diffPick(r, []string{"0x1F", "0o17", "0b11", "1e5", "-0.0", "12.", ".5", "1e", "0x", "00012", "1E+2", "0B2", "-0x1"})}})
		case 11:
			f, _ := formatNumber(diffRandNumber(r), "#", nil)
			calls = append(calls, diffCall{"parseInteger", []any{f, diffPick(r, []string{"#0", "0", "#,##0", "w", "i"})}})
		}
	}
	return calls
}

func TestLibDifferential(t *testing.T) {
	dir := os.Getenv("JSONATA_JS_DIR")
	if dir == "" {
		t.Skip("JSONATA_JS_DIR not set")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	r := rand.New(rand.NewSource(seed))
	n := 3000
	if s := os.Getenv("DIFF_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	calls := diffCalls(r, n)
	js := diffRunJS(t, dir, calls)
	if len(js) != len(calls) {
		t.Fatalf("jsonata-js answered %d of %d calls", len(js), len(calls))
	}
	by := map[string]builtin{}
	for _, b := range libAll() {
		by[b.name] = b
	}
	// jsonata-js defaults missing date parts from its (pinned) clock.
	by["toMillis"] = toMillisBuiltin(func() time.Time { return diffNow })
	bad := 0
	for i, c := range calls {
		got, err := by[c.name].fn(c.args)
		want := js[i]
		var mine string
		var je *Error
		switch {
		case errors.As(err, &je):
			mine = "E " + je.Code
		case err != nil:
			mine = "E " + err.Error()
		case libIsUndefined(got):
			mine = "U"
		default:
			if f, ok := got.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				mine = "N " + jsNumberString(f)
			} else {
				mine = "R " + value.String(libNormal(got))
			}
		}
		var theirs string
		switch {
		case want["e"] != nil:
			var code string
			_ = json.Unmarshal(want["e"], &code)
			theirs = "E " + code
		case want["u"] != nil:
			theirs = "U"
		case want["nan"] != nil:
			var s string
			_ = json.Unmarshal(want["nan"], &s)
			theirs = "N " + s
		default:
			v, _ := value.Parse(want["r"])
			theirs = "R " + value.String(v)
		}
		if strings.Contains(theirs, "Error:") || strings.Contains(theirs, "NaN-NaN") {
			continue // jsonata-js crashed where we report an error
		}
		if mine != theirs {
			// numbers: compare by value
			if strings.HasPrefix(mine, "R ") && strings.HasPrefix(theirs, "R ") {
				a, _ := value.ParseString(mine[2:])
				b, _ := value.ParseString(theirs[2:])
				if value.Equal(a, b) {
					continue
				}
			}
			bad++
			if bad < 60 {
				t.Errorf("%s\n   go: %s\n   js: %s", c.expr(), mine, theirs)
			}
		}
	}
	t.Logf("seed %d: %d/%d differ", seed, bad, len(calls))
}
