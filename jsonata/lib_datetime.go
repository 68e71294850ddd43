package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// dateLibrary holds $fromMillis. $toMillis fills the parts of a timestamp
// its picture leaves out from the evaluation's clock, so the evaluator
// registers it: toMillisBuiltin(clock), or toMillisAt inside its own
// wrapper.
func dateLibrary() []builtin {
	return []builtin{
		{"fromMillis", "<n-s?s?:s>", fnFromMillis},
	}
}

// toMillisBuiltin is $toMillis with the clock that supplies the parts of
// a timestamp its picture leaves out.
func toMillisBuiltin(now func() time.Time) builtin {
	return builtin{"toMillis", "<s-s?:n>", func(args []any) (any, error) { return toMillisAt(args, now) }}
}

// toMillisAt runs $toMillis on its (already checked) arguments, taking
// the date parts a picture leaves out from now, which is only called when
// one is needed.
func toMillisAt(args []any, now func() time.Time) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	if !argDefined(args, 1) {
		ms, ok := parseISO8601(s)
		if !ok {
			return nil, libError("D3110", s, "the timestamp cannot be parsed: it must be in ISO 8601 format")
		}
		return ms, nil
	}
	picture, _ := argString(args, 1)
	return parseDateTime(s, picture, now)
}

const millisPerDay = 24 * 60 * 60 * 1000

// dateTimePart is a literal or a variable marker of a date/time picture
// (XPath F&O 9.8.4).
type dateTimePart struct {
	literal   string
	isLiteral bool

	component     rune
	presentation1 string
	presentation2 string // "o" for ordinals; "t" for Z when the offset is 0
	names         letterCase
	hasNames      bool
	widthMin      int // -1 when absent
	widthMax      int // -1 when absent
	integer       *integerPicture
	yearDigits    int // how many low digits of the year to show; -1 for all
}

var defaultPresentation = map[rune]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
	'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
}

var markerSpace = regexp.MustCompile(`\s+`)

// analyseDateTimePicture splits a picture into literals and markers.
func analyseDateTimePicture(picture string) ([]*dateTimePart, error) {
	var parts []*dateTimePart
	addLiteral := func(start, end int) {
		if end > start {
			lit := strings.ReplaceAll(picture[start:end], "]]", "]")
			parts = append(parts, &dateTimePart{literal: lit, isLiteral: true})
		}
	}
	start, pos := 0, 0
	for pos < len(picture) {
		if picture[pos] != '[' {
			pos++
			continue
		}
		if pos+1 < len(picture) && picture[pos+1] == '[' {
			addLiteral(start, pos)
			parts = append(parts, &dateTimePart{literal: "[", isLiteral: true})
			pos += 2
			start = pos
			continue
		}
		addLiteral(start, pos)
		start = pos
		end := strings.IndexByte(picture[start:], ']')
		if end < 0 {
			return nil, libError("D3135", picture, "no matching closing bracket ']' in date/time picture string")
		}
		pos = start + end
		part, err := analyseMarker(markerSpace.ReplaceAllString(picture[start+1:pos], ""))
		if err != nil {
			return nil, err
		}
		if part.integer != nil && part.component != 'Z' && part.component != 'z' && len(parts) > 0 {
			// Adjacent integer markers need exact widths to be parsed.
			if prev := parts[len(parts)-1]; prev.integer != nil {
				prev.integer.parseWidth = prev.integer.mandatoryDigits
			}
		}
		parts = append(parts, part)
		start = pos + 1
		pos++
	}
	addLiteral(start, pos)
	return parts, nil
}

