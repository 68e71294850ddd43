package conformance

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// Env says how our environment maps onto the recorded one.
type Env struct {
	Account string // our account id, mapped to 111111111111
	Region  string // our region, mapped to us-east-1
	RoleArn string // the role ARN our runner gives state machines
}

// The fake names the recordings use.
const (
	recordedAccount = "111111111111"
	recordedRegion  = "us-east-1"
)

var (
	// isoDate is LocalStack's ISO-8601 pattern, without its leap-year
	// arithmetic: the offset's colon and minutes are optional.
	isoDate = regexp.MustCompile(`[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-][01]\d:?(?:[0-5]\d)?)`)
	// isoDatePrefix is isoDate anchored at the start, as Python's re.match.
	isoDatePrefix = regexp.MustCompile(`^` + isoDate.String())
	uuidPrefix    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	arnPattern    = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:([a-zA-Z0-9_.\-]+)?:([^:]+)?:(\d{12})?:(.*)`)
	// quotedJSON finds JSON quoted in single quotes inside a cause, as in
	// "could not be found in the input '{...}'".
	quotedJSON     = regexp.MustCompile(`'(\{.*?\}|\[.*?\])'`)
	dynamoDBTable  = regexp.MustCompile(`(?:[a-zA-Z0-9_.\-]*)?test_table_(?:[a-zA-Z0-9_.\-]*)?`)
	recordedTokens = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9_.:\-]*>`)
)

// textSub is one substitution on the serialised text.
type textSub struct {
	re   *regexp.Regexp // nil for a literal substitution
	old  string         // literal text to replace
	repl string         // Python re.sub template when re is set, else literal
}

func (s textSub) apply(text string) string {
	if s.re == nil {
		if s.old == "" {
			return text
		}
		return strings.ReplaceAll(text, s.old, s.repl)
	}
	return pySub(s.re, s.repl, text)
}

// normalizer carries the state of normalising one document for one case.
type normalizer struct {
	c        *Case
	env      Env
	regexes  []textSub // the case's regex normalizers, in order
	refs     []textSub // reference replacements, in registration order
	refIndex map[[2]string]bool
	counters map[string]int
	problems []string // normalizers we could not apply
}

func newNormalizer(c *Case, env Env) *normalizer {
	return &normalizer{c: c, env: env, refIndex: map[[2]string]bool{}, counters: map[string]int{}}
}

// normalize runs steps 1 to 4 of the README on doc (which it may change)
// and returns the result parsed back.
func (n *normalizer) normalize(doc any) (any, error) {
	doc = sortKeys(doc)
	parseJSONMembers(doc)
	n.structural(doc)
	for _, nz := range n.c.Normalizers {
		doc = n.caseNormalizer(nz, doc)
	}
	n.generic(doc)
	text := pyDumps(doc)
	env := n.envSubs()
	for _, s := range env {
		text = s.apply(text)
	}
	for _, s := range n.regexes {
		text = s.apply(text)
	}
	for _, s := range n.refs {
		// The text no longer holds our account or role: map the value too.
		for _, e := range env {
			s.old = e.apply(s.old)
		}
		text = s.apply(text)
	}
	text = strings.ReplaceAll(text, recordedRegion, "<region>")
	text = strings.ReplaceAll(text, "arn:aws:", "arn:<partition>:")
	text = replaceISODates(text)
	out, err := value.ParseString(text)
	if err != nil {
		return nil, fmt.Errorf("normalised text is not JSON: %w", err)
	}
	return out, nil
}

// envSubs maps our account, region and role ARN onto the recorded ones.
func (n *normalizer) envSubs() []textSub {
	var subs []textSub
	if nz := n.c.roleNormalizer(); nz != nil && n.env.RoleArn != "" {
		subs = append(subs, textSub{old: pyEscape(n.env.RoleArn), repl: unescapeRegexLiteral(nz.Pattern)})
	}
	if n.env.Account != "" && n.env.Account != recordedAccount {
		subs = append(subs, textSub{old: n.env.Account, repl: recordedAccount})
	}
	if n.env.Region != "" && n.env.Region != recordedRegion {
		subs = append(subs, textSub{old: n.env.Region, repl: recordedRegion})
	}
	return subs
}

