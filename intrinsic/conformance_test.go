package intrinsic

import (
	"bufio"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// casesFile is the recordings of real AWS, relative to this package.
const casesFile = "../../shared/conformance/cases.jsonl"

type recordedCase struct {
	ID          string          `json:"id"`
	Kind        string          `json:"kind"`
	Definition  json.RawMessage `json:"definition"`
	Input       string          `json:"input"`
	Features    []string        `json:"features"`
	Normalizers []struct {
		Type        string `json:"type"`
		Pattern     string `json:"pattern"`
		Replacement string `json:"replacement"`
	} `json:"normalizers"`
	Expected struct {
		Status      string          `json:"status"`
		OutputValue json.RawMessage `json:"output_value"`
	} `json:"expected"`
}

// loadCases reads the recordings whose definition is a JSON object, or skips
// the test when the file is not there.
func loadCases(t *testing.T) []recordedCase {
	t.Helper()
	f, err := os.Open(casesFile)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not found", casesFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []recordedCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var c recordedCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("decode case: %v", err)
		}
		if len(c.Definition) > 0 && c.Definition[0] == '{' {
			cases = append(cases, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// calls collects every intrinsic call a definition writes in a field whose
// name ends in ".$", with where it was found.
func calls(v any, at string, out map[string]string) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			calls(e, at, out)
		}
	case *value.Object:
		for k, e := range x.All() {
			if s, ok := e.(string); ok && strings.HasSuffix(k, ".$") && IsCall(s) {
				out[s] = at + "/" + k
			}
			calls(e, at+"/"+k, out)
		}
	}
}

// TestRecordedCallsCompile compiles every intrinsic call in the recorded
// definitions (all of which AWS accepted), and checks that each prints back
// to source that compiles to the same text.
func TestRecordedCallsCompile(t *testing.T) {
	t.Parallel()
	found := map[string]string{}
	for _, c := range loadCases(t) {
		def, err := value.Parse(c.Definition)
		if err != nil {
			t.Fatalf("%s: definition: %v", c.ID, err)
		}
		calls(def, c.ID, found)
	}
	if len(found) < 40 {
		t.Fatalf("found only %d distinct intrinsic calls in the recordings", len(found))
	}
	for src, where := range found {
		call, err := Compile(src)
		if err != nil {
			t.Errorf("%s: Compile(%q): %v", where, src, err)
			continue
		}
		again, err := Compile(call.String())
		if err != nil || again.String() != call.String() {
			t.Errorf("%s: String() = %q does not round-trip: %v", where, call.String(), err)
		}
	}
}

// placeholder matches what the recordings put where AWS's output varied.
var placeholder = regexp.MustCompile(`^<[^>]*>$`)

// TestRecordedPassStates replays the recordings of a single Pass state whose
// Parameters use intrinsics: the output must be what AWS returned.
func TestRecordedPassStates(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t) {
		if c.Kind != "execution" || c.Expected.Status != "SUCCEEDED" {
			continue
		}
		var def struct {
			States map[string]map[string]json.RawMessage
		}
		if json.Unmarshal(c.Definition, &def) != nil || len(def.States) != 1 {
			continue
		}
		var state map[string]json.RawMessage
		for _, s := range def.States {
			state = s
		}
		params, ok := state["Parameters"]
		if string(state["Type"]) != `"Pass"` || !ok || !strings.Contains(string(params), "States.") {
			continue
		}
		if len(state) != 3 || state["End"] == nil {
			continue // InputPath, ResultPath and friends are the interpreter's business
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			input := value.MustParse(c.Input)
			// The state machine's name is the one the recording normalised.
			name := "state-machine"
			for _, n := range c.Normalizers {
				if n.Type == "regex" && n.Replacement == "<ArnPart_0idx>" {
					name = n.Pattern
				}
			}
			env := &jsonpath.Env{Input: input, Context: value.ObjectOf(
				"Execution", value.ObjectOf("Input", input),
				"StateMachine", value.ObjectOf("Name", name))}
			got, err := evalParameters(value.MustParse(string(params)), env, rand.New(rand.NewPCG(7, 7)))
			if err != nil {
				t.Fatalf("input %s: %v", c.Input, err)
			}
			want := value.MustParse(string(c.Expected.OutputValue))
			if wantObj, ok := want.(*value.Object); ok {
				// AWS's varying results (UUIDs, random numbers, names) were
				// replaced by fixed text; check their shape instead.
				gotObj := got.(*value.Object)
				for k, w := range wantObj.All() {
					s, isStr := w.(string)
					if !isStr || !(placeholder.MatchString(s) || s == "generated-uuid" || s == "RandomNumberGenerated") {
						continue
					}
					g, _ := gotObj.Get(k)
					if !checkVaried(t, s, g, input, name) {
						t.Errorf("%s = %s does not fit %q", k, value.String(g), s)
					}
					gotObj = gotObj.Clone()
					gotObj.Set(k, w)
				}
				got = gotObj
			}
			if !value.Equal(got, want) {
				t.Errorf("input %s:\n got %s\nwant %s", c.Input, value.String(got), value.String(want))
			}
		})
	}
	if n < 50 {
		t.Fatalf("only %d recorded Pass states with intrinsics found", n)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkVaried checks a result the recording replaced by placeholder text.
func checkVaried(t *testing.T, placeholder string, got, input any, name string) bool {
	t.Helper()
	switch placeholder {
	case "generated-uuid":
		s, ok := got.(string)
		return ok && uuidV4.MatchString(s)
	case "RandomNumberGenerated":
		n, ok := got.(value.Number)
		if !ok {
			return false
		}
		fi, _ := input.(*value.Object).Get("FunctionInput")
		lo, _ := fi.(*value.Object).Get("fst")
		hi, _ := fi.(*value.Object).Get("snd")
		r, _ := roundNumber(n)
		l, _ := roundNumber(lo.(value.Number))
		h, _ := roundNumber(hi.(value.Number))
		return n.IsInteger() && l <= r && r < h
	}
	return got == name && placeholder == "<ArnPart_0idx>"
}

// evalParameters builds a payload template as a JSONPath state does: fields
// ending in ".$" take the value of their path or intrinsic call.
func evalParameters(tmpl any, env *jsonpath.Env, rnd *rand.Rand) (any, error) {
	switch x := tmpl.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			v, err := evalParameters(e, env, rnd)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case *value.Object:
		out := value.NewObject(x.Len())
		for k, e := range x.All() {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				v, err := evalField(e.(string), env, rnd)
				if err != nil {
					return nil, err
				}
				out.Set(name, v)
				continue
			}
			v, err := evalParameters(e, env, rnd)
			if err != nil {
				return nil, err
			}
			out.Set(k, v)
		}
		return out, nil
	}
	return tmpl, nil
}

func evalField(src string, env *jsonpath.Env, rnd *rand.Rand) (any, error) {
	if IsCall(src) {
		c, err := Compile(src)
		if err != nil {
			return nil, err
		}
		return c.Eval(env, rnd)
	}
	p, err := jsonpath.Compile(src)
	if err != nil {
		return nil, err
	}
	return p.Eval(env)
}
