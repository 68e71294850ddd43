// Package cursor encodes the ListExecutions cursor shared by the store
// backends: the start date and ARN of the last execution of a page, the key
// executions are listed by (newest first, then by ARN).
package cursor

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

// Encode returns the cursor that resumes after the execution started at
// startNanos (Unix nanoseconds) with the given ARN.
func Encode(startNanos int64, arn string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(startNanos, 10) + "|" + arn))
}

// Decode reverses Encode; a cursor it cannot read fails with
// store.ErrBadCursor.
func Decode(c string) (startNanos int64, arn string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", fmt.Errorf("cursor %q: %w", c, store.ErrBadCursor)
	}
	n, arn, ok := strings.Cut(string(raw), "|")
	if !ok || arn == "" {
		return 0, "", fmt.Errorf("cursor %q: %w", c, store.ErrBadCursor)
	}
	startNanos, err = strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("cursor %q: %w", c, store.ErrBadCursor)
	}
	return startNanos, arn, nil
}

// Before reports whether the execution (startNanos, arn) comes after the
// cursor's one in list order: started earlier, or at the same instant with
// a greater ARN.
func Before(startNanos int64, arn string, curNanos int64, curARN string) bool {
	return startNanos < curNanos || (startNanos == curNanos && arn > curARN)
}
