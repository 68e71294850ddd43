package jsonata

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// formatLibrary holds the picture-string number functions.
func formatLibrary() []builtin {
	return []builtin{
		{"formatNumber", "<n-so?:s>", fnFormatNumber},
		{"formatInteger", "<n-s:s>", fnFormatInteger},
		{"parseInteger", "<s-s:n>", fnParseInteger},
	}
}

// decimalFormat is the XPath decimal format that $formatNumber's options
// override, keyed as in the options object.
type decimalFormat map[string]string

func defaultDecimalFormat() decimalFormat {
	return decimalFormat{
		"decimal-separator":  ".",
		"grouping-separator": ",",
		"exponent-separator": "e",
		"infinity":           "Infinity",
		"minus-sign":         "-",
		"NaN":                "NaN",
		"percent":            "%",
		"per-mille":          "\u2030",
		"zero-digit":         "0",
		"digit":              "#",
		"pattern-separator":  ";",
	}
}

// Rune-slice versions of the JavaScript string operations the algorithm
// is specified with.

func runeIndexFrom(h, n []rune, from int) int {
	if from < 0 {
		from = 0
	}
	for i := from; i+len(n) <= len(h); i++ {
		if runesEqual(h[i:i+len(n)], n) {
			return i
		}
	}
	return -1
}

func runeIndex(h, n []rune) int { return runeIndexFrom(h, n, 0) }

func runeLastIndex(h, n []rune) int {
	for i := len(h) - len(n); i >= 0; i-- {
		if runesEqual(h[i:i+len(n)], n) {
			return i
		}
	}
	return -1
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runeSubstring is String.prototype.substring: bounds clamped, swapped
// when reversed.
func runeSubstring(s []rune, start, end int) []rune {
	clamp := func(i int) int { return max(0, min(i, len(s))) }
	start, end = clamp(start), clamp(end)
	if start > end {
		start, end = end, start
	}
	return s[start:end]
}

// runeSlice is String.prototype.slice: negative bounds count from the end.
func runeSlice(s []rune, start, end int) []rune {
	i, j := jsSliceBounds(len(s), float64(start), float64(end), true)
	return s[i:j]
}

func concatRunes(parts ...[]rune) []rune {
	var out []rune
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// maxFractionDigits bounds the decimals a picture may ask for; the exact
// expansion jsToFixed works from has fewer than 1100.
const maxFractionDigits = 1000

// jsToFixed is Number.prototype.toFixed for x >= 0: the exact decimal
// value rounded half up, or the exponent form from 1e21 on.
func jsToFixed(x float64, digits int) string {
	if x >= 1e21 || math.IsNaN(x) || math.IsInf(x, 0) {
		return jsNumberString(x)
	}
	var all string
	var intLen int
	if d, e, ok := shortestDigits(x); ok && e+1+digits <= maxShortcutDigits && !onMidpoint(d, e+1+digits) {
		// Few enough digits: rounding the shortest representation gives
		// the same as rounding the exact value (see shortestDigits).
		k := e + 1 + digits
		if k < 0 {
			d, k = "", 0
		}
		for len(d) < k {
			d += "0"
		}
		kept, carry := roundHalfUp(d[:k], d[k:])
		if carry {
			kept = "1" + kept
		}
		all, intLen = kept, len(kept)-digits
	} else {
		text := new(big.Float).SetFloat64(x).Text('f', 1100)
		dot := strings.IndexByte(text, '.')
		kept, carry := roundHalfUp(text[:dot]+text[dot+1:dot+1+digits], text[dot+1+digits:])
		if carry {
			kept = "1" + kept
		}
		all, intLen = kept, len(kept)-digits
	}
	for intLen <= 0 {
		all, intLen = "0"+all, intLen+1
	}
	if digits == 0 {
		return all
	}
	return all[:intLen] + "." + all[intLen:]
}

// maxShortcutDigits is how many significant digits a rounding may keep
// and still be done on the shortest representation: a double's shortest
// digits lie within half a unit in the last place of its exact value, so
// on a decimal grid coarser than that (15 digits or fewer) no rounding
// midpoint lies between the two, and they round alike unless the
// shortest digits are the midpoint itself (onMidpoint).
const maxShortcutDigits = 15

// onMidpoint reports whether digits, cut after k, end in exactly "5":
// the shortest form then sits on the rounding midpoint while the exact
// value may lie either side of it (9.995 is 9.99499…).
func onMidpoint(digits string, k int) bool {
	return k >= 0 && k < len(digits) && digits[k:] == "5"
}

// shortestDigits returns x's shortest round-trip decimal digits and the
// power of ten of the first one (x = 0.d₁d₂… × 10^(e+1)).
func shortestDigits(x float64) (string, int, bool) {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "", 0, false
	}
	s := strconv.FormatFloat(math.Abs(x), 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	e, err := strconv.Atoi(s[i+1:])
	return strings.Replace(s[:i], ".", "", 1), e, err == nil
}

// roundHalfUp rounds the decimal digit string kept by the digits that
// follow it; carry reports a carry out of the first digit (kept is then
// all zeros, or empty).
func roundHalfUp(kept, rest string) (string, bool) {
	if rest == "" || rest[0] < '5' {
		return kept, false
	}
	b := []byte(kept)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '9' {
			b[i] = '0'
			continue
		}
		b[i]++
		return string(b), false
	}
	return string(b), true
}

// jsToPrecision is Number.prototype.toPrecision's digits for finite x,
// as an exponent-form number text: the exact value rounded half away
// from zero to p significant digits (Go's formatting rounds exact ties
// to even instead).
func jsToPrecision(x float64, p int) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return jsNumberString(x)
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	mant, exp, _ := shortestDigits(x)
	if p > maxShortcutDigits || onMidpoint(mant, p) {
		text := new(big.Float).SetFloat64(x).Text('e', 1100)
		e := strings.IndexByte(text, 'e')
		mant = strings.Replace(text[:e], ".", "", 1)
		exp, _ = strconv.Atoi(text[e+1:])
	}
	for len(mant) < p {
		mant += "0"
	}
	kept, carry := roundHalfUp(mant[:p], mant[p:])
	if carry {
		kept = "1" + kept[:len(kept)-1]
		exp++
	}
	return sign + kept[:1] + "." + kept[1:] + "e" + strconv.Itoa(exp)
}

