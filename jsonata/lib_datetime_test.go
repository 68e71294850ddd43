package jsonata

import (
	"errors"
	"testing"
	"time"
)

func TestLibFromMillis(t *testing.T) {
	t.Parallel()
	u := undefined
	runLibCases(t, []libCase{
		{name: "fromMillis", args: []any{1521801216617.0, u, u}, want: `"2018-03-23T10:33:36.617Z"`},
		{name: "fromMillis", args: []any{1521801216617.0, "[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]", u}, want: `"Fri, 23rd Mar 2018 ISO"`},
		{name: "fromMillis", args: []any{1204405500000.0, "[F], [D]/[M]/[Y] [h]:[m]:[s] [PN]", u}, want: `"saturday, 1/3/2008 9:05:00 PM"`},
		{name: "fromMillis", args: []any{1531310400000.0, "[H01]:[m][Z0]", "+0530"}, want: `"17:30+5:30"`},
		{name: "fromMillis", args: []any{1531310400000.0, "[H01]:[m][z]", "-0500"}, want: `"07:00GMT-05:00"`},
		{name: "fromMillis", args: []any{1521801216617.0, "[[[Y0001]]] [Y,2] [YI] [Dwo]", u}, want: `"[2018] 18 MMXVIII twenty-third"`},
		{name: "fromMillis", args: []any{1521801216617.0, "[Z010101]", u}, code: "D3134"},
		{name: "fromMillis", args: []any{1521801216617.0, "[YN]", u}, code: "D3133"},
		{name: "fromMillis", args: []any{1521801216617.0, "[Y", u}, code: "D3135"},
		{name: "fromMillis", args: []any{u, "[Y]", u}, want: "undefined"},
		{name: "fromMillis", args: []any{1e300, u, u}, code: "D3110"},
	})
}

// TestLibISOWeekDates checks [X]-W[W]-[F] against ISO 8601 week dates
// worked out independently by Go's time.ISOWeek, across year boundaries.
func TestLibISOWeekDates(t *testing.T) {
	t.Parallel()
	start := time.Date(2004, 12, 20, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 6*366; d += 3 {
		day := start.AddDate(0, 0, d)
		got, err := libCall(t, "fromMillis", float64(day.UnixMilli()), "[X]-[W]-[F1]", undefined)
		if err != nil {
			t.Fatal(err)
		}
		y, w := day.ISOWeek()
		dow := int(day.Weekday())
		if dow == 0 {
			dow = 7
		}
		want := formatInts(y, w, dow)
		if got != want {
			t.Errorf("%s: got %v, want %s", day.Format(time.DateOnly), got, want)
		}
	}
}

func formatInts(y, w, d int) string {
	s, _ := formatInteger(float64(y), "1")
	ws, _ := formatInteger(float64(w), "1")
	ds, _ := formatInteger(float64(d), "1")
	return s + "-" + ws + "-" + ds
}

func TestLibToMillis(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Date(2020, 6, 15, 8, 30, 0, 0, time.UTC) }
	toMillis := toMillisBuiltin(clock)
	u := undefined
	for _, c := range []struct {
		text, picture any
		want          any
		code          string
	}{
		{"2018-02-01T09:42:13.123+0000", u, 1517478133123.0, ""},
		{"2017-10-30", u, 1509321600000.0, ""},
		{"2018", u, 1514764800000.0, ""},
		{"2018-02-01T09:42:13+01:30", u, 1517472733000.0, ""},
		{"0050-01-01", u, -60589296000000.0, ""},
		{"2018-02-03 11:15:33", u, nil, "D3110"},
		{"13:45", "[H]:[m]", 1592228700000.0, ""},
		{"15", "[D]", 1592179200000.0, ""},
		{"2018-094", "[Y0001]-[d001]", 1522800000000.0, ""},
		{"4/4/2018 12:06 pm", "[D1]/[M1]/[Y0001] [h]:[m] [P]", 1522843560000.0, ""},
		{"Mon, Twelfth November 2018", "[FNn,*-3], [DWwo] [MNn] [Y]", 1541980800000.0, ""},
		{"2020-09-09 12:00:00 +05:30", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]", 1599633000000.0, ""},
		{"irrelevant", "[Y]-[M]-[D]", u, ""},
		{"2018-22", "[Y]-[D]", nil, "D3136"},
		{"2018-3-2-5", "[X]-[x]-[w]-[F1]", nil, "D3136"},
		{"2018-05-22", "[Y]-[M]-[q]", nil, "D3132"},
	} {
		got, err := toMillis.fn([]any{c.text, c.picture})
		if c.code != "" {
			var je *Error
			if !errors.As(err, &je) || je.Code != c.code {
				t.Errorf("$toMillis(%v, %v): got %v, %v; want %s", c.text, c.picture, got, err, c.code)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("$toMillis(%v, %v) = %v, %v; want %v", c.text, c.picture, got, err, c.want)
		}
	}
}

// TestLibDateRoundTrip formats instants with a picture and parses them
// back with the same picture. (Day-of-year dates only parse without a
// time, and week dates not at all, as in jsonata-js.)
func TestLibDateRoundTrip(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Unix(0, 0) }
	pictures := []string{
		"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01]",
		"[D1o] [MNn] [Y0001] [h]:[m01]:[s01] [P]",
		"[Dwo] [MNn] [Yw], [H01]:[m01]:[s01]",
		"[Y0001][M01][D01][H01][m01][s01]",
		"[D01]/[M01]/[Y0001] [H01]:[m01]:[s01] [z]",
	}
	for _, ms := range []float64{0, 951782400000, 1521801216000, 1709251199000, 4102444799000} {
		for _, p := range pictures {
			s, err := formatDateTime(ms, p, "", false)
			if err != nil {
				t.Fatalf("format %v with %q: %v", ms, p, err)
			}
			back, err := parseDateTime(s, p, clock)
			if err != nil || back != ms {
				t.Errorf("%q with %q: parsed back %v, %v; want %v", s, p, back, err, ms)
			}
		}
	}
}

func FuzzLibDateTimePicture(f *testing.F) {
	for _, p := range []string{"[Y0001]-[M01]-[D01]", "[FNn], [D1o] [MNn,3-3] [Y]", "[h]:[m01][P]", "[Z01:01t]", "[z]", "[W]", "[X]-[x]-[w]", "[Y9,999,*]", "[[x]]", "[Dw] [YI]", "[Zx01]"} {
		f.Add(1521801216617.0, p, "2018-03-23")
	}
	clock := func() time.Time { return time.Unix(1521801216, 0) }
	f.Fuzz(func(t *testing.T, ms float64, picture, text string) {
		_, _ = formatDateTime(ms, picture, "+0100", true)
		_, _ = parseDateTime(text, picture, clock)
		_, _ = parseISO8601(text)
	})
}