// roleNormalizer is the regex normalizer for the execution role: the one
// whose pattern holds ":role/", preferring the test's sfn_role over other
// roles a cross-account test names. Nil when there is none.
func (c *Case) roleNormalizer() *Normalizer {
	var first *Normalizer
	for i := range c.Normalizers {
		nz := &c.Normalizers[i]
		if nz.Type != "regex" || !strings.Contains(nz.Pattern, ":role/") || strings.HasPrefix(nz.Pattern, "<stub:") {
			continue
		}
		if strings.Contains(nz.Pattern, ":role/sfn_role") {
			return nz
		}
		if first == nil {
			first = nz
		}
	}
	return first
}

// unescapeRegexLiteral turns a pattern that is a quoted literal back into
// the literal ("a\.b" → "a.b").
func unescapeRegexLiteral(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// parseJSONMembers replaces every object member whose value is a string
// starting with "{" that parses as JSON by the parsed value, without
// visiting what it parsed. Objects inside arrays are visited; strings in
// arrays and arrays in arrays are not.
func parseJSONMembers(v any) {
	switch x := v.(type) {
	case *value.Object:
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			switch y := e.(type) {
			case string:
				if strings.HasPrefix(y, "{") {
					if p, err := value.ParseString(y); err == nil {
						x.Set(k, sortKeys(p))
					}
				}
			case *value.Object:
				parseJSONMembers(y)
			case []any:
				for _, el := range y {
					if o, ok := el.(*value.Object); ok {
						parseJSONMembers(o)
					}
				}
			}
		}
	case []any:
		for _, el := range x {
			if o, ok := el.(*value.Object); ok {
				parseJSONMembers(o)
			}
		}
	}
}

// walkMembers calls fn for every object member, depth first in document
// order, the way LocalStack's key-value transformers visit: objects and
// objects inside arrays. fn returns true when it handled the member, which
// is then not descended into.
func walkMembers(v any, fn func(o *value.Object, k string, e any) bool) {
	switch x := v.(type) {
	case *value.Object:
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if fn(x, k, e) {
				continue
			}
			_, e = x.At(i)
			walkMembers(e, fn)
		}
	case []any:
		for _, el := range x {
			if o, ok := el.(*value.Object); ok {
				walkMembers(o, fn)
			}
		}
	}
}

// removeKey deletes every member named key, at any depth.
func removeKey(v any, key string) {
	switch x := v.(type) {
	case *value.Object:
		x.Delete(key)
		for _, e := range x.All() {
			removeKey(e, key)
		}
	case []any:
		for _, e := range x {
			removeKey(e, key)
		}
	}
}

// fixedRules are the structural rules that apply to both sides. Older
// recordings may hold the raw value where newer ones hold the fixed string;
// a value that is already a <...> token (set by a case's own normalizer) is
// left alone.
func fixedRules(doc any) {
	removeKey(doc, "x-localstack")
	setPath(doc, "$..SdkHttpMetadata..Date", "date")
	setPath(doc, "$..SdkResponseMetadata..RequestId", "RequestId")
	own := map[string]bool{"X-Amzn-Trace-Id": true, "x-amz-crc32": true, "x-amzn-RequestId": true, "x-amzn-requestid": true}
	walkMembers(doc, func(o *value.Object, k string, e any) bool {
		if own[k] && !isToken(e) {
			o.Set(k, k)
			return true
		}
		return false
	})
}

func setPath(doc any, p string, repl any) {
	pp, err := parsePath(p)
	if err != nil {
		return
	}
	for _, l := range pp.find(doc) {
		if !isToken(l.get()) {
			l.set(repl)
		}
	}
}

// isToken reports whether v is a string that is one <...> token.
func isToken(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	loc := recordedTokens.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}

func (n *normalizer) structural(doc any) {
	fixedRules(doc)
	walkMembers(doc, func(_ *value.Object, k string, e any) bool {
		s, ok := e.(string)
		if !ok || k != "cause" {
			return false
		}
		for _, m := range quotedJSON.FindAllStringSubmatch(s, -1) {
			if _, err := value.ParseString(m[1]); err == nil {
				n.addRef(m[1], "json-input")
			}
		}
		return true
	})
}