// numberPicture is one analysed sub-picture of a format-number picture.
type numberPicture struct {
	prefix, suffix         []rune
	activePart, mantissa   []rune
	exponentPart           []rune
	hasExponent            bool
	integerPart, fracPart  []rune
	picture                []rune
	integerGroupPositions  []int
	regularGrouping        int
	minIntegerSize         int
	scalingFactor          int
	fractionGroupPositions []int
	minFractionSize        int
	maxFractionSize        int
	minExponentSize        int
}

// numberFormatter formats numbers with one decimal format.
type numberFormatter struct {
	props  decimalFormat
	family []rune // the ten digits, zero first
}

func (f *numberFormatter) prop(name string) []rune { return []rune(f.props[name]) }

func (f *numberFormatter) isDigit(r rune) bool {
	return len(f.family) > 0 && r >= f.family[0] && r <= f.family[9]
}

// isActive: digits and the separator, digit and pattern-separator signs.
func (f *numberFormatter) isActive(r rune) bool {
	if f.isDigit(r) {
		return true
	}
	s := string(r)
	for _, k := range []string{"decimal-separator", "exponent-separator", "grouping-separator", "digit", "pattern-separator"} {
		if f.props[k] == s {
			return true
		}
	}
	return false
}

func (f *numberFormatter) isDigitOrOptional(r rune) bool {
	return f.isDigit(r) || string(r) == f.props["digit"]
}

func (f *numberFormatter) countDigits(s []rune, optional bool) int {
	n := 0
	for _, r := range s {
		if f.isDigit(r) || (optional && string(r) == f.props["digit"]) {
			n++
		}
	}
	return n
}

