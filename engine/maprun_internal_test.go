package engine

import (
	"errors"
	"strconv"
	"testing"
)

func TestMapRunPage(t *testing.T) {
	runs := make([]MapRun, 5)
	for i := range runs {
		runs[i].ARN = strconv.Itoa(i)
	}
	cases := []struct {
		token     string
		limit     int
		first, n  int
		next      string
		wantError bool
	}{
		{"", 0, 0, 5, "", false},
		{"", 2, 0, 2, "2", false},
		{"2", 2, 2, 2, "4", false},
		{"4", 2, 4, 1, "", false},
		{"5", 2, 5, 0, "", false},
		{"6", 2, 0, 0, "", true},
		{"-1", 2, 0, 0, "", true},
		{"x", 2, 0, 0, "", true},
	}
	for _, tc := range cases {
		page, next, err := mapRunPage(runs, tc.token, tc.limit)
		if tc.wantError {
			if !errors.Is(err, ErrBadPageToken) {
				t.Errorf("token %q: err %v, want ErrBadPageToken", tc.token, err)
			}
			continue
		}
		if err != nil || next != tc.next || len(page) != tc.n || (tc.n > 0 && page[0].ARN != strconv.Itoa(tc.first)) {
			t.Errorf("token %q limit %d: %d runs from %v, next %q, err %v", tc.token, tc.limit, len(page), page, next, err)
		}
	}
}
