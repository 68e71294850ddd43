package intrinsic

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// evalCase is one call evaluated against an input: want is the JSON text of
// the result, or cause a substring of the *Error's cause.
type evalCase struct {
	src   string
	input string
	want  string
	cause string
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(tc.src)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			input := "{}"
			if tc.input != "" {
				input = tc.input
			}
			env := &jsonpath.Env{Input: value.MustParse(input), Context: value.MustParse(`{"Execution":{"Id":"exec-1"}}`),
				Vars: func(name string) (any, bool) {
					if name == "greeting" {
						return "hi", true
					}
					return nil, false
				}}
			got, err := c.Eval(env, rand.New(rand.NewPCG(1, 2)))
			if tc.cause != "" {
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("Eval = %v, %v; want *Error with cause containing %q", got, err, tc.cause)
				}
				if !strings.Contains(ie.Cause, tc.cause) {
					t.Fatalf("cause = %q; want it to contain %q", ie.Cause, tc.cause)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if !value.Equal(got, value.MustParse(tc.want)) || value.String(got) != value.String(value.MustParse(tc.want)) {
				t.Fatalf("Eval = %s; want %s", value.String(got), tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.Format('Hello, {}!', $.name)`, input: `{"name":"Arnav"}`, want: `"Hello, Arnav!"`},
		{src: `States.Format($.t, $.name)`, input: `{"t":"Hello, my name is {}.","name":"Arnav"}`, want: `"Hello, my name is Arnav."`},
		{src: `States.Format('{} {} {} {}', 1, 1.1, null, true)`, want: `"1 1.1 null true"`},
		{src: `States.Format('x={}', $.o)`, input: `{"o":{"Arg1":1,"Arg2":[]}}`, want: `"x={Arg1=1, Arg2=[]}"`},
		{src: `States.Format('{}', $.a)`, input: `{"a":[1,"two",{"k":null},1.0,2e3]}`, want: `"[1, two, {k=null}, 1.0, 2000.0]"`},
		{src: `States.Format('\{\} {} \'q\' \\', 7)`, want: `"{} 7 'q' \\"`},
		{src: `States.Format('no placeholders')`, want: `"no placeholders"`},
		{src: `States.Format('Format Func {}', $greeting)`, want: `"Format Func hi"`},
		{src: `States.Format('{}', $$.Execution.Id)`, want: `"exec-1"`},
		{src: `States.Format('{} and {}', 1)`, cause: "2 {} placeholders, but 1 value was given"},
		{src: `States.Format($.t)`, input: `{"t":5}`, cause: "must be a string"},
		{src: `States.Format('a\nb')`, cause: "escapes nothing"},
	})
}

func TestArrays(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.Array('a', 2, $.o, null)`, input: `{"o":{"r":"x"}}`, want: `["a",2,{"r":"x"},null]`},
		{src: `States.Array()`, want: `[]`},
		{src: `States.ArrayPartition($.a, 2)`, input: `{"a":[1,2,3,4,5]}`, want: `[[1,2],[3,4],[5]]`},
		{src: `States.ArrayPartition($.a, 4)`, input: `{"a":[]}`, want: `[]`},
		{src: `States.ArrayPartition($.a, 5)`, input: `{"a":[0,1,2,3]}`, want: `[[0,1,2,3]]`},
		{src: `States.ArrayPartition($.a, 3)`, input: `{"a":[0,1,2,3]}`, want: `[[0,1,2],[3]]`},
		{src: `States.ArrayPartition($.a, 0)`, input: `{"a":[1]}`, cause: "positive integer"},
		{src: `States.ArrayPartition($.a, 1.5)`, input: `{"a":[1,2,3]}`, want: `[[1,2],[3]]`},
		{src: `States.ArrayContains($.a, 5)`, input: `{"a":[1,2,5]}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[{"1":2,"2":[]}],"v":{"2":[],"1":2}}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[[1,2,3],2],"v":[1,2,3]}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[],"v":[]}`, want: `false`},
		{src: `States.ArrayContains($.a, 1)`, input: `{"a":[1.0]}`, want: `false`},
		{src: `States.ArrayRange(1, 9, 2)`, want: `[1,3,5,7,9]`},
		{src: `States.ArrayRange(1, 10, 2)`, want: `[1,3,5,7,9]`},
		{src: `States.ArrayRange(0, 3, 1)`, want: `[0,1,2,3]`},
		{src: `States.ArrayRange(0, 10, 3)`, want: `[0,3,6,9]`},
		{src: `States.ArrayRange(1, 9, 9)`, want: `[1]`},
		{src: `States.ArrayRange(0.5, 2.4, 1)`, want: `[1,2]`},
		{src: `States.ArrayRange(5, 1, -2)`, want: `[5,3,1]`},
		{src: `States.ArrayRange(5, 1, 1)`, want: `[]`},
		{src: `States.ArrayRange(1, 1000, 1)`, want: "[" + seq(1, 1000) + "]"},
		{src: `States.ArrayRange(0, 1000, 1)`, cause: "at most 1000 items"},
		{src: `States.ArrayRange(1, 5, 0)`, cause: "must not be 0"},
		{src: `States.ArrayRange(1, 'x', 1)`, cause: "second argument of States.ArrayRange must be an integer"},
		{src: `States.ArrayGetItem($.a, 5)`, input: `{"a":[1,2,3,4,5,6,7,8,9]}`, want: `6`},
		{src: `States.ArrayGetItem($.a, 3)`, input: `{"a":[1,2,3]}`, cause: "out of bounds"},
		{src: `States.ArrayGetItem($.a, -1)`, input: `{"a":[1,2,3]}`, cause: "out of bounds"},
		{src: `States.ArrayLength($.a)`, input: `{"a":[null,1,[]]}`, want: `3`},
		{src: `States.ArrayLength($.a)`, input: `{"a":"abc"}`, cause: "must be an array, but it is a string"},
		{src: `States.ArrayUnique($.a)`, input: `{"a":[1,2,2,3,3,4]}`, want: `[1,2,3,4]`},
		{src: `States.ArrayUnique($.a)`, input: `{"a":[null,null,true,true,1,1,1.1,"x","x",[],[],{"a":1,"b":2},{"b":2,"a":1},{"a":1,"b":1}]}`,
			want: `[null,true,1,1.1,"x",[],{"a":1,"b":2},{"a":1,"b":1}]`},
	})
}

