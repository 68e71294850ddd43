package jsonata

// A differential test of the evaluator against the reference
// implementation: random expressions over a few documents, run here and in
// jsonata-js under node, results (or error codes) compared. It runs only
// when JSONATA_JS_DIR names a jsonata-js checkout (the directory holding
// src/jsonata.js) and node is installed:
//
//	JSONATA_JS_DIR=~/src/jsonata go test ./jsonata -run TestEvalDifferential -v
//
// DIFF_SEED repeats a run, DIFF_N sets the number of expressions.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

const diffNodeScript = `
const jsonata = require(process.env.JSONATA_JS_DIR + '/src/jsonata.js');
const readline = require('readline');
const rl = readline.createInterface({input: process.stdin});
const enc = (v) => JSON.stringify(v, (k, x) => {
  if (typeof x === 'function') return {"__fn": true};
  if (typeof x === 'number' && !isFinite(x)) return {"__inf": String(x)};
  return x;
});
(async () => {
  for await (const line of rl) {
    const c = JSON.parse(line);
    let out;
    try {
      const e = jsonata(c.expr);
      const r = await e.evaluate(c.data === undefined ? undefined : c.data);
      out = r === undefined ? {undef: true} : {result: JSON.parse(enc(r))};
    } catch (err) {
      out = {code: err.code || ('JS:' + String(err.message || err))};
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
})();
`

type diffGen struct {
	r      *rand.Rand
	fields []string
	vars   []string
}

func (g *diffGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *diffGen) literal() string {
	switch g.r.IntN(8) {
	case 0:
		return strconv.Itoa(g.r.IntN(20) - 5)
	case 1:
		return g.pick("0.5", "1.25", "2.5", "100", "1e3", "3.14159")
	case 2:
		return strconv.Quote(g.pick("a", "b", "Hello", "", "x y", "10"))
	case 3:
		return g.pick("true", "false", "null")
	case 4:
		return "[" + strconv.Itoa(g.r.IntN(3)) + ".." + strconv.Itoa(g.r.IntN(5)) + "]"
	default:
		return strconv.Itoa(g.r.IntN(4))
	}
}

func (g *diffGen) path(depth int) string {
	n := 1 + g.r.IntN(3)
	var steps []string
	for i := 0; i < n; i++ {
		s := g.pick(g.fields...)
		switch g.r.IntN(12) {
		case 0:
			s = "*"
		case 1:
			if i > 0 {
				s = "%"
			}
		case 2:
			s = "$"
		}
		switch g.r.IntN(10) {
		case 0:
			s += "[" + strconv.Itoa(g.r.IntN(4)-1) + "]"
		case 1:
			s += "[" + g.expr(depth+1) + "]"
		case 2:
			s += "[]"
		case 3:
			if i > 0 && depth < 2 {
				s += "#$i"
				g.vars = append(g.vars, "$i")
			}
		case 4:
			if depth < 2 {
				s += "@$ctx"
				g.vars = append(g.vars, "$ctx")
			}
		}
		steps = append(steps, s)
	}
	p := strings.Join(steps, ".")
	switch g.r.IntN(10) {
	case 0:
		p += "^(" + g.pick("", ">") + g.pick(g.fields...) + ")"
	case 1:
		p += "{" + g.pick(g.fields...) + ": " + g.expr(depth+1) + "}"
	}
	return p
}

func (g *diffGen) lambda(depth int, params ...string) string {
	old := g.vars
	g.vars = append(append([]string(nil), g.vars...), params...)
	body := g.expr(depth + 1)
	g.vars = old
	return "function(" + strings.Join(params, ", ") + "){ " + body + " }"
}