func (f *numberFormatter) splitParts(sub []rune) *numberPicture {
	expSep := f.props["exponent-separator"]
	p := &numberPicture{picture: sub}
	for i, r := range sub {
		if f.isActive(r) && string(r) != expSep {
			p.prefix = sub[:i]
			break
		}
	}
	for i := len(sub) - 1; i >= 0; i-- {
		if f.isActive(sub[i]) && string(sub[i]) != expSep {
			p.suffix = sub[i+1:]
			break
		}
	}
	p.activePart = runeSubstring(sub, len(p.prefix), len(sub)-len(p.suffix))
	expPos := runeIndexFrom(sub, []rune(expSep), len(p.prefix))
	if expPos == -1 || expPos > len(sub)-len(p.suffix) {
		p.mantissa = p.activePart
	} else {
		// jsonata-js indexes the active part with a position in the whole
		// sub-picture; the same here, for the same results.
		p.mantissa = runeSubstring(p.activePart, 0, expPos)
		p.exponentPart = runeSubstring(p.activePart, expPos+1, len(p.activePart))
		p.hasExponent = true
	}
	if dp := runeIndex(p.mantissa, f.prop("decimal-separator")); dp == -1 {
		p.integerPart = p.mantissa
		p.fracPart = p.suffix
	} else {
		p.integerPart = runeSubstring(p.mantissa, 0, dp)
		p.fracPart = runeSubstring(p.mantissa, dp+1, len(p.mantissa))
	}
	return p
}

func charAt(s []rune, i int) string {
	if i < 0 || i >= len(s) {
		return ""
	}
	return string(s[i])
}

// validate applies the picture rules of F&O 4.7.3; as in jsonata-js, the
// last rule broken names the error.
func (f *numberFormatter) validate(p *numberPicture) error {
	code := ""
	sub := p.picture
	decSep, groupSep := f.prop("decimal-separator"), f.props["grouping-separator"]
	percent, perMille := f.prop("percent"), f.prop("per-mille")
	decimalPos := runeIndex(sub, decSep)
	if decimalPos != runeLastIndex(sub, decSep) {
		code = "D3081"
	}
	if runeIndex(sub, percent) != runeLastIndex(sub, percent) {
		code = "D3082"
	}
	if runeIndex(sub, perMille) != runeLastIndex(sub, perMille) {
		code = "D3083"
	}
	if runeIndex(sub, percent) != -1 && runeIndex(sub, perMille) != -1 {
		code = "D3084"
	}
	valid := false
	for _, r := range p.mantissa {
		if f.isDigitOrOptional(r) {
			valid = true
			break
		}
	}
	if !valid {
		code = "D3085"
	}
	for _, r := range p.activePart {
		if !f.isActive(r) {
			code = "D3086"
			break
		}
	}
	if decimalPos != -1 {
		if charAt(sub, decimalPos-1) == groupSep || charAt(sub, decimalPos+1) == groupSep {
			code = "D3087"
		}
	} else if charAt(p.integerPart, len(p.integerPart)-1) == groupSep {
		code = "D3088"
	}
	if runeIndex(sub, []rune(groupSep+groupSep)) != -1 {
		code = "D3089"
	}
	if pos := runeIndex(p.integerPart, f.prop("digit")); pos != -1 && f.countDigits(p.integerPart[:pos], false) > 0 {
		code = "D3090"
	}
	if pos := runeLastIndex(p.fracPart, f.prop("digit")); pos != -1 && f.countDigits(p.fracPart[pos:], false) > 0 {
		code = "D3091"
	}
	if p.hasExponent && len(p.exponentPart) > 0 && (runeIndex(sub, percent) != -1 || runeIndex(sub, perMille) != -1) {
		code = "D3092"
	}
	if p.hasExponent && (len(p.exponentPart) == 0 || f.countDigits(p.exponentPart, false) != len(p.exponentPart)) {
		code = "D3093"
	}
	if code != "" {
		return libError(code, string(sub), formatNumberMessages[code])
	}
	return nil
}

var formatNumberMessages = map[string]string{
	"D3080": "the picture string must not contain more than one instance of the pattern-separator character",
	"D3081": "a sub-picture must not contain more than one instance of the decimal-separator character",
	"D3082": "a sub-picture must not contain more than one instance of the percent character",
	"D3083": "a sub-picture must not contain more than one instance of the per-mille character",
	"D3084": "a sub-picture must not contain both a percent and a per-mille character",
	"D3085": "the mantissa part of a sub-picture must contain at least one character that is either an optional digit character or a member of the decimal digit family",
	"D3086": "a sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
	"D3087": "a group separator must not be adjacent to a decimal separator",
	"D3088": "the integer part of a sub-picture must not end in a grouping-separator character",
	"D3089": "a sub-picture must not contain two adjacent instances of the grouping-separator character",
	"D3090": "the integer part of a sub-picture must not contain a member of the decimal digit family that is followed by an instance of the optional digit character",
	"D3091": "the fractional part of a sub-picture must not contain an instance of the optional digit character that is followed by a member of the decimal digit family",
	"D3092": "a sub-picture that contains a percent or per-mille character must not contain a character treated as an exponent-separator",
	"D3093": "the exponent part of a sub-picture must consist of one or more characters that are members of the decimal digit family",
}

