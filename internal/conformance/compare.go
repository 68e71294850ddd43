package conformance

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// Result is what our engine produced for a case.
type Result struct {
	Status       string // SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING (TestState: its status)
	Output       []byte // the output JSON text; nil when none
	Error, Cause string
	// History is the JSON text of the "events" array exactly as our
	// GetExecutionHistory returns it (includeExecutionData true, the
	// recorded reverseOrder); nil when not produced.
	History []byte
}

// Levels says which comparison levels a case passed.
type Levels struct {
	L1 bool // status, plus output (when AWS had one) or error name
	L2 bool // L1 plus the exact cause
	L3 bool // the sequence of event types
	L4 bool // L3 plus every event equal
	// HistoryCompared is false when the case has no recorded history
	// (output_only and the other non-execution kinds): L3 and L4 are then
	// not applicable and stay false.
	HistoryCompared bool
	Diff            string // the first difference found at each failing level
}

// Compare normalises r as the README prescribes and compares it with the
// recorded case.
func Compare(c *Case, r *Result, env Env) Levels {
	var lv Levels
	var diffs []string
	fail := func(level, format string, args ...any) {
		diffs = append(diffs, level+": "+fmt.Sprintf(format, args...))
	}
	defer func() {
		if p := recover(); p != nil { // never let a bad case take a whole run down
			lv = Levels{HistoryCompared: c.HasHistory(), Diff: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	m := newMatcher(c)

	// Our side, normalised as one document so that reference replacements
	// found in the history also apply to the output and cause.
	doc := value.NewObject(2)
	var ourEvents []any
	historyErr := ""
	if r.History != nil {
		v, err := value.Parse(r.History)
		if evs, ok := v.([]any); err == nil && ok {
			ourEvents = evs
		} else {
			historyErr = fmt.Sprintf("our history is not a JSON array: %v", err)
		}
	}
	doc.Set("events", ourEvents)
	doc.Set("result", value.ObjectOf("events", []any{resultEvent(r)}))
	n := newNormalizer(c, env)
	normDoc, err := n.normalize(doc)
	if err != nil {
		lv.HistoryCompared = c.HasHistory()
		lv.Diff = "normalise: " + err.Error()
		return lv
	}
	nd := normDoc.(*value.Object)
	ourOutput, hasOutput, ourError, ourCause, hasCause := resultFields(nd)

	// L1 and L2.
	wantStatus := c.Expected.Status
	if wantStatus == "INCOMPLETE_HISTORY" {
		wantStatus = "RUNNING"
	}
	lv.L1 = true
	if r.Status != wantStatus {
		lv.L1 = false
		fail("L1", "status: want %s, got %s", wantStatus, r.Status)
	}
	if want, ok := expectedOutput(c); ok {
		want = recordedFixed(want)
		switch {
		case !hasOutput:
			lv.L1 = false
			fail("L1", "output: want %s, got none", clip(value.String(want)))
		default:
			got := decodeLoose(ourOutput)
			if where, ok := m.match(want, got, false, "$"); !ok {
				lv.L1 = false
				fail("L1", "output at %s: want %s, got %s", where, clip(value.String(pick(want, where))), clip(value.String(pick(got, where))))
			}
		}
	}
	wantError := ""
	if c.Expected.Error != nil {
		wantError = *c.Expected.Error
	}
	if _, ok := m.match(wantError, ourError, true, "error"); !ok {
		lv.L1 = false
		fail("L1", "error: want %q, got %q", wantError, ourError)
	}
	lv.L2 = lv.L1
	wantCause, err := parseRaw(c.Expected.Cause)
	if err != nil {
		wantCause = nil
	}
	wantCause = recordedFixed(wantCause)
	switch {
	case wantCause == nil && hasCause && !isEmpty(ourCause):
		lv.L2 = false
		fail("L2", "cause: want none, got %s", clip(value.String(ourCause)))
	case wantCause != nil && !hasCause:
		lv.L2 = false
		fail("L2", "cause: want %s, got none", clip(value.String(wantCause)))
	case wantCause != nil:
		if where, ok := m.match(wantCause, ourCause, true, "$"); !ok {
			lv.L2 = false
			fail("L2", "cause at %s: want %s, got %s", where, clip(value.String(pick(wantCause, where))), clip(value.String(pick(ourCause, where))))
		}
	}

	// L3 and L4.
	if c.HasHistory() {
		lv.HistoryCompared = true
		lv.L3, lv.L4 = m.compareHistory(c, nd, historyErr, fail)
	}
	for _, p := range n.problems {
		diffs = append(diffs, "note: "+p)
	}
	lv.Diff = strings.Join(diffs, "\n")
	return lv
}

// recordedFixed applies the rules meant for both sides to a recorded value.
func recordedFixed(v any) any {
	wrap := value.ObjectOf("v", v)
	fixedRules(wrap)
	out, _ := wrap.Get("v")
	return out
}

// resultEvent carries our output, error and cause through normalisation
// the way they sit in a history: as a terminal event's details.
func resultEvent(r *Result) *value.Object {
	ev := value.NewObject(2)
	if r.Output != nil {
		ev.Set("executionSucceededEventDetails", value.ObjectOf("output", string(r.Output)))
	}
	if r.Error != "" || r.Cause != "" {
		d := value.NewObject(2)
		if r.Cause != "" {
			d.Set("cause", r.Cause)
		}
		if r.Error != "" {
			d.Set("error", r.Error)
		}
		ev.Set("executionFailedEventDetails", d)
	}
	return ev
}

func resultFields(nd *value.Object) (output any, hasOutput bool, errName string, cause any, hasCause bool) {
	res, _ := must(nd.Get("result")).(*value.Object)
	evs, _ := must(res.Get("events")).([]any)
	if len(evs) == 0 {
		return
	}
	ev, _ := evs[0].(*value.Object)
	if d, ok := must(ev.Get("executionSucceededEventDetails")).(*value.Object); ok {
		output, hasOutput = d.Get("output")
	}
	if d, ok := must(ev.Get("executionFailedEventDetails")).(*value.Object); ok {
		if e, ok := must(d.Get("error")).(string); ok {
			errName = e
		}
		cause, hasCause = d.Get("cause")
	}
	return
}

// expectedOutput is the decoded output AWS recorded, if any.
func expectedOutput(c *Case) (any, bool) {
	if v, err := parseRaw(c.Expected.OutputValue); err == nil && len(c.Expected.OutputValue) > 0 {
		if v != nil || !isNullRaw(c.Expected.Output) {
			return v, true
		}
	}
	v, err := parseRaw(c.Expected.Output)
	if err != nil || v == nil {
		return nil, false
	}
	return decodeLoose(v), true
}

func isNullRaw(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return s == "" || s == "null"
}

func parseRaw(b []byte) (any, error) {
	if isNullRaw(b) {
		return nil, nil
	}
	return value.Parse(b)
}

// decodeLoose decodes a string holding JSON text; anything else is
// returned as is.
func decodeLoose(v any) any {
	if s, ok := v.(string); ok {
		if p, err := value.ParseString(s); err == nil {
			return p
		}
	}
	return v
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// matcher compares a recorded value with ours, treating <...> tokens (and
// the replacements of <stub:...> normalizers) on the recorded side as
// matching any text.
type matcher struct {
	wild     []string // extra literal texts that match anything
	compiled map[string]*regexp.Regexp
	// sent is what the test sent (definitions, input): a <...> text found
	// there is data, like Assign {"answer": "<omitted>"}, not a placeholder.
	sent string
}

func newMatcher(c *Case) *matcher {
	m := &matcher{compiled: map[string]*regexp.Regexp{}}
	var sent strings.Builder
	for _, raw := range [][]byte{c.Definition, c.OtherStateMachines, c.TestStateRequest} {
		sent.Write(raw)
	}
	sent.WriteString(c.InputText())
	m.sent = sent.String()
	for _, nz := range c.Normalizers {
		if nz.Type == "regex" && strings.HasPrefix(nz.Pattern, "<stub:") && nz.Replacement != "" && !recordedTokens.MatchString(nz.Replacement) {
			m.wild = append(m.wild, nz.Replacement)
		}
	}
	return m
}

// pattern returns the regexp a recorded string with wildcards stands for,
// or nil when it has none.
func (m *matcher) pattern(s string) *regexp.Regexp {
	if re, ok := m.compiled[s]; ok {
		return re
	}
	type span struct{ lo, hi int }
	var spans []span
	for _, loc := range recordedTokens.FindAllStringIndex(s, -1) {
		if !m.isData(s[loc[0]:loc[1]]) {
			spans = append(spans, span{loc[0], loc[1]})
		}
	}
	for _, w := range m.wild {
		for off := 0; ; {
			i := strings.Index(s[off:], w)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(w)})
			off += i + len(w)
		}
	}
	var re *regexp.Regexp
	if len(spans) > 0 {
		wild := make([]bool, len(s)+1)
		for _, sp := range spans {
			for i := sp.lo; i < sp.hi; i++ {
				wild[i] = true
			}
		}
		var b strings.Builder
		b.WriteString(`^(?s)`)
		for i := 0; i < len(s); {
			j := i
			for j < len(s) && wild[j] == wild[i] {
				j++
			}
			if wild[i] {
				b.WriteString(`.*?`)
			} else {
				b.WriteString(regexp.QuoteMeta(s[i:j]))
			}
			i = j
		}
		b.WriteString(`$`)
		re = regexp.MustCompile(b.String())
	}
	m.compiled[s] = re
	return re
}

// isData reports whether a token-shaped text came from what the test sent.
func (m *matcher) isData(tok string) bool {
	return strings.Contains(m.sent, tok)
}

// wholeToken reports whether a recorded string is nothing but one token.
func (m *matcher) wholeToken(s string) bool {
	if loc := recordedTokens.FindStringIndex(s); loc != nil && loc[0] == 0 && loc[1] == len(s) && !m.isData(s) {
		return true
	}
	for _, w := range m.wild {
		if s == w {
			return true
		}
	}
	return false
}

// match reports whether ours matches the recorded want and, if not, where
// they first differ. strict compares numbers by their text (1 ≠ 1.0).
func (m *matcher) match(want, got any, strict bool, where string) (string, bool) {
	switch w := want.(type) {
	case nil:
		if got == nil {
			return "", true
		}
	case bool:
		if g, ok := got.(bool); ok && g == w {
			return "", true
		}
	case value.Number:
		if g, ok := got.(value.Number); ok {
			if strict && g == w || !strict && value.CompareNumbers(w, g) == 0 {
				return "", true
			}
		}
	case string:
		if m.wholeToken(w) {
			return "", true
		}
		g, ok := got.(string)
		if !ok {
			break
		}
		if g == w {
			return "", true
		}
		if re := m.pattern(w); re != nil && re.MatchString(g) {
			return "", true
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s (length %d, want %d)", where, len(g), len(w)), false
		}
		for i := range w {
			if at, ok := m.match(w[i], g[i], strict, fmt.Sprintf("%s[%d]", where, i)); !ok {
				return at, false
			}
		}
		return "", true
	case *value.Object:
		g, ok := got.(*value.Object)
		if !ok {
			break
		}
		for k, wv := range w.All() {
			gv, ok := g.Get(k)
			if !ok {
				return fmt.Sprintf("%s.%s (missing)", where, k), false
			}
			if at, ok := m.match(wv, gv, strict, where+"."+k); !ok {
				return at, false
			}
		}
		for _, k := range g.Keys() {
			if !w.Has(k) {
				return fmt.Sprintf("%s.%s (unexpected)", where, k), false
			}
		}
		return "", true
	}
	return where, false
}

// compareHistory computes L3 and L4 from our normalised document.
func (m *matcher) compareHistory(c *Case, nd *value.Object, historyErr string, fail func(level, format string, args ...any)) (l3, l4 bool) {
	if historyErr != "" {
		fail("L3", "%s", historyErr)
		return false, false
	}
	recV, err := value.Parse(c.History)
	rec, ok := recV.([]any)
	if err != nil || !ok {
		fail("L3", "recorded history unreadable: %v", err)
		return false, false
	}
	ours, _ := must(nd.Get("events")).([]any)
	if len(ours) == 0 {
		fail("L3", "no history")
		return false, false
	}
	if c.Expected.Status == "INCOMPLETE_HISTORY" && len(ours) > len(rec) {
		ours = ours[:len(rec)]
	}
	// L3: types, parallel runs as multisets.
	recTypes, ourTypes := eventTypes(rec), eventTypes(ours)
	l3 = true
	if len(recTypes) != len(ourTypes) {
		l3 = false
	}
	runs := parallelRuns(rec)
	for i := 0; l3 && i < len(recTypes); i++ {
		if end, ok := runs[i]; ok && end <= len(ourTypes) {
			if !sameMultiset(recTypes[i:end], ourTypes[i:end]) {
				l3 = false
			}
			i = end - 1
			continue
		}
		if recTypes[i] != ourTypes[i] {
			l3 = false
		}
	}
	if !l3 {
		fail("L3", "types: %s", firstTypeDiff(recTypes, ourTypes))
		return false, false
	}

	// L4: every event, skip paths removed on both sides.
	recDoc := value.ObjectOf("events", rec)
	ourDoc := value.ObjectOf("events", ours)
	fixedRules(recDoc) // older recordings may hold raw values there
	for _, p := range c.SkipVerifyPaths {
		pp, err := parsePath(p)
		if err != nil {
			continue
		}
		removeAt(recDoc, pp)
		removeAt(ourDoc, pp)
	}
	rec, _ = must(recDoc.Get("events")).([]any)
	ours, _ = must(ourDoc.Get("events")).([]any)
	if rec == nil || ours == nil { // "$..events" itself is skipped
		return true, true
	}
	for i := 0; i < len(rec); i++ {
		if end, ok := runs[i]; ok {
			if j, ok := m.matchMultiset(rec[i:end], ours[i:end]); !ok {
				fail("L4", "parallel events %d..%d: no match for %s", i+1, end, clip(value.String(rec[i+j])))
				return true, false
			}
			i = end - 1
			continue
		}
		if where, ok := m.match(rec[i], ours[i], true, "$"); !ok {
			fail("L4", "event %d (%s) at %s: want %s, got %s", i+1, recTypes[i], where, clip(value.String(pick(rec[i], where))), clip(value.String(pick(ours[i], where))))
			return true, false
		}
	}
	return true, true
}

// pick returns the part of v a diff location ("$.a.b[2] (missing)") names,
// for short messages; the nearest enclosing value when the path leaves v.
func pick(v any, where string) any {
	where = strings.TrimPrefix(where, "$")
	if i := strings.IndexByte(where, ' '); i >= 0 {
		where = where[:i]
	}
	cur := v
	for where != "" {
		switch where[0] {
		case '.':
			where = where[1:]
			end := strings.IndexAny(where, ".[")
			if end < 0 {
				end = len(where)
			}
			o, ok := cur.(*value.Object)
			if !ok {
				return cur
			}
			next, ok := o.Get(where[:end])
			if !ok {
				return cur
			}
			cur, where = next, where[end:]
		case '[':
			end := strings.IndexByte(where, ']')
			a, ok := cur.([]any)
			var i int
			if end < 0 || !ok {
				return cur
			}
			if _, err := fmt.Sscanf(where[1:end], "%d", &i); err != nil || i < 0 || i >= len(a) {
				return cur
			}
			cur, where = a[i], where[end+1:]
		default:
			return cur
		}
	}
	return cur
}

func removeAt(doc any, p path) {
	for _, l := range p.find(doc) {
		if l.obj != nil {
			l.obj.Delete(l.key)
		} else {
			l.arr[l.idx] = "<skipped>"
		}
	}
}

func eventTypes(evs []any) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		if o, ok := e.(*value.Object); ok {
			out[i], _ = must(o.Get("type")).(string)
		}
	}
	return out
}

