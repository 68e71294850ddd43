package value

import (
	"encoding/json"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, out string }{
		{`{"b":1,"a":[1.0,2e3,-0.5,12345678901234567890]}`, `{"b":1,"a":[1.0,2e3,-0.5,12345678901234567890]}`},
		{` { "a" : null , "b" : true, "c": false } `, `{"a":null,"b":true,"c":false}`},
		{`"\u00e9\n\t\"\\\/<>&"`, `"é\n\t\"\\/<>&"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\u0001"`, `"\u0001"`},
		{`{"a":1,"a":2,"b":3}`, `{"a":2,"b":3}`},
		{`[]`, `[]`},
		{`{}`, `{}`},
	}
	for _, c := range cases {
		v, err := ParseString(c.in)
		if err != nil {
			t.Fatalf("Parse(%s): %v", c.in, err)
		}
		if got := String(v); got != c.out {
			t.Errorf("Parse(%s) -> %s, want %s", c.in, got, c.out)
		}
		if Size(v) != len(c.out) {
			t.Errorf("Size(%s) = %d, want %d", c.in, Size(v), len(c.out))
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `{`, `[1,]`, `{"a"}`, `01`, `1.`, `"abc`, "\"a\x01\"", `tru`, `{"a":1}x`, `"\x"`, `[1 2]`, `-`, `1e`} {
		if v, err := ParseString(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, v)
		}
	}
}

func TestEqualAndCompare(t *testing.T) {
	t.Parallel()
	if !Equal(MustParse(`{"a":1,"b":[1,2]}`), MustParse(`{"b":[1.0,2],"a":1e0}`)) {
		t.Error("equal values reported different")
	}
	if Equal(MustParse(`{"a":1}`), MustParse(`{"a":"1"}`)) {
		t.Error("number equal to string")
	}
	if CompareNumbers("12345678901234567891", "12345678901234567890") != 1 {
		t.Error("long integers compared inexactly")
	}
	if CompareNumbers("-1.5", "2") != -1 || CompareNumbers("2.0", "2") != 0 {
		t.Error("float compare")
	}
}

func TestFormatFloat(t *testing.T) {
	t.Parallel()
	tenth, fifth := 0.1, 0.2
	for f, want := range map[float64]string{
		1: "1", 1.5: "1.5", 1e21: "1e+21", 1e-7: "1e-7", 1e-6: "0.000001", 123456789012: "123456789012", tenth + fifth: "0.30000000000000004", -2.5e-8: "-2.5e-8",
	} {
		if got := FormatFloat(f); got != want {
			t.Errorf("FormatFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestObjectOrderAndIndex(t *testing.T) {
	t.Parallel()
	o := &Object{}
	for i := 0; i < 40; i++ {
		o.Set(string(rune('a'+i)), Int(int64(i)))
	}
	o.Set("c", "x")
	o.Delete("b")
	if v, _ := o.Get("c"); v != "x" {
		t.Errorf("Get(c) = %v", v)
	}
	if k, _ := o.At(1); k != "c" {
		t.Errorf("order lost: second key %q", k)
	}
	if v, _ := o.Get(string(rune('a' + 39))); v != Int(39) {
		t.Errorf("indexed Get = %v", v)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d"`, `1e400`, `[[[[]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseString(s)
		if json.Valid([]byte(s)) != (err == nil) {
			// encoding/json accepts invalid UTF-8 and deeper nesting; only
			// flag texts we accept that it rejects.
			if err == nil {
				t.Fatalf("accepted invalid JSON %q", s)
			}
			return
		}
		if err != nil {
			return
		}
		again, err := Parse(Marshal(v))
		if err != nil || !Equal(v, again) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}