func (g *diffGen) expr(depth int) string {
	if depth > 3 {
		if g.r.IntN(2) == 0 {
			return g.literal()
		}
		return g.path(depth)
	}
	n := 30
	if os.Getenv("DIFF_PATHS") != "" {
		n = 36 // more paths with bindings, parents and grouping
	}
	switch g.r.IntN(n) {
	case 30, 31:
		f := g.pick(g.fields...)
		return g.pick(g.fields...) + "@$o." + f + "#$i[$i < 2].{\"o\": $string($o), \"i\": $i, \"v\": $}"
	case 32, 33:
		return g.pick(g.fields...) + "." + g.pick(g.fields...) + ".{\"p\": %." + g.pick(g.fields...) + ", \"pp\": %.%." + g.pick(g.fields...) + "}"
	case 34:
		return g.path(depth) + "{$string(" + g.pick(g.fields...) + "): $count($)}"
	case 35:
		return g.pick(g.fields...) + "#$i." + g.pick(g.fields...) + "[$i > 0]"
	case 22:
		return "$sort(" + g.expr(depth+1) + ", " + g.lambda(depth, "$l", "$r") + ")"
	case 23:
		return "$each(" + g.expr(depth+1) + ", " + g.lambda(depth, "$v", "$k") + ")"
	case 24:
		return "$sift(" + g.expr(depth+1) + ", " + g.lambda(depth, "$v", "$k") + ")"
	case 25:
		return "$zip(" + g.expr(depth+1) + ", " + g.expr(depth+1) + ")"
	case 26:
		re := g.pick("/a/", "/[0-9]+/", "/(\\w)(\\w)?/i", "/^x/m", "/b|c/")
		return g.pick("$match", "$contains", "$split") + "($string(" + g.expr(depth+1) + "), " + re + ")"
	case 27:
		return "$replace($string(" + g.expr(depth+1) + `), /(\w)/, "<$1>")`
	case 28:
		return g.path(depth) + "^(" + g.pick("", ">", "<") + g.pick(g.fields...) + ", " + g.pick(">", "") + g.pick(g.fields...) + ")"
	case 29:
		return "$single(" + g.expr(depth+1) + ", " + g.lambda(depth, "$v") + ")"
	case 0, 1:
		return g.literal()
	case 2, 3, 4:
		return g.path(depth)
	case 5:
		if len(g.vars) > 0 {
			return g.pick(g.vars...)
		}
		return "$"
	case 6, 7:
		op := g.pick("+", "-", "*", "/", "%", "&", "=", "!=", "<", ">", "<=", ">=", "and", "or", "in", "??", "?:")
		return "(" + g.expr(depth+1) + " " + op + " " + g.expr(depth+1) + ")"
	case 8:
		return g.expr(depth+1) + " ? " + g.expr(depth+1) + " : " + g.expr(depth+1)
	case 9:
		return "[" + g.expr(depth+1) + ", " + g.expr(depth+1) + "]"
	case 10:
		return `{"k": ` + g.expr(depth+1) + `, "` + g.pick(g.fields...) + `": ` + g.expr(depth+1) + "}"
	case 11:
		fn := g.pick("$count", "$sum", "$string", "$exists", "$distinct", "$reverse", "$keys", "$boolean", "$not", "$type", "$max", "$number", "$length", "$uppercase", "$sort", "$average")
		return fn + "(" + g.expr(depth+1) + ")"
	case 12:
		return "$map(" + g.expr(depth+1) + ", " + g.lambda(depth, "$v", "$i") + ")"
	case 13:
		return "$filter(" + g.expr(depth+1) + ", " + g.lambda(depth, "$v") + ")"
	case 14:
		return "$reduce(" + g.expr(depth+1) + ", " + g.lambda(depth, "$a", "$b") + ")"
	case 15:
		return "($x := " + g.expr(depth+1) + "; " + g.withVar("$x", depth) + ")"
	case 16:
		return "$append(" + g.expr(depth+1) + ", " + g.expr(depth+1) + ")"
	case 17:
		return "$ ~> |" + g.path(depth+1) + `|{"new": ` + g.expr(depth+1) + "}|"
	case 18:
		return "-" + g.expr(depth+1)
	case 19:
		return "$lookup(" + g.expr(depth+1) + `, "` + g.pick(g.fields...) + `")`
	case 20:
		return "(" + g.expr(depth+1) + ")" + g.pick("[0]", "[-1]", "[]", ".$", "."+g.pick(g.fields...))
	default:
		return "$join(" + g.path(depth+1) + `.$string(), ",")`
	}
}

func (g *diffGen) withVar(v string, depth int) string {
	old := g.vars
	g.vars = append(append([]string(nil), g.vars...), v)
	e := g.expr(depth + 1)
	g.vars = old
	return e
}

func collectKeys(v any, seen map[string]bool) {
	switch x := v.(type) {
	case *value.Object:
		for k, c := range x.All() {
			if !strings.ContainsAny(k, " -") {
				seen[k] = true
			}
			collectKeys(c, seen)
		}
	case []any:
		for _, c := range x {
			collectKeys(c, seen)
		}
	}
}

type diffOutcome struct {
	Result json.RawMessage `json:"result"`
	Undef  bool            `json:"undef"`
	Code   string          `json:"code"`
}