// parallelRuns maps the start of each run of events the parallel
// transformer gave id [0] to the end of the run.
func parallelRuns(evs []any) map[int]int {
	runs := map[int]int{}
	for i := 0; i < len(evs); {
		if !isParallelNormalised(evs[i]) {
			i++
			continue
		}
		j := i
		for j < len(evs) && isParallelNormalised(evs[j]) {
			j++
		}
		runs[i] = j
		i = j
	}
	return runs
}

func isParallelNormalised(ev any) bool {
	o, ok := ev.(*value.Object)
	if !ok {
		return false
	}
	id, ok := must(o.Get("id")).([]any)
	return ok && len(id) == 1
}

func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
		if count[s] < 0 {
			return false
		}
	}
	return true
}

// matchMultiset pairs each recorded event with a distinct one of ours,
// greedily; it returns the index of the first recorded event left unpaired.
func (m *matcher) matchMultiset(rec, ours []any) (int, bool) {
	used := make([]bool, len(ours))
	for i, r := range rec {
		found := false
		for j, o := range ours {
			if used[j] {
				continue
			}
			if _, ok := m.match(r, o, true, "$"); ok {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return i, false
		}
	}
	return 0, true
}

func firstTypeDiff(want, got []string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return fmt.Sprintf("event %d: want %s, got %s", i+1, want[i], got[i])
		}
	}
	if len(want) != len(got) {
		n := min(len(want), len(got))
		tail := func(s []string) string {
			if len(s) > n {
				return strings.Join(s[n:min(len(s), n+3)], ",")
			}
			return "(end)"
		}
		return fmt.Sprintf("%d events, want %d; after event %d want %s, got %s", len(got), len(want), n, tail(want), tail(got))
	}
	return "same types in a different order within a parallel run"
}