func seq(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(value.String(value.Int(int64(i))))
	}
	return b.String()
}

func TestJSONFunctions(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.StringToJson($.s)`, input: `{"s":"{\"foo\": \"bar\"}"}`, want: `{"foo":"bar"}`},
		{src: `States.StringToJson($.s)`, input: `{"s":""}`, want: `null`},
		{src: `States.StringToJson($.s)`, input: `{"s":"  \n"}`, want: `null`},
		{src: `States.StringToJson($.s)`, input: `{"s":"-0"}`, want: `0`},
		{src: `States.StringToJson($.s)`, input: `{"s":"[1,{\"a\":-0},-0.0]"}`, want: `[1,{"a":0},-0.0]`},
		{src: `States.StringToJson($.s)`, input: `{"s":"1.10"}`, want: `1.10`},
		{src: `States.StringToJson($.s)`, input: `{"s":"{\"a\":"}`, cause: "not valid JSON"},
		{src: `States.StringToJson($.s)`, input: `{"s":{"a":1}}`, cause: "must be a string, but it is an object"},
		{src: `States.StringToJson('{"constant_in_literal": "false"}')`, want: `{"constant_in_literal":"false"}`},
		{src: `States.JsonToString($.o)`, input: `{"o":{"Arg1":1,"Arg2":[],"s":"a\"b"}}`, want: `"{\"Arg1\":1,\"Arg2\":[],\"s\":\"a\\\"b\"}"`},
		{src: `States.JsonToString($.o)`, input: `{"o":"HelloWorld"}`, want: `"\"HelloWorld\""`},
		{src: `States.JsonToString($.o)`, input: `{"o":null}`, want: `"null"`},
		{src: `States.JsonToString($.o)`, input: `{"o":1.1}`, want: `"1.1"`},
		{src: `States.JsonMerge($.a, $.b, false)`, input: `{"a":{"x":1,"y":{"p":1}},"b":{"y":{"q":2},"z":3}}`, want: `{"x":1,"y":{"q":2},"z":3}`},
		{src: `States.JsonMerge($.a, $.b, true)`, input: `{"a":{},"b":{}}`, cause: "shallow"},
		{src: `States.JsonMerge($.a, $.b, 'false')`, input: `{"a":{},"b":{}}`, cause: "third argument of States.JsonMerge must be a boolean"},
		{src: `States.JsonMerge($.a, $.b, false)`, input: `{"a":[],"b":{}}`, cause: "first argument of States.JsonMerge must be an object, but it is an array"},
	})
}

func TestEncodingAndHash(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxEncodingInput)
	runEvalCases(t, []evalCase{
		{src: `States.Base64Encode($.s)`, input: `{"s":"Data to encode"}`, want: `"RGF0YSB0byBlbmNvZGU="`},
		{src: `States.Base64Encode($.s)`, input: `{"s":""}`, want: `""`},
		{src: `States.Base64Encode($.s)`, input: `{"s":"é✓"}`, want: `"w6ninJM="`},
		{src: `States.Base64Encode($.s)`, input: `{"s":"` + long + `"}`, want: `"` + strings.Repeat("YWFh", maxEncodingInput/3) + `YQ=="`},
		{src: `States.Base64Encode($.s)`, input: `{"s":"` + long + `a"}`, cause: "at most 10000 characters"},
		{src: `States.Base64Encode($.s)`, input: `{"s":1}`, cause: "must be a string, but it is a number"},
		{src: `States.Base64Decode($.s)`, input: `{"s":"RGF0YSB0byBlbmNvZGU="}`, want: `"Data to encode"`},
		{src: `States.Base64Decode($.s)`, input: `{"s":"RGF0YSB0byBlbmNvZGU"}`, want: `"Data to encode"`},
		{src: `States.Base64Decode($.s)`, input: `{"s":""}`, want: `""`},
		{src: `States.Base64Decode($.s)`, input: `{"s":"not base64!"}`, cause: "not valid base64"},
		{src: `States.Base64Decode($.s)`, input: `{"s":"` + long + `a"}`, cause: "at most 10000 characters"},
		{src: `States.Hash($.s, 'MD5')`, input: `{"s":"input data"}`, want: `"812f45842bc6d66ee14572ce20db8e86"`},
		{src: `States.Hash($.s, 'SHA-1')`, input: `{"s":"input data"}`, want: `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{src: `States.Hash($.s, 'SHA-256')`, input: `{"s":"input data"}`, want: `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{src: `States.Hash('Hash this string', 'SHA-256')`, want: `"1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"`},
		{src: `States.Hash($.s, 'SHA-384')`, input: `{"s":"input data"}`, want: `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`},
		{src: `States.Hash($.s, 'SHA-512')`, input: `{"s":"input data"}`, want: `"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"`},
		{src: `States.Hash('x', 'SHA-3')`, cause: "'SHA-3' is not supported"},
		{src: `States.Hash('x', 'sha-256')`, cause: "'sha-256' is not supported"},
		{src: `States.Hash($.s, 'MD5')`, input: `{"s":"` + long + `a"}`, cause: "at most 10000 characters"},
	})
}

func TestMathAndStrings(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.MathAdd(-9, 3)`, want: `-6`},
		{src: `States.MathAdd(1.49, 1.5)`, want: `3`},
		{src: `States.MathAdd(-1.5, 0)`, want: `-1`},
		{src: `States.MathAdd(-2.5, 0)`, want: `-2`},
		{src: `States.MathAdd(-1.49, -1.5)`, want: `-2`},
		{src: `States.MathAdd($.v, -1)`, input: `{"v":1}`, want: `0`},
		{src: `States.MathAdd(2147483647, 1)`, want: `2147483648`},
		{src: `States.MathAdd(2147483648, 1)`, cause: "between -2147483648 and 2147483647"},
		{src: `States.MathAdd('1', 1)`, cause: "first argument of States.MathAdd must be an integer, but it is a string"},
		{src: `States.MathAdd(States.MathAdd(States.MathAdd(1, 2), 3), 4)`, want: `10`},
		{src: `States.MathRandom(1, 0)`, cause: "must be greater than its start"},
		{src: `States.MathRandom(5, 6)`, want: `5`},
		{src: `States.MathRandom(5, 6, 99)`, want: `5`},
		{src: `States.StringSplit($.s, ',')`, input: `{"s":"1,2,3,4,5"}`, want: `["1","2","3","4","5"]`},
		{src: `States.StringSplit($.s, ',')`, input: `{"s":", , ,"}`, want: `[" "," "]`},
		{src: `States.StringSplit($.s, ',')`, input: `{"s":",,,,"}`, want: `[]`},
		{src: `States.StringSplit($.s, '.+,=')`, input: `{"s":"This.is+a,test=string"}`, want: `["This","is","a","test","string"]`},
		{src: `States.StringSplit($.s, $.d)`, input: `{"s":"split on T and \nnew line","d":"T\n"}`, want: `["split on "," and ","new line"]`},
		{src: `States.StringSplit('abc', '')`, want: `["abc"]`},
		{src: `States.StringSplit('', ',')`, want: `[]`},
		{src: `States.StringSplit('a✓b', '✓')`, want: `["a","b"]`},
		{src: `States.StringSplit($.s, ',')`, input: `{"s":["a"]}`, cause: "must be a string, but it is an array"},
		{src: `States.ArrayGetItem(States.StringSplit('a-b-c', '-'), States.MathAdd(States.ArrayLength(States.StringSplit('a-b-c', '-')), -1))`, want: `"c"`},
	})
}