func TestEvalDifferential(t *testing.T) {
	dir := os.Getenv("JSONATA_JS_DIR")
	if dir == "" {
		t.Skip("JSONATA_JS_DIR not set")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	n := 2000
	if s := os.Getenv("DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	t.Logf("DIFF_SEED=%d", seed)
	docs := []string{testDoc}
	for _, name := range []string{"dataset5", "library", "dataset12"} {
		if data, err := os.ReadFile(filepath.Join(suiteRoot, "datasets", name+".json")); err == nil {
			docs = append(docs, string(data))
		}
	}
	docs = append(docs, `[{"a": 1, "b": [1, 2]}, {"a": 2, "b": [[3]]}, {"a": null, "c": "x"}]`)
	script := filepath.Join(t.TempDir(), "diff.js")
	if err := os.WriteFile(script, []byte(diffNodeScript), 0o644); err != nil {
		t.Fatal(err)
	}
	type item struct {
		expr string
		doc  int
	}
	r := rand.New(rand.NewPCG(seed, seed))
	var items []item
	var lines strings.Builder
	parsed := make([]any, len(docs))
	for i, d := range docs {
		parsed[i] = value.MustParse(d)
	}
	for i := 0; i < n; i++ {
		di := r.IntN(len(docs))
		keys := map[string]bool{}
		collectKeys(parsed[di], keys)
		g := &diffGen{r: r}
		for k := range keys {
			g.fields = append(g.fields, k)
		}
		sortStrings(g.fields)
		e := g.expr(0)
		items = append(items, item{e, di})
		b, _ := json.Marshal(map[string]any{"expr": e, "data": json.RawMessage(docs[di])})
		lines.Write(b)
		lines.WriteByte('\n')
	}
	// A few generated expressions make jsonata-js run away (a regex on
	// the left of ?? hangs it), so node runs over chunks, each cut off
	// after a while; expressions it did not answer are left out.
	var outcomes []*diffOutcome
	all := strings.SplitAfter(lines.String(), "\n")
	for start := 0; start < len(items); start += 100 {
		end := min(start+100, len(items))
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		cmd := exec.CommandContext(ctx, "node", "--max-old-space-size=1024", script)
		cmd.Env = append(os.Environ(), "JSONATA_JS_DIR="+dir)
		cmd.Stdin = strings.NewReader(strings.Join(all[start:end], ""))
		out, err := cmd.Output()
		cancel()
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		got := 0
		for sc.Scan() {
			var o diffOutcome
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				t.Fatal(err)
			}
			outcomes = append(outcomes, &o)
			got++
		}
		if err != nil {
			t.Logf("node stopped at: %s (%v)", items[start+got].expr, err)
		}
		for ; got < end-start; got++ {
			outcomes = append(outcomes, nil)
		}
	}
	fails, compared, bothFailed := 0, 0, 0
	for i, it := range items {
		want := outcomes[i]
		if want == nil {
			continue
		}
		compared++
		got, gerr := evalString(t, it.expr, parsed[it.doc], &Options{MaxDepth: 1000, Timeout: time.Second})
		var je *Error
		if want.Code != "" && errors.As(gerr, &je) && je.Code != want.Code {
			// Both fail, with different codes: jsonata-js evaluates the
			// items of array and object constructors concurrently, so which
			// of several errors it reports depends on its scheduling.
			bothFailed++
			continue
		}
		if msg := diffCompare(*want, got, gerr); msg != "" {
			fails++
			if fails <= 40 {
				t.Errorf("doc %d: %s\n    %s", it.doc, it.expr, msg)
			}
		}
	}
	t.Logf("%d/%d expressions agree (%d of them both failing, with different codes)", compared-fails, compared, bothFailed)
}
func diffCompare(want diffOutcome, got any, err error) string {
	var je *Error
	switch {
	case want.Code != "":
		if strings.HasPrefix(want.Code, "JS:") {
			return "" // jsonata-js crashed; nothing to compare
		}
		if errors.As(err, &je) && je.Code == want.Code {
			return ""
		}
		return fmt.Sprintf("want error %s, got %s / %v", want.Code, show(got), err)
	case err != nil:
		if errors.As(err, &je) && je.Code == CodeFunctionResult && strings.Contains(string(want.Result), "__fn") {
			return ""
		}
		if errors.As(err, &je) && je.Code == "D1001" && strings.Contains(string(want.Result), "__inf") {
			return ""
		}
		return fmt.Sprintf("want %s, got error %v", wantText(want), err)
	case want.Undef:
		if IsUndefined(got) {
			return ""
		}
		return "want undefined, got " + show(got)
	}
	w, perr := value.Parse(want.Result)
	if perr != nil {
		return "bad reference output " + string(want.Result)
	}
	if IsUndefined(got) || !value.Equal(w, got) {
		return fmt.Sprintf("want %s, got %s", want.Result, show(got))
	}
	return ""
}

func wantText(w diffOutcome) string {
	if w.Undef {
		return "undefined"
	}
	return string(w.Result)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