// groupingPositions counts, for each grouping separator, the digits to
// its right (or left, for the fractional part). Like jsonata-js, it looks
// for the later separators in the integer part whichever part it reads.
func (f *numberFormatter) groupingPositions(p *numberPicture, part []rune, toLeft bool) []int {
	sep := f.prop("grouping-separator")
	var positions []int
	pos := runeIndex(part, sep)
	for pos != -1 && len(positions) <= len(p.picture) {
		var span []rune
		if toLeft {
			span = runeSubstring(part, 0, pos)
		} else {
			span = runeSubstring(part, pos, len(part))
		}
		positions = append(positions, f.countDigits(span, true))
		pos = runeIndexFrom(p.integerPart, sep, pos+1)
	}
	return positions
}

// analyse derives the formatting variables of F&O 4.7.4.
func (f *numberFormatter) analyse(p *numberPicture) {
	p.integerGroupPositions = f.groupingPositions(p, p.integerPart, false)
	p.regularGrouping = regularFactor(p.integerGroupPositions)
	p.fractionGroupPositions = f.groupingPositions(p, p.fracPart, true)
	p.minIntegerSize = f.countDigits(p.integerPart, false)
	p.scalingFactor = p.minIntegerSize
	p.minFractionSize = f.countDigits(p.fracPart, false)
	p.maxFractionSize = f.countDigits(p.fracPart, true)
	if p.minIntegerSize == 0 && p.maxFractionSize == 0 {
		if p.hasExponent {
			p.minFractionSize, p.maxFractionSize = 1, 1
		} else {
			p.minIntegerSize = 1
		}
	}
	if p.hasExponent && p.minIntegerSize == 0 && runeIndex(p.integerPart, f.prop("digit")) != -1 {
		p.minIntegerSize = 1
	}
	if p.minIntegerSize == 0 && p.minFractionSize == 0 {
		p.minFractionSize = 1
	}
	if p.hasExponent {
		p.minExponentSize = f.countDigits(p.exponentPart, false)
	}
}

// digitsIn writes |x| with dp decimals in the format's digit family.
func (f *numberFormatter) digitsIn(x float64, dp int) []rune {
	s := []rune(jsToFixed(math.Abs(x), dp))
	for i, r := range s {
		if r >= '0' && r <= '9' {
			s[i] = f.family[r-'0']
		}
	}
	return s
}

