package asl_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// evalOutput parses a JSONata Pass state with the given Output and
// evaluates it with $states.input = input.
func evalOutput(t *testing.T, output, input string) (any, error) {
	t.Helper()
	sm, err := asl.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":` + output + `,"End":true}}}`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	env := &asl.Env{Rand: rand.New(rand.NewPCG(1, 2)), Now: time.Unix(1700000000, 0),
		States: value.ObjectOf("input", value.MustParse(input))}
	env.Variables = func() map[string]any { return map[string]any{"v": value.Int(5)} }
	return sm.States["P"].Output.Eval(env)
}

func TestJSONataTemplates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ output, input, want string }{
		{`"{% $states.input.a + 1 %}"`, `{"a":1}`, `2`},
		{`{"sum":"{% $sum($states.input.xs) %}","lit":"plain","nested":["{% $v %}",true]}`, `{"xs":[1,2,3]}`, `{"sum":6,"lit":"plain","nested":[5,true]}`},
		{`"{% $partition([1,2,3,4,5], 2) %}"`, `{}`, `[[1,2],[3,4],[5]]`},
		{`"{% $range(0, 10, 5) %}"`, `{}`, `[0,5,10]`},
		{`"{% $range(1, 1) %}"`, `{}`, `1`},
		{`"{% $hash('input data', 'SHA-1') %}"`, `{}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`"{% $parse('{\"k\":[1]}').k %}"`, `{}`, `[1]`},
		{`"{% $length($uuid()) %}"`, `{}`, `36`},
		{`"{% $random() >= 0 and $random() < 1 %}"`, `{}`, `true`},
		{`"{% $random(7) = $random(7) %}"`, `{}`, `true`},
	} {
		got, err := evalOutput(t, tc.output, tc.input)
		if err != nil {
			t.Errorf("%s: %v", tc.output, err)
			continue
		}
		if value.String(got) != tc.want {
			t.Errorf("%s = %s, want %s", tc.output, value.String(got), tc.want)
		}
	}
}

func TestJSONataFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ output, cause string }{
		{`{"r":"{% $nothing %}"}`, "The JSONata expression '$nothing' specified for the field 'Output/r' returned nothing (undefined)."},
		{`"{% $eval('1') %}"`, "not supported by Step Functions"},
		{`"{% function($x){$x} %}"`, "returned an unsupported result type."},
		{`"{% 1 + 'a' %}"`, "threw an error during evaluation"},
	} {
		_, err := evalOutput(t, tc.output, `{}`)
		f, ok := err.(*asl.Failure)
		if !ok || f.Name != "States.QueryEvaluationError" || !strings.Contains(f.Cause, tc.cause) {
			t.Errorf("%s: %v, want States.QueryEvaluationError with %q", tc.output, err, tc.cause)
		}
	}
}

func TestJSONataSyntaxErrorIsADefinitionError(t *testing.T) {
	t.Parallel()
	_, err := asl.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% 1 + %}","End":true}}}`))
	ve, ok := err.(*asl.ValidationError)
	if !ok || len(ve.Diagnostics) != 1 || ve.Diagnostics[0].Location != "/States/P/Output" {
		t.Fatalf("%v", err)
	}
}

func TestIntrinsicMissingPathNamesThePath(t *testing.T) {
	t.Parallel()
	sm, err := asl.Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}', $.missing)"},"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	env := &asl.Env{Rand: rand.New(rand.NewPCG(1, 2))}
	env.Input = value.MustParse(`{"a":1}`)
	_, err = sm.States["P"].Parameters.Eval(env)
	f, ok := err.(*asl.Failure)
	if !ok || f.Name != "States.Runtime" || !strings.Contains(f.Cause, "The JSONPath '$.missing' specified for the field 'v.$'") {
		t.Fatalf("%v", err)
	}
}
