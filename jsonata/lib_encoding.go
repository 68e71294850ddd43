package jsonata

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// encodingLibrary holds the base64 and URL functions.
func encodingLibrary() []builtin {
	return []builtin{
		{"base64encode", "<s-:s>", fnBase64Encode},
		{"base64decode", "<s-:s>", fnBase64Decode},
		{"encodeUrlComponent", "<s-:s>", urlFunction("encodeUrlComponent", func(s string) (string, bool) { return encodeURI(s, uriUnreservedMarks) })},
		{"encodeUrl", "<s-:s>", urlFunction("encodeUrl", func(s string) (string, bool) { return encodeURI(s, uriUnreservedMarks+uriReserved) })},
		{"decodeUrlComponent", "<s-:s>", urlFunction("decodeUrlComponent", func(s string) (string, bool) { return decodeURI(s, "") })},
		{"decodeUrl", "<s-:s>", urlFunction("decodeUrl", func(s string) (string, bool) { return decodeURI(s, uriReserved) })},
	}
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// base64Encode is $base64encode as Node.js runs it: each UTF-16 code unit
// contributes its low byte (the "binary" encoding), then standard base64
// with padding.
func base64Encode(s string) string {
	units := utf16.Encode([]rune(s))
	data := make([]byte, len(units))
	for i, u := range units {
		data[i] = byte(u)
	}
	var b strings.Builder
	for i := 0; i < len(data); i += 3 {
		var chunk [3]byte
		n := copy(chunk[:], data[i:])
		v := uint(chunk[0])<<16 | uint(chunk[1])<<8 | uint(chunk[2])
		for j := 0; j < 4; j++ {
			if j <= n {
				b.WriteByte(base64Alphabet[(v>>(18-6*j))&0x3f])
			} else {
				b.WriteByte('=')
			}
		}
	}
	return b.String()
}

// base64Decode is $base64decode as Node.js runs it: lenient about white
// space, padding and the URL-safe alphabet, and each byte becomes one
// character (U+0000–U+00FF).
func base64Decode(s string) string {
	var sextets []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v int
		switch {
		case c >= 'A' && c <= 'Z':
			v = int(c - 'A')
		case c >= 'a' && c <= 'z':
			v = int(c-'a') + 26
		case c >= '0' && c <= '9':
			v = int(c-'0') + 52
		case c == '+' || c == '-':
			v = 62
		case c == '/' || c == '_':
			v = 63
		case c == '=':
			i = len(s)
			continue
		default:
			continue
		}
		sextets = append(sextets, byte(v))
	}
	var out []rune
	for i := 0; i+1 < len(sextets); i += 4 {
		var q [4]byte
		n := copy(q[:], sextets[i:])
		v := uint(q[0])<<18 | uint(q[1])<<12 | uint(q[2])<<6 | uint(q[3])
		out = append(out, rune(byte(v>>16)))
		if n > 2 {
			out = append(out, rune(byte(v>>8)))
		}
		if n > 3 {
			out = append(out, rune(byte(v)))
		}
	}
	return string(out)
}

func fnBase64Encode(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	return base64Encode(s), nil
}

func fnBase64Decode(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	return base64Decode(s), nil
}

// The character classes of ECMAScript's encodeURI family.
const (
	uriUnreservedMarks = "-_.!~*'()"
	uriReserved        = ";/?:@&=+$,#"
)

// encodeURI percent-encodes s as encodeURIComponent does, also leaving
// the characters in keep alone; ok is false for text that is not valid
// UTF-8 (a lone surrogate in JavaScript).
func encodeURI(s string, keep string) (string, bool) {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", false
		}
		for j := 0; j < size; j++ {
			b.WriteByte('%')
			b.WriteByte(hex[s[i+j]>>4])
			b.WriteByte(hex[s[i+j]&0xf])
		}
		i += size
	}
	return b.String(), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeURI undoes percent-encoding as decodeURIComponent does, except
// that an escape for a character in keep stays as written (decodeURI).
// ok is false for a malformed escape or bytes that are not UTF-8.
func decodeURI(s string, keep string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		start := i
		var buf []byte
		for {
			if i+3 > len(s) || s[i] != '%' {
				return "", false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			buf = append(buf, hi<<4|lo)
			i += 3
			if utf8.FullRune(buf) {
				break
			}
			if buf[0] < 0xC0 || len(buf) >= 4 {
				break
			}
		}
		r, size := utf8.DecodeRune(buf)
		if (r == utf8.RuneError && size <= 1) || size != len(buf) {
			return "", false
		}
		if r < utf8.RuneSelf && strings.ContainsRune(keep, r) {
			b.WriteString(s[start:i])
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// urlFunction wraps a URL codec as a builtin reporting D3140 on bad input.
func urlFunction(name string, codec func(string) (string, bool)) func([]any) (any, error) {
	return func(args []any) (any, error) {
		if !argDefined(args, 0) {
			return undefined, nil
		}
		s, _ := argString(args, 0)
		out, ok := codec(s)
		if !ok {
			return nil, libError("D3140", s, `Malformed URL passed to $`+name+`(): "`+s+`"`)
		}
		return out, nil
	}
}
