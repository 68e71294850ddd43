package asl

import (
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// duplicateKeys scans JSON text that value.Parse already accepted and
// returns, for each object holding a key more than once, the object's
// location (keys joined by "/", array indexes in brackets, the top level "") and the
// repeated keys in the order their repeats appear. The decoded value keeps
// one member per key, so duplicate state names are only visible here.
func duplicateKeys(data []byte) map[string][]string {
	s := &keyScanner{data: data}
	s.value("")
	return s.dups
}

type keyScanner struct {
	data []byte
	pos  int
	dups map[string][]string
}

func (s *keyScanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *keyScanner) value(loc string) {
	s.space()
	if s.pos >= len(s.data) {
		return
	}
	switch s.data[s.pos] {
	case '{':
		s.object(loc)
	case '[':
		s.array(loc)
	case '"':
		s.str()
	default:
		// number or literal: skip to the next delimiter
		for s.pos < len(s.data) && !strings.ContainsRune(",]} \t\n\r", rune(s.data[s.pos])) {
			s.pos++
		}
	}
}

func (s *keyScanner) object(loc string) {
	s.pos++ // {
	seen := map[string]bool{}
	for {
		s.space()
		if s.pos >= len(s.data) {
			return
		}
		if s.data[s.pos] == '}' {
			s.pos++
			return
		}
		if s.data[s.pos] == ',' {
			s.pos++
			continue
		}
		k := s.str()
		if seen[k] {
			if s.dups == nil {
				s.dups = map[string][]string{}
			}
			s.dups[loc] = append(s.dups[loc], k)
		}
		seen[k] = true
		s.space()
		if s.pos < len(s.data) && s.data[s.pos] == ':' {
			s.pos++
		}
		s.value(loc + "/" + k)
	}
}

func (s *keyScanner) array(loc string) {
	s.pos++ // [
	for i := 0; ; {
		s.space()
		if s.pos >= len(s.data) {
			return
		}
		switch s.data[s.pos] {
		case ']':
			s.pos++
			return
		case ',':
			s.pos++
			i++
			continue
		}
		start := s.pos
		s.value(loc + "[" + strconv.Itoa(i) + "]")
		if s.pos == start { // malformed: never loop forever
			s.pos++
		}
	}
}

// str reads a JSON string and returns its decoded text.
func (s *keyScanner) str() string {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.pos++
		return ""
	}
	start := s.pos
	s.pos++
	escaped := false
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		s.pos++
		if c == '\\' {
			escaped = true
			s.pos++
			continue
		}
		if c == '"' {
			break
		}
	}
	raw := s.data[start:min(s.pos, len(s.data))]
	if len(raw) < 2 {
		return ""
	}
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	if v, err := value.Parse(raw); err == nil {
		if str, ok := v.(string); ok {
			return str
		}
	}
	return string(raw[1 : len(raw)-1])
}