// formatNumber is $formatNumber: XPath fn:format-number with the
// decimal-format properties in options.
func formatNumber(x float64, picture string, options *value.Object) (string, error) {
	props := defaultDecimalFormat()
	if options != nil {
		for k, v := range options.All() {
			s, ok := v.(string)
			if !ok {
				return "", libError("D3080", v, "the decimal format property "+k+" must be a string")
			}
			props[k] = s
		}
	}
	zero := []rune(props["zero-digit"])
	if len(zero) == 0 {
		zero = []rune{'0'}
	}
	f := &numberFormatter{props: props}
	for i := range 10 {
		f.family = append(f.family, zero[0]+rune(i))
	}
	subs := strings.Split(picture, props["pattern-separator"])
	if len(subs) > 2 {
		return "", libError("D3080", picture, formatNumberMessages["D3080"])
	}
	var pics []*numberPicture
	for _, s := range subs {
		p := f.splitParts([]rune(s))
		if err := f.validate(p); err != nil {
			return "", err
		}
		pics = append(pics, p)
	}
	for _, p := range pics {
		f.analyse(p)
	}
	minus := f.prop("minus-sign")
	if len(pics) == 1 {
		neg := *pics[0]
		neg.prefix = concatRunes(minus, neg.prefix)
		pics = append(pics, &neg)
	}
	pic := pics[0]
	if !(x >= 0) {
		pic = pics[1]
	}
	adjusted := x
	if runeIndex(pic.picture, f.prop("percent")) != -1 {
		adjusted = x * 100
	} else if runeIndex(pic.picture, f.prop("per-mille")) != -1 {
		adjusted = x * 1000
	}
	mantissa, exponent := adjusted, 0
	if pic.minExponentSize != 0 && mantissa != 0 && !math.IsNaN(mantissa) && !math.IsInf(mantissa, 0) {
		maxM := math.Pow(10, float64(pic.scalingFactor))
		minM := math.Pow(10, float64(pic.scalingFactor-1))
		for math.Abs(mantissa) < minM {
			mantissa *= 10
			exponent--
		}
		for math.Abs(mantissa) > maxM {
			mantissa /= 10
			exponent++
		}
	}
	if pic.maxFractionSize > maxFractionDigits {
		return "", libError("D3091", picture, "the picture has more fractional digits than can be written")
	}
	rounded := roundHalfEven(mantissa, pic.maxFractionSize)
	s := f.digitsIn(rounded, pic.maxFractionSize)
	decSep, zeroDigit, groupSep := f.prop("decimal-separator"), string(f.props["zero-digit"]), f.prop("grouping-separator")
	if i := runeIndex(s, []rune(".")); i == -1 {
		s = concatRunes(s, decSep)
	} else {
		s = concatRunes(s[:i], decSep, s[i+1:])
	}
	for len(s) > 0 && string(s[0]) == zeroDigit {
		s = s[1:]
	}
	for len(s) > 0 && string(s[len(s)-1]) == zeroDigit {
		s = s[:len(s)-1]
	}
	decimalPos := runeIndex(s, decSep)
	padLeft := pic.minIntegerSize - decimalPos
	padRight := pic.minFractionSize - (len(s) - decimalPos - 1)
	if padLeft > 0 {
		s = concatRunes([]rune(strings.Repeat(zeroDigit, padLeft)), s)
	}
	if padRight > 0 {
		s = concatRunes(s, []rune(strings.Repeat(zeroDigit, padRight)))
	}
	decimalPos = runeIndex(s, decSep)
	if pic.regularGrouping > 0 {
		groups := (decimalPos - 1) / pic.regularGrouping
		for g := 1; g <= groups; g++ {
			at := decimalPos - g*pic.regularGrouping
			s = concatRunes(runeSlice(s, 0, at), groupSep, runeSlice(s, at, len(s)))
		}
	} else {
		for _, pos := range pic.integerGroupPositions {
			at := decimalPos - pos
			s = concatRunes(runeSlice(s, 0, at), groupSep, runeSlice(s, at, len(s)))
			decimalPos++
		}
	}
	decimalPos = runeIndex(s, decSep)
	for _, pos := range pic.fractionGroupPositions {
		at := pos + decimalPos + 1
		s = concatRunes(runeSlice(s, 0, at), groupSep, runeSlice(s, at, len(s)))
	}
	decimalPos = runeIndex(s, decSep)
	if runeIndex(pic.picture, decSep) == -1 || decimalPos == len(s)-1 {
		if len(s) > 0 {
			s = s[:len(s)-1]
		}
	}
	if pic.hasExponent && pic.minExponentSize != 0 {
		e := f.digitsIn(float64(exponent), 0)
		if pad := pic.minExponentSize - len(e); pad > 0 {
			e = concatRunes([]rune(strings.Repeat(zeroDigit, pad)), e)
		}
		s = concatRunes(s, f.prop("exponent-separator"))
		if exponent < 0 {
			s = concatRunes(s, minus)
		}
		s = concatRunes(s, e)
	}
	return string(pic.prefix) + string(s) + string(pic.suffix), nil
}

func fnFormatNumber(args []any) (any, error) {
	x, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	picture, _ := argString(args, 1)
	var options *value.Object
	if argDefined(args, 2) {
		o, ok := args[2].(*value.Object)
		if !ok {
			return nil, libError("T0410", args[2], "argument 3 of function $formatNumber must be an object")
		}
		options = o
	}
	s, err := formatNumber(x, picture, options)
	if err != nil {
		return nil, err
	}
	return s, nil
}
