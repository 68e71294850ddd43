package intrinsic

import (
	"strings"
)

// evalStringSplit implements States.StringSplit(text, delimiters) as Java's
// StringTokenizer does: every character of delimiters separates tokens, and
// empty tokens are dropped (",,a" gives ["a"]).
func evalStringSplit(e *callEnv, args []any) (any, error) {
	s, err := stringArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	delims, err := stringArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(fields))
	for i, f := range fields {
		out[i] = f
	}
	return out, nil
}

// evalUUID implements States.UUID(): a version 4 UUID drawn from the caller's
// random source.
func evalUUID(e *callEnv, _ []any) (any, error) {
	if e.rnd == nil {
		return nil, failf("States.UUID has no source of randomness")
	}
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		u := e.rnd.Uint64()
		for j := range 8 {
			b[i+j] = byte(u >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return string(out), nil
}