// TestJavaRandom checks the seeded generator against java.util.Random:
// the expected numbers were printed by OpenJDK's java.util.Random.
func TestJavaRandom(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seed  int64
		bound int32
		want  []int32
	}{
		{42, 10, []int32{0, 3, 8, 4}},
		{0, 100, []int32{60}},
		{-7, 16, []int32{4}},
		{3, 999, []int32{239}},
		{123456789, 2147483647, []int32{1426010965}},
	} {
		r := newJavaRandom(tc.seed)
		for i, w := range tc.want {
			if got := r.nextInt(tc.bound); got != w {
				t.Errorf("Random(%d): draw %d of nextInt(%d) = %d, want %d", tc.seed, i, tc.bound, got, w)
			}
		}
	}
}

// TestRandomness checks that UUID and unseeded MathRandom come from the
// caller's source: the same source gives the same values, and a seeded
// MathRandom ignores it.
func TestRandomness(t *testing.T) {
	t.Parallel()
	env := &jsonpath.Env{Input: value.MustParse(`{}`)}
	evalWith := func(src string, seed uint64) any {
		t.Helper()
		c, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Eval(env, rand.New(rand.NewPCG(seed, seed)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, src := range []string{`States.UUID()`, `States.MathRandom(0, 1000000)`} {
		a, b, c := evalWith(src, 1), evalWith(src, 1), evalWith(src, 2)
		if a != b || a == c {
			t.Errorf("%s: seeds 1, 1, 2 gave %v, %v, %v", src, a, b, c)
		}
	}
	if u := evalWith(`States.UUID()`, 3).(string); !uuidV4.MatchString(u) {
		t.Errorf("UUID %q is not a version 4 UUID", u)
	}
	if a, b := evalWith(`States.MathRandom(0, 1000000, 5)`, 1), evalWith(`States.MathRandom(0, 1000000, 5)`, 2); a != b {
		t.Errorf("seeded MathRandom differs between sources: %v, %v", a, b)
	}
	for _, src := range []string{`States.UUID()`, `States.MathRandom(1, 2)`} {
		c, _ := Compile(src)
		var ie *Error
		if _, err := c.Eval(env, nil); !errors.As(err, &ie) {
			t.Errorf("%s with a nil source: err = %v, want *Error", src, err)
		}
	}
}

// TestPathErrorsPassThrough checks that a path naming nothing fails with
// jsonpath's own error, for the interpreter to report as a path failure.
func TestPathErrorsPassThrough(t *testing.T) {
	t.Parallel()
	c, err := Compile(`States.Format('{}', States.Array($.missing))`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Eval(&jsonpath.Env{Input: value.MustParse(`{}`)}, nil)
	var nf *jsonpath.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v (%T), want *jsonpath.NotFoundError", err, err)
	}
}

// TestJavaText checks numbers printed as Java does, against OpenJDK's
// Double.toString and Math.round.
func TestJavaText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{1.0, "1.0"}, {1.1, "1.1"}, {1e7, "1.0E7"}, {1e-3, "0.001"}, {9.999e-4, "9.999E-4"},
		{1e21, "1.0E21"}, {123456789.0, "1.23456789E8"}, {2000.0, "2000.0"}, {math.Copysign(0, -1), "-0.0"},
		{1e-10, "1.0E-10"}, {0.30000000000000004, "0.30000000000000004"}, {100.0 / 3, "33.333333333333336"},
	} {
		if got := javaDouble(tc.in); got != tc.want {
			t.Errorf("javaDouble(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   value.Number
		want int64
	}{
		{"-1.5", -1}, {"0.49999999999999994", 0}, {"-0.5", 0}, {"2.5", 3}, {"7", 7}, {"1e2", 100}, {"-0", 0},
	} {
		if got, ok := roundNumber(tc.in); !ok || got != tc.want {
			t.Errorf("roundNumber(%s) = %d, %v; want %d", tc.in, got, ok, tc.want)
		}
	}
}

func BenchmarkEval(b *testing.B) {
	env := &jsonpath.Env{Input: value.MustParse(`{"name":"Arnav","arn":"arn:aws:imagebuilder:us-east-1:1:image-recipe/my-recipe/1.2.3","n":41}`)}
	for _, src := range []string{
		`States.Format('Hello, {}!', $.name)`,
		`States.MathAdd($.n, 1)`,
		`States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), '.'), 1))`,
	} {
		c, err := Compile(src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Eval(env, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