// addRef registers a reference replacement: every occurrence of s in the
// serialised text becomes <name:N>, N counting distinct values per name.
func (n *normalizer) addRef(s, name string) {
	if s == "" || n.refIndex[[2]string{name, s}] {
		return
	}
	n.refIndex[[2]string{name, s}] = true
	n.counters[name]++
	n.refs = append(n.refs, textSub{old: pyEscape(s), repl: fmt.Sprintf("<%s:%d>", name, n.counters[name])})
}

func (n *normalizer) caseNormalizer(nz Normalizer, doc any) any {
	switch nz.Type {
	case "regex":
		if strings.HasPrefix(nz.Pattern, "<stub:") {
			return doc // a value from the test's own run: a wildcard on the recorded side
		}
		if regexp.QuoteMeta(nz.Pattern) == nz.Pattern && !strings.Contains(nz.Replacement, `\`) {
			// A plain literal (most are): the same result without a regexp.
			n.regexes = append(n.regexes, textSub{old: nz.Pattern, repl: nz.Replacement})
			return doc
		}
		re, err := regexp.Compile(nz.Pattern)
		if err != nil {
			n.problems = append(n.problems, fmt.Sprintf("regex %q: %v", nz.Pattern, err))
			return doc
		}
		n.regexes = append(n.regexes, textSub{re: re, repl: nz.Replacement})
	case "jsonpath":
		p, err := parsePath(nz.Path)
		if err != nil {
			n.problems = append(n.problems, err.Error())
			return doc
		}
		for _, l := range p.find(doc) {
			if nz.ReplaceReference {
				if s, ok := l.get().(string); ok {
					n.addRef(s, nz.Replacement)
				}
			} else {
				l.set(nz.Replacement)
			}
		}
	case "key_value":
		n.keyValue(doc, nz.Key, nz.Replacement, nz.ReplaceReference)
	case "other":
		switch nz.Name {
		case "SfnNoneRecursiveParallelTransformer":
			p, _ := parsePath("$..events")
			for _, l := range p.find(doc) {
				if evs, ok := l.get().([]any); ok {
					l.set(normaliseParallel(evs))
				}
			}
		case "resource_name":
			n.resourceNames(doc)
		case "sfn_sqs_integration":
			n.resourceNames(doc)
			for _, k := range []string{"ReceiptHandle", "TaskHandle", "SenderId", "SequenceNumber", "MD5OfMessageBody", "MD5OfMessageAttributes"} {
				n.keyValue(doc, k, hyphenate(k), true)
			}
		case "sns_api":
			n.resourceNames(doc)
			n.keyValue(doc, "ReceiptHandle", hyphenate("ReceiptHandle"), true)
			n.keyValue(doc, "SequenceNumber", hyphenate("SequenceNumber"), true)
			n.keyValue(doc, "Signature", "<signature>", false)
			n.keyValue(doc, "MD5OfBody", "<md5-hash>", false)
			n.keyValue(doc, "SenderId", "<sender-id>", false)
		case "dynamodb_api":
			n.regexes = append(n.regexes, textSub{re: dynamoDBTable, repl: "<test-table>"})
		case "sfn_map_run_arn":
			// The recorded map run ARN holds only <...> tokens, which match anything.
		default:
			n.problems = append(n.problems, "unknown normalizer other/"+nz.Name)
		}
	case "generic":
		if nz.Name == "_convert_output_to_json" {
			convertOutputs(doc)
		} else {
			n.problems = append(n.problems, "unknown normalizer generic/"+nz.Name)
		}
	default:
		n.problems = append(n.problems, "unknown normalizer type "+nz.Type)
	}
	return doc
}

// hyphenate is LocalStack's default replacement name for a key:
// "MD5OfBody" → "m-d5-of-body".
func hyphenate(k string) string {
	var b strings.Builder
	for _, r := range k {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "-")
}

func (n *normalizer) keyValue(doc any, key, repl string, reference bool) {
	walkMembers(doc, func(o *value.Object, k string, e any) bool {
		if k != key || isEmpty(e) {
			return false
		}
		if !reference {
			o.Set(k, repl)
			return true
		}
		if s, ok := e.(string); ok {
			n.addRef(s, repl)
			return true
		}
		return false
	})
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case value.Number:
		return value.CompareNumbers(x, "0") == 0
	case []any:
		return len(x) == 0
	case *value.Object:
		return x.Len() == 0
	}
	return false
}

// resourceName is the name part of an ARN, or "" when s is not an ARN or
// its name was already replaced.
func resourceName(s string) string {
	m := arnPattern.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	res := m[len(m)-1]
	switch {
	case strings.HasPrefix(res, "<") && strings.HasSuffix(res, ">"):
		return ""
	case strings.Contains(s, ":changeSet/"):
		return s[strings.LastIndex(s, ":changeSet/")+len(":changeSet/"):]
	case strings.Contains(res, "/"):
		return res[strings.LastIndex(res, "/")+1:]
	case strings.HasPrefix(res, "function:"):
		res = strings.Replace(res, "function:", "", 1)
		if i := strings.IndexByte(res, '$'); i >= 0 {
			res = strings.TrimRight(res[:i], ":")
		}
		return res
	case strings.HasPrefix(res, "layer:"):
		if parts := strings.Split(res, ":"); len(parts) == 3 {
			return parts[1]
		}
		return res
	case strings.Contains(res, ":"):
		return res[strings.LastIndex(res, ":")+1:]
	}
	return res
}

func (n *normalizer) resourceNames(doc any) {
	walkMembers(doc, func(_ *value.Object, _ string, e any) bool {
		s, ok := e.(string)
		if !ok {
			return false
		}
		if name := resourceName(s); name != "" {
			n.addRef(name, "resource")
		}
		return true
	})
}

// convertOutputs parses, in each event, the output of the first details
// object that has one, when it is JSON text (arrays and scalars too).
func convertOutputs(doc any) {
	p, _ := parsePath("$..events")
	for _, l := range p.find(doc) {
		evs, _ := l.get().([]any)
		for _, ev := range evs {
			o, ok := ev.(*value.Object)
			if !ok {
				continue
			}
			for _, d := range o.All() {
				det, ok := d.(*value.Object)
				if !ok || !det.Has("output") {
					continue
				}
				if s, ok := must(det.Get("output")).(string); ok {
					if v, err := value.ParseString(s); err == nil {
						det.Set("output", sortKeys(v))
					}
				}
				break
			}
		}
	}
}

func must(v any, _ bool) any { return v }

// normaliseParallel reproduces LocalStack's SfnNoneRecursiveParallelTransformer
// exactly, including what its in-place slice assignment during enumeration
// does to nested branches: events after a ParallelStateStarted get id [0]
// and previousEventId 0 and are sorted by their JSON text when the next
// ParallelState{Succeeded,Failed,Aborted,Exited} comes, and the slice
// replacement drops events when a second terminal event follows.
func normaliseParallel(events []any) []any {
	events = append([]any(nil), events...)
	start := 0
	var sub []any
	in := false
	for i := 0; i < len(events); i++ {
		ev, _ := events[i].(*value.Object)
		t, ok := must(ev.Get("type")).(string)
		switch {
		case ev == nil || !ok:
			in = false
		case t == "ParallelStateSucceeded" || t == "ParallelStateAborted" || t == "ParallelStateExited" || t == "ParallelStateFailed":
			sorted := append([]any(nil), sub...)
			sort.SliceStable(sorted, func(a, b int) bool { return pyDumps(sorted[a]) < pyDumps(sorted[b]) })
			lo, hi := start, i
			if lo > len(events) {
				lo = len(events)
			}
			if hi < lo { // Python: a[lo:hi] with hi < lo inserts at lo
				hi = lo
			}
			rest := append([]any(nil), events[hi:]...)
			events = append(append(events[:lo], sorted...), rest...)
			in = false
		case t == "ParallelStateStarted":
			in, sub, start = true, nil, i+1
		case in:
			ev.Set("id", []any{value.Number("0")})
			ev.Set("previousEventId", value.Number("0"))
			sub = append(sub, ev)
		}
	}
	return events
}

// generic applies LocalStack's default rules that work on the structure.
func (n *normalizer) generic(doc any) {
	removeKey(doc, "ResponseMetadata")
	walkMembers(doc, func(_ *value.Object, k string, e any) bool {
		s, ok := e.(string)
		if ok && strings.HasSuffix(strings.ToLower(k), "id") && uuidPrefix.MatchString(s) {
			n.addRef(s, "uuid")
			return true
		}
		return false
	})
	walkMembers(doc, func(o *value.Object, k string, e any) bool {
		switch k {
		case "startDate", "stopDate", "creationDate", "redriveDate", "updateDate":
			if _, ok := e.(value.Number); ok {
				o.Set(k, "datetime")
				e = "datetime"
			}
		}
		if strings.Contains(strings.ToLower(k), "timestamp") || k == "creationTime" || k == "ingestionTime" {
			if s, ok := e.(string); !ok || !isoDatePrefix.MatchString(s) {
				o.Set(k, "timestamp")
				return true
			}
		}
		return false
	})
}

// replaceISODates replaces every ISO-8601 date-time in text by "date", as
// isoDate.ReplaceAllLiteralString would, but looks only where a "T" follows
// something shaped like YYYY-MM-DD, which is much faster on long texts.
func replaceISODates(text string) string {
	var b strings.Builder
	last := 0
	for i := 10; i < len(text); i++ {
		if text[i] != 'T' || i-10 < last || !dateShaped(text[i-10:i]) {
			continue
		}
		loc := isoDatePrefix.FindStringIndex(text[i-10:])
		if loc == nil {
			continue
		}
		b.WriteString(text[last : i-10])
		b.WriteString("date")
		last = i - 10 + loc[1]
		i = last - 1
	}
	if b.Len() == 0 && last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func dateShaped(s string) bool {
	for i := 0; i < len(s); i++ {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		default:
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

// pySub is Python's re.sub(re, template, text): the template's \1, \g<1>,
// \g<name> and escapes are expanded; "$" is literal.
func pySub(re *regexp.Regexp, tmpl, text string) string {
	ms := re.FindAllStringSubmatchIndex(text, -1)
	if ms == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(text[last:m[0]])
		b.WriteString(expandPyTemplate(re, tmpl, text, m))
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func expandPyTemplate(re *regexp.Regexp, tmpl, text string, m []int) string {
	if !strings.Contains(tmpl, `\`) {
		return tmpl
	}
	group := func(i int) string {
		if i < 0 || 2*i+1 >= len(m) || m[2*i] < 0 {
			return ""
		}
		return text[m[2*i]:m[2*i+1]]
	}
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '\\' || i+1 == len(tmpl) {
			b.WriteByte(c)
			continue
		}
		i++
		switch d := tmpl[i]; {
		case d >= '0' && d <= '9':
			j := i + 1
			if j < len(tmpl) && tmpl[j] >= '0' && tmpl[j] <= '9' {
				j++
			}
			var g int
			fmt.Sscanf(tmpl[i:j], "%d", &g)
			b.WriteString(group(g))
			i = j - 1
		case d == 'g' && i+1 < len(tmpl) && tmpl[i+1] == '<':
			end := strings.IndexByte(tmpl[i:], '>')
			if end < 0 {
				b.WriteString(`\g`)
				continue
			}
			name := tmpl[i+2 : i+end]
			var g int
			if _, err := fmt.Sscanf(name, "%d", &g); err != nil {
				g = re.SubexpIndex(name)
			}
			b.WriteString(group(g))
			i += end
		case d == 'n':
			b.WriteByte('\n')
		case d == 't':
			b.WriteByte('\t')
		case d == 'r':
			b.WriteByte('\r')
		case d == '\\':
			b.WriteByte('\\')
		default:
			// Python keeps unknown escapes of punctuation as they are.
			b.WriteByte('\\')
			b.WriteByte(d)
		}
	}
	return b.String()
}
