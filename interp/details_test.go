package interp

import (
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

// TestTypedDetailsJSON checks that each typed details writes exactly what
// the equivalent value object writes: history JSON is compared against
// AWS's recordings byte for byte.
func TestTypedDetailsJSON(t *testing.T) {
	t.Parallel()
	u := func() *value.Object { return value.ObjectOf("truncated", false) }
	odd := "a\"b\\c\n\u0001é\xff"
	assigned := value.ObjectOf("x", `{"a":1}`, "y", "2")
	cases := []struct {
		name  string
		typed Details
		want  *value.Object
	}{
		{"entered", &stateEntered{text: `{"k":"v"}`, name: odd},
			value.ObjectOf("input", `{"k":"v"}`, "inputDetails", u(), "name", odd)},
		{"exited", &stateExited{name: "S", text: `[1,"x"]`},
			value.ObjectOf("name", "S", "output", `[1,"x"]`, "outputDetails", u())},
		{"exited assigned", &stateExited{assigned: assigned, name: "S", text: "{}"},
			value.ObjectOf("assignedVariables", assigned, "assignedVariablesDetails", u(), "name", "S", "output", "{}", "outputDetails", u())},
		{"exited empty assigned", &stateExited{assigned: value.NewObject(0), name: "S", text: "null"},
			value.ObjectOf("name", "S", "output", "null", "outputDetails", u())},
		{"started", &executionStarted{input: odd, roleArn: "r"},
			value.ObjectOf("input", odd, "inputDetails", u(), "roleArn", "r")},
		{"started alias", &executionStarted{input: "{}", roleArn: "r", aliasArn: "a", versionArn: "v"},
			value.ObjectOf("input", "{}", "inputDetails", u(), "roleArn", "r", "stateMachineAliasArn", "a", "stateMachineVersionArn", "v")},
		{"output", &outputDetails{output: odd},
			value.ObjectOf("output", odd, "outputDetails", u())},
		{"iteration", &mapIteration{index: 12, name: "M"},
			value.ObjectOf("index", value.Int(12), "name", "M")},
		{"task scheduled", &taskEvent{resourceType: "lambda", resource: "invoke", scheduled: true, region: "us-east-1", parameters: `{"a":1}`},
			value.ObjectOf("resourceType", "lambda", "resource", "invoke", "region", "us-east-1", "parameters", `{"a":1}`)},
		{"task scheduled timeouts", &taskEvent{resourceType: "lambda", resource: "invoke", scheduled: true, parameters: "1", timeout: 30, heartbeat: 5},
			value.ObjectOf("resourceType", "lambda", "resource", "invoke", "region", "", "parameters", "1", "timeoutInSeconds", value.Int(30), "heartbeatInSeconds", value.Int(5))},
		{"task started", &taskEvent{resourceType: "http", resource: "invoke"},
			value.ObjectOf("resourceType", "http", "resource", "invoke")},
		{"task succeeded", &taskEvent{resourceType: "http", resource: "invoke", output: `"s"`, hasOutput: true},
			value.ObjectOf("resourceType", "http", "resource", "invoke", "output", `"s"`, "outputDetails", u())},
		{"object", ObjectDetails{value.ObjectOf("error", "E", "cause", odd)},
			value.ObjectOf("error", "E", "cause", odd)},
	}
	for _, c := range cases {
		got := string(c.typed.AppendJSON([]byte("prefix")))
		if want := "prefix" + value.String(c.want); got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, want)
		}
	}
}

func TestSameValue(t *testing.T) {
	t.Parallel()
	o := value.ObjectOf("a", value.Int(1))
	arr := []any{value.Int(1), "x"}
	cases := []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{nil, false, false},
		{true, true, true},
		{true, false, false},
		{value.Number("1.0"), value.Number("1.0"), true},
		{value.Number("1.0"), value.Number("1"), false},
		{"x", "x", true},
		{"1", value.Number("1"), false},
		{o, o, true},
		{o, value.ObjectOf("a", value.Int(1)), false},
		{arr, arr, true},
		{arr, arr[:1], false},
		{arr, []any{value.Int(1), "x"}, false},
		{[]any{}, []any{}, true},
		{o, arr, false},
	}
	for i, c := range cases {
		if got := sameValue(c.a, c.b); got != c.want {
			t.Errorf("case %d: sameValue(%v, %v) = %v, want %v", i, c.a, c.b, got, c.want)
		}
	}
}
