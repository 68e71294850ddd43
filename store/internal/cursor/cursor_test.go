package cursor

import (
	"errors"
	"testing"

	"github.com/cairn-sfn/cairn/store"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		nanos int64
		arn   string
	}{
		{0, "a"},
		{-5, "arn:aws:states:us-east-1:1:execution:m:x|y"},
		{1767225600123456789, "arn:aws:states:us-east-1:123456789012:execution:sm:name"},
	} {
		n, arn, err := Decode(Encode(tc.nanos, tc.arn))
		if err != nil || n != tc.nanos || arn != tc.arn {
			t.Errorf("Decode(Encode(%d, %q)) = %d, %q, %v", tc.nanos, tc.arn, n, arn, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"", "!!!", Encode(1, "x")[:3], "MTIz", "YWJjfGFybg"} {
		if _, _, err := Decode(c); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("Decode(%q) = %v, want ErrBadCursor", c, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(42, "arn"))
	f.Add("")
	f.Add("fA")
	f.Fuzz(func(t *testing.T, c string) {
		n, arn, err := Decode(c)
		if err != nil {
			return
		}
		if n2, arn2, err := Decode(Encode(n, arn)); err != nil || n2 != n || arn2 != arn {
			t.Fatalf("re-decode of %q: %d %q %v", c, n2, arn2, err)
		}
	})
}
