package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// XPath fn:format-integer and its inverse, shared by $formatInteger,
// $parseInteger and the integer components of date/time pictures.

// integerStyle is the primary format token's kind.
type integerStyle int

const (
	styleDecimal integerStyle = iota
	styleLetters
	styleRoman
	styleWords
	styleSequence // a numbering sequence we do not support (D3130)
)

// letterCase is how names and words are written.
type letterCase int

const (
	caseLower letterCase = iota
	caseUpper
	caseTitle
)

// groupingSeparator is a grouping separator `position` digits from the
// right of a decimal-digit pattern.
type groupingSeparator struct {
	position int
	char     rune
}

// integerPicture is an analysed format-integer picture.
type integerPicture struct {
	style      integerStyle
	letterCase letterCase
	ordinal    bool
	token      string // the primary token, for D3130

	// decimal-digit patterns
	zeroCode        rune // the zero of the digit family
	mandatoryDigits int
	optionalDigits  int
	regular         bool // separators repeat every regularEvery digits
	regularEvery    int
	regularChar     rune
	separators      []groupingSeparator // when not regular, leftmost first
	parseWidth      int                 // exact digit count when parsing, 0 for any
}

// decimalDigitZeros are the zeros of the Unicode decimal digit families
// (of the Basic Multilingual Plane) that pictures may use.
var decimalDigitZeros = []rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
	0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
	0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

// digitZero returns the zero of r's decimal digit family.
func digitZero(r rune) (rune, bool) {
	for _, z := range decimalDigitZeros {
		if r >= z && r <= z+9 {
			return z, true
		}
	}
	return 0, false
}

// analyseIntegerPicture reads a format-integer picture: a primary token
// and an optional ";o" (ordinal) modifier.
func analyseIntegerPicture(picture string) (*integerPicture, error) {
	p := &integerPicture{style: styleDecimal, letterCase: caseLower}
	primary := picture
	if i := strings.LastIndexByte(picture, ';'); i >= 0 {
		primary = picture[:i]
		if strings.HasPrefix(picture[i+1:], "o") {
			p.ordinal = true
		}
	}
	switch primary {
	case "A":
		p.style, p.letterCase = styleLetters, caseUpper
	case "a":
		p.style = styleLetters
	case "I":
		p.style, p.letterCase = styleRoman, caseUpper
	case "i":
		p.style = styleRoman
	case "W":
		p.style, p.letterCase = styleWords, caseUpper
	case "Ww":
		p.style, p.letterCase = styleWords, caseTitle
	case "w":
		p.style = styleWords
	default:
		runes := []rune(primary)
		var zero rune
		var seps []groupingSeparator // rightmost first
		position := 0
		for i := len(runes) - 1; i >= 0; i-- {
			r := runes[i]
			if z, ok := digitZero(r); ok {
				p.mandatoryDigits++
				position++
				if zero == 0 {
					zero = z
				} else if z != zero {
					return nil, libError("D3131", picture, "in a decimal digit pattern, all digits must be from the same decimal group")
				}
				continue
			}
			if r == '#' {
				position++
				p.optionalDigits++
				continue
			}
			seps = append(seps, groupingSeparator{position, r})
		}
		if p.mandatoryDigits == 0 {
			p.style, p.token = styleSequence, primary
			return p, nil
		}
		p.zeroCode = zero
		if every := regularGrouping(seps); every > 0 {
			p.regular, p.regularEvery, p.regularChar = true, every, seps[0].char
		} else {
			for i := len(seps) - 1; i >= 0; i-- {
				p.separators = append(p.separators, seps[i])
			}
		}
	}
	return p, nil
}

// regularGrouping returns the interval at which separators (all the same
// character) repeat, or 0 when they are irregular or absent.
func regularGrouping(seps []groupingSeparator) int {
	if len(seps) == 0 {
		return 0
	}
	positions := make([]int, len(seps))
	for i, s := range seps {
		if s.char != seps[0].char {
			return 0
		}
		positions[i] = s.position
	}
	return regularFactor(positions)
}