// analyseMarker reads the inside of one [marker].
func analyseMarker(marker string) (*dateTimePart, error) {
	part := &dateTimePart{widthMin: -1, widthMax: -1, yearDigits: -1}
	component, size := utf8.DecodeRuneInString(marker)
	part.component = component
	if marker == "" {
		part.component = 0
	}
	body := marker[size:]
	presMod := body
	if comma := strings.LastIndexByte(body, ','); comma >= 0 {
		width := body[comma+1:]
		presMod = body[:comma]
		minText, maxText := width, ""
		if dash := strings.IndexByte(width, '-'); dash >= 0 {
			minText, maxText = width[:dash], width[dash+1:]
		}
		part.widthMin = parseWidth(minText)
		part.widthMax = parseWidth(maxText)
	}
	switch n := utf8.RuneCountInString(presMod); {
	case n == 1:
		part.presentation1 = presMod
	case n > 1:
		last := presMod[len(presMod)-1]
		if strings.IndexByte("atco", last) >= 0 {
			part.presentation2 = string(last)
			part.presentation1 = presMod[:len(presMod)-1]
		} else {
			part.presentation1 = presMod
		}
	default:
		p, ok := defaultPresentation[part.component]
		if !ok {
			return nil, libError("D3132", string(part.component), "unknown component specifier "+string(part.component)+" in date/time picture string")
		}
		part.presentation1 = p
	}
	switch {
	case strings.HasPrefix(part.presentation1, "n"):
		part.names, part.hasNames = caseLower, true
	case strings.HasPrefix(part.presentation1, "N"):
		part.hasNames = true
		part.names = caseUpper
		if strings.HasPrefix(part.presentation1[1:], "n") {
			part.names = caseTitle
		}
	case strings.ContainsRune("YMDdFWwXxHhmsf", part.component):
		pattern := part.presentation1
		if part.presentation2 != "" {
			pattern += ";" + part.presentation2
		}
		p, err := analyseIntegerPicture(pattern)
		if err != nil {
			return nil, err
		}
		part.integer = p
		// Digit counts only mean something for decimal pictures (jsonata-js
		// leaves them unset otherwise, and its comparisons then fail).
		decimal := p.style == styleDecimal
		if decimal && part.widthMin >= 0 && p.mandatoryDigits < part.widthMin {
			p.mandatoryDigits = part.widthMin
		}
		if part.component == 'Y' {
			if part.widthMax >= 0 {
				part.yearDigits = part.widthMax
				p.mandatoryDigits = part.widthMax
			} else if w := p.mandatoryDigits + p.optionalDigits; decimal && w >= 2 {
				part.yearDigits = w
			}
		}
	}
	if part.component == 'Z' || part.component == 'z' {
		p, err := analyseIntegerPicture(part.presentation1)
		if err != nil {
			return nil, err
		}
		part.integer = p
	}
	return part, nil
}

// parseWidth reads one side of a width modifier; -1 for "*" or absent.
func parseWidth(s string) int {
	if s == "" || s == "*" {
		return -1
	}
	f := jsParseInt(s)
	if math.IsNaN(f) || f < 0 {
		return -1
	}
	return int(math.Min(f, 1000))
}

