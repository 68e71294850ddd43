package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// violations collects model-constraint failures and reports them the way
// AWS does: "2 validation errors detected: Value … ; Value …".
type violations []string

func (v *violations) add(format string, args ...any) { *v = append(*v, fmt.Sprintf(format, args...)) }

func (v *violations) required(field string, missing bool) {
	if missing {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
}

func (v *violations) maxLen(field, value string, limit int) {
	if utf8.RuneCountInString(value) > limit {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", clip(value), field, limit)
	}
}

func (v *violations) enum(field, value string, allowed ...string) {
	if value != "" && !slices.Contains(allowed, value) {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", clip(value), field, strings.Join(allowed, ", "))
	}
}

func (v *violations) between(field string, value, lo, hi int64) {
	if value < lo {
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", value, field, lo)
	} else if value > hi {
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", value, field, hi)
	}
}

// clientToken checks an idempotency token: printable ASCII without
// spaces, as AWS's model has it ("" is no token).
func (v *violations) clientToken(tok string) {
	for i := 0; i < len(tok); i++ {
		if tok[i] < '!' || tok[i] > '~' {
			v.add("Value '%s' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+", clip(tok))
			return
		}
	}
}

// err is nil when nothing was violated.
func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return Errorf(ValidationException, "1 validation error detected: %s", v[0])
	}
	return Errorf(ValidationException, "%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// clip keeps echoed values short.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 100 {
		return s
	}
	r := []rune(s)
	return string(r[:100]) + "…"
}

// Limits AWS enforces on requests.
const (
	maxDefinitionBytes = 1 << 20
	maxPayloadBytes    = 262144 // input, output
	maxArnLength       = 256
	maxDescription     = 256
	maxErrorLength     = 256
	maxCauseLength     = 32768
	maxTraceHeader     = 256
	maxTokenLength     = 1024
	maxTaskToken       = 2048
	maxResultsLimit    = 1000
	defaultPageSize    = 100
)

// pageSize turns maxResults (0 = default) into a page size.
func pageSize(n int32) int {
	if n <= 0 {
		return defaultPageSize
	}
	return int(n)
}

// Pagination tokens wrap a store cursor with the list they belong to, so a
// token from one list is refused by another.

func encodeToken(list, cursor string) string {
	if cursor == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\x00" + cursor))
}

func decodeToken(list, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	kind, cursor, ok := strings.Cut(string(b), "\x00")
	if err != nil || !ok || kind != list || cursor == "" {
		return "", Errorf(InvalidToken, "Invalid Token: 'Invalid token'")
	}
	return cursor, nil
}

// validJSON reports whether s is one JSON text.
func validJSON(s string) bool { return json.Valid([]byte(s)) }

func sortStrings(s []string) { slices.Sort(s) }