// regularFactor is the greatest common divisor of positions when every
// multiple of it up to len(positions) appears among them, else 0.
func regularFactor(positions []int) int {
	if len(positions) == 0 {
		return 0
	}
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	factor := positions[0]
	for _, p := range positions[1:] {
		factor = gcd(factor, p)
	}
	for i := 1; i <= len(positions); i++ {
		found := false
		for _, p := range positions {
			if p == i*factor {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
	}
	return factor
}

// maxRoman bounds roman numerals, which grow linearly with the value.
const maxRoman = 1e7

// format writes an integer-valued f in the picture's style.
func (p *integerPicture) format(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", libError("D3001", f, "attempting to format Infinity or NaN as an integer")
	}
	negative := f < 0
	f = math.Abs(f)
	var out string
	switch p.style {
	case styleLetters:
		a := 'a'
		if p.letterCase == caseUpper {
			a = 'A'
		}
		out = toLetters(f, a)
	case styleRoman:
		if f >= maxRoman {
			return "", libError("D3130", f, "number too large for roman numerals")
		}
		out = toRoman(int(f))
		if p.letterCase == caseUpper {
			out = strings.ToUpper(out)
		}
	case styleWords:
		out = numberToWords(f, p.ordinal)
		switch p.letterCase {
		case caseUpper:
			out = strings.ToUpper(out)
		case caseLower:
			out = strings.ToLower(out)
		}
	case styleDecimal:
		out = p.formatDecimal(f)
	case styleSequence:
		return "", libError("D3130", p.token, "formatting or parsing an integer as a sequence starting with "+p.token+" is not supported by this implementation")
	}
	if negative {
		out = "-" + out
	}
	return out, nil
}

func (p *integerPicture) formatDecimal(f float64) string {
	digits := []rune(jsNumberString(f))
	if pad := p.mandatoryDigits - len(digits); pad > 0 {
		digits = append([]rune(strings.Repeat("0", pad)), digits...)
	}
	if p.zeroCode != '0' {
		for i, r := range digits {
			digits[i] = r + p.zeroCode - '0'
		}
	}
	// insert is jsonata-js's s.substr(0, pos) + r + s.substr(pos), whose
	// negative positions drop digits when a picture has more separators
	// than the number has digits; kept for identical output.
	insert := func(pos int, r rune) {
		n := len(digits)
		var left, right []rune
		if pos >= 0 {
			left = digits[:min(pos, n)]
			right = digits[min(pos, n):]
		} else {
			right = digits[max(n+pos, 0):]
		}
		digits = concatRunes(left, []rune{r}, right)
	}
	if p.regular {
		n := (len(digits) - 1) / p.regularEvery
		for i := n; i > 0; i-- {
			insert(len(digits)-i*p.regularEvery, p.regularChar)
		}
	} else {
		for _, s := range p.separators {
			insert(len(digits)-s.position, s.char)
		}
	}
	out := string(digits)
	if p.ordinal {
		suffix := "th"
		n := len(digits)
		if n > 0 && (n == 1 || digits[n-2] != '1') {
			switch digits[n-1] {
			case '1':
				suffix = "st"
			case '2':
				suffix = "nd"
			case '3':
				suffix = "rd"
			}
		}
		out += suffix
	}
	return out
}

// formatInteger is $formatInteger: f rounded down, then formatted.
func formatInteger(f float64, picture string) (string, error) {
	p, err := analyseIntegerPicture(picture)
	if err != nil {
		return "", err
	}
	return p.format(math.Floor(f))
}

var (
	smallNumberWords = []string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
		"Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	smallOrdinalWords = []string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
		"Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
	decadeWords    = []string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
	magnitudeWords = []string{"Thousand", "Million", "Billion", "Trillion"}
)

// decimalExponent is floor(log10(f)) for f > 0, read from f's decimal
// form so that exact powers of ten are not off by one.
func decimalExponent(f float64) int {
	s := strconv.FormatFloat(f, 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	e, _ := strconv.Atoi(s[i+1:])
	return e
}

// numberToWords writes a non-negative integer in English words, title
// case ("One Hundred and Twenty-Three"), as cardinal or ordinal.
func numberToWords(f float64, ordinal bool) string {
	var words func(n float64, prev, ord bool) string
	words = func(n float64, prev, ord bool) string {
		var b strings.Builder
		switch {
		case n <= 19:
			if prev {
				b.WriteString(" and ")
			}
			if ord {
				b.WriteString(smallOrdinalWords[int(n)])
			} else {
				b.WriteString(smallNumberWords[int(n)])
			}
		case n < 100:
			tens, rem := math.Floor(n/10), math.Mod(n, 10)
			if prev {
				b.WriteString(" and ")
			}
			w := decadeWords[int(tens)-2]
			switch {
			case rem > 0:
				b.WriteString(w + "-" + words(rem, false, ord))
			case ord:
				b.WriteString(w[:len(w)-1] + "ieth")
			default:
				b.WriteString(w)
			}
		case n < 1000:
			hundreds, rem := math.Floor(n/100), math.Mod(n, 100)
			if prev {
				b.WriteString(", ")
			}
			b.WriteString(smallNumberWords[int(hundreds)] + " Hundred")
			if rem > 0 {
				b.WriteString(words(rem, true, ord))
			} else if ord {
				b.WriteString("th")
			}
		default:
			mag := decimalExponent(n) / 3
			if mag > len(magnitudeWords) {
				mag = len(magnitudeWords)
			}
			factor := math.Pow(10, float64(mag*3))
			mant := math.Floor(n / factor)
			rem := n - mant*factor
			if prev {
				b.WriteString(", ")
			}
			b.WriteString(words(mant, false, false) + " " + magnitudeWords[mag-1])
			if rem > 0 {
				b.WriteString(words(rem, true, ord))
			} else if ord {
				b.WriteString("th")
			}
		}
		return b.String()
	}
	return words(f, false, ordinal)
}

// numberWordValue maps each lower-case number word to its value; the
// order is the reference implementation's, which the date parser's
// alternation follows.
type numberWord struct {
	word  string
	value float64
}

func numberWordList() []numberWord {
	var list []numberWord
	for i, w := range smallNumberWords {
		list = append(list, numberWord{strings.ToLower(w), float64(i)})
	}
	for i, w := range smallOrdinalWords {
		list = append(list, numberWord{strings.ToLower(w), float64(i)})
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		v := float64((i + 2) * 10)
		list = append(list, numberWord{lw, v}, numberWord{lw[:len(lw)-1] + "ieth", v})
	}
	list = append(list, numberWord{"hundredth", 100})
	for i, w := range magnitudeWords {
		lw := strings.ToLower(w)
		v := math.Pow(10, float64((i+1)*3))
		list = append(list, numberWord{lw, v}, numberWord{lw + "th", v})
	}
	return list
}

// numberWordValues is numberWordList as a map; never modified.
var numberWordValues = func() map[string]float64 {
	m := map[string]float64{}
	for _, w := range numberWordList() {
		m[w.word] = w.value
	}
	return m
}()

var wordSplitter = regexp.MustCompile(`,\s|\sand\s|[\s\\-]`)

// wordsToNumber reads English number words (lower case) back; NaN when a
// word is unknown.
func wordsToNumber(text string) float64 {
	values := numberWordValues
	segs := []float64{0}
	for _, part := range wordSplitter.Split(text, -1) {
		v, ok := values[part]
		if !ok {
			v = math.NaN()
		}
		top := segs[len(segs)-1]
		segs = segs[:len(segs)-1]
		if v < 100 {
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+v)
		} else {
			segs = append(segs, top*v)
		}
	}
	total := 0.0
	for _, s := range segs {
		total += s
	}
	return total
}

var romanNumerals = []struct {
	value int
	text  string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"},
	{10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

func toRoman(n int) string {
	var b strings.Builder
	for _, r := range romanNumerals {
		for n >= r.value {
			b.WriteString(r.text)
			n -= r.value
		}
	}
	return b.String()
}

// fromRoman reads upper-case roman numerals; NaN for other letters.
func fromRoman(s string) float64 {
	values := map[byte]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}
	total, highest := 0.0, 1.0
	for i := len(s) - 1; i >= 0; i-- {
		v, ok := values[s[i]]
		if !ok {
			return math.NaN()
		}
		if v < highest {
			total -= v
		} else {
			highest = v
			total += v
		}
	}
	return total
}

// toLetters writes n in spreadsheet column style: a…z, aa, ab…
func toLetters(n float64, a rune) string {
	var out []rune
	for n > 0 {
		out = append([]rune{rune(math.Mod(n-1, 26)) + a}, out...)
		n = math.Floor((n - 1) / 26)
	}
	return string(out)
}

func fromLetters(s string, a rune) float64 {
	total := 0.0
	runes := []rune(s)
	for i := range runes {
		total += float64(runes[len(runes)-1-i]-a+1) * math.Pow(26, float64(i))
	}
	return total
}

// parse reads text written in the picture's style. Like the reference
// implementation it does not check the text against the picture.
func (p *integerPicture) parse(text string) (float64, error) {
	switch p.style {
	case styleLetters:
		a := 'a'
		if p.letterCase == caseUpper {
			a = 'A'
		}
		return fromLetters(text, a), nil
	case styleRoman:
		if p.letterCase != caseUpper {
			text = strings.ToUpper(text)
		}
		return fromRoman(text), nil
	case styleWords:
		return wordsToNumber(strings.ToLower(text)), nil
	case styleDecimal:
		digits := text
		if p.ordinal && len(digits) >= 2 {
			digits = digits[:len(digits)-2]
		}
		if p.regular {
			// The reference implementation strips commas here, whatever
			// the separator.
			digits = strings.ReplaceAll(digits, ",", "")
		} else {
			for _, s := range p.separators {
				digits = strings.ReplaceAll(digits, string(s.char), "")
			}
		}
		if p.zeroCode != '0' {
			var b strings.Builder
			for _, r := range digits {
				b.WriteRune(r - p.zeroCode + '0')
			}
			digits = b.String()
		}
		return jsParseInt(digits), nil
	}
	return 0, libError("D3130", p.token, "formatting or parsing an integer as a sequence starting with "+p.token+" is not supported by this implementation")
}

// parseInteger is $parseInteger.
func parseInteger(text, picture string) (float64, error) {
	p, err := analyseIntegerPicture(picture)
	if err != nil {
		return 0, err
	}
	return p.parse(text)
}

func fnFormatInteger(args []any) (any, error) {
	f, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	picture, _ := argString(args, 1)
	s, err := formatInteger(f, picture)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func fnParseInteger(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	text, _ := argString(args, 0)
	picture, _ := argString(args, 1)
	f, err := parseInteger(text, picture)
	if err != nil {
		return nil, err
	}
	return f, nil
}