var (
	dayNames   = []string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// utcMillis is Date.UTC for whole-number arguments (month from 0).
func utcMillis(year, month, day int) float64 {
	return float64(time.Date(year, time.Month(month+1), day, 0, 0, 0, 0, time.UTC).UnixMilli())
}

// startOfFirstWeek is the Monday starting week 1 of the month (ISO 8601:
// the week holding the first Thursday).
func startOfFirstWeek(year, month int) float64 {
	first := utcMillis(year, month, 1)
	dow := int(time.Date(year, time.Month(month+1), 1, 0, 0, 0, 0, time.UTC).Weekday())
	if dow == 0 {
		dow = 7
	}
	if dow > 4 {
		return first + float64(8-dow)*millisPerDay
	}
	return first - float64(dow-1)*millisPerDay
}

func deltaWeeks(start, end float64) float64 { return (end-start)/(millisPerDay*7) + 1 }

// nextMonth and previousMonth step a (year, month-from-0) pair.
func nextMonth(y, m int) (int, int) {
	if m == 11 {
		return y + 1, 0
	}
	return y, m + 1
}

func previousMonth(y, m int) (int, int) {
	if m == 0 {
		return y - 1, 11
	}
	return y, m - 1
}

// dateFragment is one component of t; isText is set for the am/pm
// marker and the calendar and era names, and ok is false for a component
// letter that means nothing.
func dateFragment(t time.Time, component rune) (num float64, text string, isText, ok bool) {
	y, mo, d := t.Date()
	month := int(mo) - 1
	today := utcMillis(y, month, d)
	switch component {
	case 'Y':
		return float64(y), "", false, true
	case 'M':
		return float64(month + 1), "", false, true
	case 'D':
		return float64(d), "", false, true
	case 'd':
		return (today-utcMillis(y, 0, 1))/millisPerDay + 1, "", false, true
	case 'F':
		dow := int(t.Weekday())
		if dow == 0 {
			dow = 7
		}
		return float64(dow), "", false, true
	case 'W':
		week := deltaWeeks(startOfFirstWeek(y, 0), today)
		if week > 52 {
			if today >= startOfFirstWeek(y+1, 0) {
				week = 1
			}
		} else if week < 1 {
			week = deltaWeeks(startOfFirstWeek(y-1, 0), today)
		}
		return math.Floor(week), "", false, true
	case 'w':
		week := deltaWeeks(startOfFirstWeek(y, month), today)
		if week > 4 {
			ny, nm := nextMonth(y, month)
			if today >= startOfFirstWeek(ny, nm) {
				week = 1
			}
		} else if week < 1 {
			py, pm := previousMonth(y, month)
			week = deltaWeeks(startOfFirstWeek(py, pm), today)
		}
		return math.Floor(week), "", false, true
	case 'X':
		now := float64(t.UnixMilli())
		switch {
		case now < startOfFirstWeek(y, 0):
			return float64(y - 1), "", false, true
		case now >= startOfFirstWeek(y+1, 0):
			return float64(y + 1), "", false, true
		}
		return float64(y), "", false, true
	case 'x':
		now := float64(t.UnixMilli())
		ny, nm := nextMonth(y, month)
		switch {
		case now < startOfFirstWeek(y, month):
			_, pm := previousMonth(y, month)
			return float64(pm + 1), "", false, true
		case now >= startOfFirstWeek(ny, nm):
			return float64(nm + 1), "", false, true
		}
		return float64(month + 1), "", false, true
	case 'H':
		return float64(t.Hour()), "", false, true
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return float64(h), "", false, true
	case 'P':
		if t.Hour() >= 12 {
			return 0, "pm", true, true
		}
		return 0, "am", true, true
	case 'm':
		return float64(t.Minute()), "", false, true
	case 's':
		return float64(t.Second()), "", false, true
	case 'f':
		return float64(t.Nanosecond() / 1e6), "", false, true
	case 'C', 'E':
		return 0, "ISO", true, true
	}
	return 0, "", false, false
}

// isoPicture is the picture $fromMillis uses by default.
const isoPicture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

// maxDateMillis is the ECMAScript time value range.
const maxDateMillis = 8.64e15

// formatDateTime is $fromMillis: millis since the epoch written with an
// XPath date/time picture, in the timezone given as ±HHMM.
func formatDateTime(millis float64, picture string, timezone string, hasTimezone bool) (string, error) {
	offsetHours, offsetMinutes := 0.0, 0.0
	if hasTimezone {
		if off := jsParseInt(timezone); !math.IsNaN(off) {
			offsetHours = math.Floor(off / 100)
			offsetMinutes = math.Mod(off, 100)
		}
	}
	parts, err := analyseDateTimePicture(picture)
	if err != nil {
		return "", err
	}
	shifted := math.Trunc(millis + (60*offsetHours+offsetMinutes)*60*1000)
	if math.IsNaN(shifted) || math.Abs(shifted) > maxDateMillis {
		return "", libError("D3110", millis, "the timestamp is out of range")
	}
	t := time.UnixMilli(int64(shifted)).UTC()
	var b strings.Builder
	for _, part := range parts {
		if part.isLiteral {
			b.WriteString(part.literal)
			continue
		}
		s, err := formatDateComponent(t, part, offsetHours, offsetMinutes)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func applyCase(s string, c letterCase) string {
	switch c {
	case caseUpper:
		return strings.ToUpper(s)
	case caseLower:
		return strings.ToLower(s)
	}
	return s
}

func formatDateComponent(t time.Time, part *dateTimePart, offsetHours, offsetMinutes float64) (string, error) {
	num, text, isText, ok := dateFragment(t, part.component)
	switch {
	case strings.ContainsRune("YMDdFWwXxHhms", part.component):
		if part.component == 'Y' && part.yearDigits != -1 {
			num = math.Mod(num, math.Pow(10, float64(part.yearDigits)))
		}
		if part.hasNames {
			var name string
			switch part.component {
			case 'M', 'x':
				name = monthNames[int(num)-1]
			case 'F':
				name = dayNames[int(num)]
			default:
				return "", libError("D3133", string(part.component), "the "+string(part.component)+" component cannot be represented as a name")
			}
			name = applyCase(name, part.names)
			if part.widthMax >= 0 && len(name) > part.widthMax {
				name = name[:part.widthMax]
			}
			return name, nil
		}
		return part.integer.format(num)
	case part.component == 'f':
		if part.integer == nil {
			return "", libError("D3133", "f", "the f component cannot be represented as a name")
		}
		return part.integer.format(num)
	case part.component == 'Z' || part.component == 'z':
		return formatTimezone(part, offsetHours, offsetMinutes)
	case part.component == 'P':
		if part.hasNames && part.names == caseUpper {
			return strings.ToUpper(text), nil
		}
		return text, nil
	}
	if !ok {
		return "undefined", nil // as jsonata-js writes a component it does not know
	}
	if isText {
		return text, nil
	}
	return jsNumberString(num), nil
}

func formatTimezone(part *dateTimePart, offsetHours, offsetMinutes float64) (string, error) {
	offset := offsetHours*100 + offsetMinutes
	var s string
	var err error
	if part.integer.regular {
		s, err = part.integer.format(offset)
	} else {
		switch n := part.integer.mandatoryDigits; {
		case n == 1 || n == 2:
			s, err = part.integer.format(offsetHours)
			if err == nil && offsetMinutes != 0 {
				var m string
				m, err = formatInteger(offsetMinutes, "00")
				s += ":" + m
			}
		case n == 3 || n == 4:
			s, err = part.integer.format(offset)
		default:
			return "", libError("D3134", n, "the timezone component of the picture string has too many digits")
		}
	}
	if err != nil {
		return "", err
	}
	if offset >= 0 {
		s = "+" + s
	}
	if part.component == 'z' {
		s = "GMT" + s
	}
	if offset == 0 && part.presentation2 == "t" {
		s = "Z"
	}
	return s, nil
}

func fnFromMillis(args []any) (any, error) {
	millis, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	picture, hasPicture := argString(args, 1)
	if !hasPicture {
		picture = isoPicture
	}
	timezone, hasTimezone := argString(args, 2)
	s, err := formatDateTime(millis, picture, timezone, hasTimezone)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// dateMatcher is the pattern for one picture part and how to read what it
// matched; read is nil for literals.
type dateMatcher struct {
	pattern   string
	component rune
	read      func(string) (float64, bool)
}

var numberWordPattern = func() string {
	var alts []string
	for _, w := range numberWordList() {
		alts = append(alts, w.word)
	}
	alts = append(alts, "and", `[\-, ]`)
	return "(?:" + strings.Join(alts, "|") + ")+"
}()

// integerMatcher builds the pattern and reader for an integer picture.
func integerMatcher(p *integerPicture) (dateMatcher, error) {
	m := dateMatcher{}
	upper := p.letterCase == caseUpper
	switch p.style {
	case styleLetters:
		m.pattern = "[a-z]+"
		a := 'a'
		if upper {
			m.pattern, a = "[A-Z]+", 'A'
		}
		m.read = func(s string) (float64, bool) { return fromLetters(s, a), true }
	case styleRoman:
		m.pattern = "[mdclxvi]+"
		if upper {
			m.pattern = "[MDCLXVI]+"
		}
		m.read = func(s string) (float64, bool) {
			if !upper {
				s = strings.ToUpper(s)
			}
			return fromRoman(s), true
		}
	case styleWords:
		m.pattern = numberWordPattern
		m.read = func(s string) (float64, bool) { return wordsToNumber(strings.ToLower(s)), true }
	case styleDecimal:
		m.pattern = "[0-9]+"
		if p.parseWidth > 0 {
			m.pattern = "[0-9]{" + strconv.Itoa(p.parseWidth) + "}"
		}
		if p.ordinal {
			m.pattern += "(?:th|st|nd|rd)"
		}
		m.read = func(s string) (float64, bool) {
			f, _ := p.parse(s)
			return f, true
		}
	default:
		return m, libError("D3130", p.token, "formatting or parsing an integer as a sequence starting with "+p.token+" is not supported by this implementation")
	}
	return m, nil
}

func dateMatcherFor(part *dateTimePart) (dateMatcher, error) {
	if part.isLiteral {
		return dateMatcher{pattern: regexp.QuoteMeta(part.literal)}, nil
	}
	var m dateMatcher
	switch {
	case part.component == 'Z' || part.component == 'z':
		// A regular grouping separator ("01:01") splits hours from minutes.
		hasSep, sep := part.integer.regular, part.integer.regularChar
		if part.component == 'z' {
			m.pattern = "GMT"
		}
		m.pattern += "[-+][0-9]+"
		if hasSep {
			m.pattern += regexp.QuoteMeta(string(sep)) + "[0-9]+"
		}
		isZ := part.component == 'z'
		m.read = func(s string) (float64, bool) {
			if isZ {
				s = s[3:]
			}
			var hours, minutes float64
			if hasSep {
				i := strings.IndexRune(s, sep)
				if i < 0 {
					return math.NaN(), true
				}
				hours, minutes = jsParseInt(s[:i]), jsParseInt(s[i+utf8.RuneLen(sep):])
			} else if len(s)-1 <= 2 {
				hours = jsParseInt(s)
			} else {
				hours, minutes = jsParseInt(s[:3]), jsParseInt(s[3:])
			}
			return hours*60 + minutes, true
		}
	case part.component == 'f':
		m.pattern = "[0-9]+"
		m.read = func(s string) (float64, bool) {
			if len(s) > 3 {
				s = s[:3]
			}
			return jsParseNumber("0."+s) * 1000, true
		}
	case part.integer != nil:
		var err error
		if m, err = integerMatcher(part.integer); err != nil {
			return m, err
		}
	default:
		m.pattern = "[a-zA-Z]+"
		names := map[string]float64{}
		add := func(name string, v float64) {
			if part.widthMax > 0 && len(name) > part.widthMax {
				name = name[:part.widthMax]
			}
			names[name] = v
		}
		switch part.component {
		case 'M', 'x':
			for i, n := range monthNames {
				add(n, float64(i+1))
			}
		case 'F':
			for i, n := range dayNames[1:] {
				add(n, float64(i+1))
			}
		case 'P':
			names = map[string]float64{"am": 0, "AM": 0, "pm": 1, "PM": 1}
		default:
			return m, libError("D3133", string(part.component), "the "+string(part.component)+" component cannot be represented as a name")
		}
		m.read = func(s string) (float64, bool) {
			v, ok := names[s]
			return v, ok
		}
	}
	m.component = part.component
	return m, nil
}

// dateComponent is a parsed component: set once matched (even if its text
// meant nothing), defined when it has a value.
type dateComponent struct {
	defined bool
	value   float64
}

// parseDateTime is $toMillis with a picture. It returns undefined when the
// text does not match the picture.
func parseDateTime(text, picture string, clock func() time.Time) (any, error) {
	parts, err := analyseDateTimePicture(picture)
	if err != nil {
		return nil, err
	}
	matchers := make([]dateMatcher, len(parts))
	var re strings.Builder
	re.WriteString("(?i)^")
	for i, p := range parts {
		if matchers[i], err = dateMatcherFor(p); err != nil {
			return nil, err
		}
		re.WriteString("(" + matchers[i].pattern + ")")
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return undefined, nil
	}
	found := rx.FindStringSubmatch(text)
	if found == nil {
		return undefined, nil
	}
	comps := map[rune]dateComponent{}
	for i, m := range matchers {
		if m.read != nil {
			v, ok := m.read(found[i+1])
			comps[m.component] = dateComponent{defined: ok, value: v}
		}
	}
	if len(comps) == 0 {
		return undefined, nil
	}
	truthy := func(c rune) bool {
		v := comps[c]
		return v.defined && v.value != 0 && !math.IsNaN(v.value)
	}
	maskOf := func(letters string) int {
		mask := 0
		for _, c := range letters {
			mask <<= 1
			if truthy(c) {
				mask++
			}
		}
		return mask
	}
	isType := func(mask, t int) bool { return ^t&mask == 0 && t&mask != 0 }
	dmask := maskOf("YXMxWwdD")
	dateA := isType(dmask, 0b10100001)
	dateB := !dateA && isType(dmask, 0b10000010)
	dateC := isType(dmask, 0b01010100)
	dateD := !dateC && isType(dmask, 0b01001000)
	tmask := maskOf("PHhmsf")
	timeA := isType(tmask, 0b010111)
	timeB := !timeA && isType(tmask, 0b101111)

	order := "YMD"
	switch {
	case dateB:
		order = "YD"
	case dateC:
		order = "XxwF"
	case dateD:
		order = "XWF"
	}
	if timeB {
		order += "Phmsf"
	} else {
		order += "Hmsf"
	}
	var now time.Time // read from clock at most once, when a part is left out
	startSpecified, endSpecified := false, false
	for _, c := range order {
		if comps[c].defined {
			startSpecified = true
			if endSpecified {
				return nil, libError("D3136", picture, "the date/time picture string is missing specifiers required to parse the timestamp")
			}
			continue
		}
		if startSpecified {
			v := 0.0
			if strings.ContainsRune("MDd", c) {
				v = 1
			}
			comps[c] = dateComponent{defined: true, value: v}
			endSpecified = true
			continue
		}
		if now.IsZero() {
			now = clock().UTC()
		}
		v, _, isText, _ := dateFragment(now, c)
		if isText {
			v = -1 // a defaulted am/pm marker never counts as pm
		}
		comps[c] = dateComponent{defined: true, value: v}
	}
	month := 0.0
	if m := comps['M']; m.defined && m.value > 0 {
		month = m.value - 1
	}
	day := comps['D'].value
	if dateB {
		y := comps['Y'].value
		if math.IsNaN(y) || math.Abs(y) > 1e6 {
			return math.NaN(), nil
		}
		derived := utcMillis(int(y), 0, 1) + (comps['d'].value-1)*millisPerDay
		if math.IsNaN(derived) || math.Abs(derived) > maxDateMillis {
			return math.NaN(), nil
		}
		t := time.UnixMilli(int64(derived)).UTC()
		month = float64(t.Month() - 1)
		day = float64(t.Day())
	}
	if dateC || dateD {
		return nil, libError("D3136", picture, "the date/time picture string is missing specifiers required to parse the timestamp")
	}
	hour := comps['H'].value
	if timeB {
		hour = comps['h'].value
		if hour == 12 {
			hour = 0
		}
		if comps['P'].value == 1 {
			hour += 12
		}
	}
	millis := dateUTC(comps['Y'].value, month, day, hour, comps['m'].value, comps['s'].value, comps['f'].value)
	if truthy('Z') {
		millis -= comps['Z'].value * 60 * 1000
	} else if truthy('z') {
		millis -= comps['z'].value * 60 * 1000
	}
	return millis, nil
}

// dateUTC is JavaScript's Date.UTC: fields may overflow into the next
// larger unit, years 0–99 mean 1900–1999, and the result is NaN outside
// the time value range.
func dateUTC(year, month, day, hour, minute, second, ms float64) float64 {
	if y := math.Trunc(year); y >= 0 && y <= 99 {
		year = y + 1900
	}
	return makeDate(year, month, day, hour, minute, second, ms)
}

// makeDate is ECMAScript's MakeDate(MakeDay(…), MakeTime(…)) with TimeClip.
func makeDate(year, month, day, hour, minute, second, ms float64) float64 {
	fields := []float64{year, month, day, hour, minute, second, ms}
	for i, f := range fields {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return math.NaN()
		}
		fields[i] = math.Trunc(f)
	}
	year, month = fields[0], fields[1]
	year += math.Floor(month / 12)
	month = math.Mod(month, 12)
	if month < 0 {
		month += 12
	}
	if math.Abs(year) > 400000 {
		return math.NaN()
	}
	t := utcMillis(int(year), int(month), 1) + (fields[2]-1)*millisPerDay +
		fields[3]*3600000 + fields[4]*60000 + fields[5]*1000 + fields[6]
	if math.Abs(t) > maxDateMillis {
		return math.NaN()
	}
	return t + 0
}

var iso8601Timestamp = regexp.MustCompile(`^(\d{4})(?:-([01]\d))?(?:-([0-3]\d))?(?:T([0-2]\d):([0-5]\d):([0-5]\d))?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)

// parseISO8601 is $toMillis without a picture: the ISO 8601 forms
// jsonata-js accepts, read as V8's Date.parse reads them (UTC unless an
// offset is given, including its quirks: the first "-nn" is the month
// whichever pattern group took it, and a fraction after a date without a
// time is its next field). ok is false for text that is not such a
// timestamp; an impossible date is NaN.
func parseISO8601(s string) (float64, bool) {
	m := iso8601Timestamp.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	num := func(t string) int {
		n, _ := strconv.Atoi(t)
		return n
	}
	year := num(m[1])
	var fields []int // month, then day, as written
	for _, g := range m[2:4] {
		if g != "" {
			fields = append(fields, num(g))
		}
	}
	hasTime := m[4] != ""
	ms := 0
	if frac := m[7]; frac != "" {
		if !hasTime {
			if len(fields) == 2 || len(frac) == 1 {
				return math.NaN(), true
			}
			fields = append(fields, num(frac[1:]))
		} else {
			digits := (frac[1:] + "00")[:3]
			ms = num(digits)
		}
	}
	month, day := 1, 1
	if len(fields) > 0 {
		month = fields[0]
	}
	if len(fields) > 1 {
		day = fields[1]
	}
	hour, minute, second := num(m[4]), num(m[5]), num(m[6])
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || (hour == 24 && (minute > 0 || second > 0 || ms > 0)) {
		return math.NaN(), true
	}
	if legacy := !hasTime && (m[7] != "" || m[8] == "Z"); legacy && year < 100 {
		// V8's fallback parser reads the fraction form, with two-digit years.
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	}
	// Four-digit years below 100 are otherwise literal, not 19xx.
	t := makeDate(float64(year), float64(month-1), float64(day), float64(hour), float64(minute), float64(second), float64(ms))
	if tz := m[8]; tz != "" && tz != "Z" {
		if !hasTime {
			return math.NaN(), true
		}
		sign := 1.0
		if tz[0] == '-' {
			sign = -1
		}
		tz = strings.ReplaceAll(tz[1:], ":", "")
		h, mi := num(tz[:2]), num(tz[2:])
		if h > 23 {
			return math.NaN(), true
		}
		t -= sign * float64(h*60+mi) * 60000
	}
	return t, true
}
