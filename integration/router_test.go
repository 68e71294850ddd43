package integration

import (
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource string
		kind     int
	}{
		{"arn:aws:states:::http:invoke", kindHTTP},
		{"arn:aws-cn:states:::http:invoke", kindHTTP},
		{"arn:aws:states:::lambda:invoke", kindLambdaInvoke},
		{"arn:aws:states:::lambda:invoke.waitForTaskToken", kindLambdaInvoke},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", kindLambdaFunction},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:prod", kindLambdaFunction},
		{"arn:aws:lambda:us-east-1:123456789012:function:", kindOther},
		{"arn:aws:states:us-east-1:123456789012:activity:a", kindActivity},
		{"arn:aws:states:::sqs:sendMessage", kindOther},
		{"arn:aws:states:::aws-sdk:s3:getObject", kindOther},
		{"arn:aws:states:::http:invoke.sync", kindOther},
		{"not an arn", kindOther},
	}
	for _, tt := range tests {
		if got := classify(tt.resource); got != tt.kind {
			t.Errorf("classify(%q) = %d, want %d", tt.resource, got, tt.kind)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	cfg := Config{
		Lambda: LambdaConfig{Functions: map[string]LocalFunction{"both": {URL: "http://x", Command: []string{"x"}}}},
		HTTP: HTTPConfig{
			Connections: map[string]Connection{"two": {APIKey: &APIKeyAuth{Name: "k"}, Basic: &BasicAuth{}}},
			Deny:        []string{"300.1.1.1/8"},
		},
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad configuration")
	}
	for _, w := range []string{`"both"`, "connection two", "http deny list"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := New(cfg); err == nil {
		t.Error("New accepted a bad configuration")
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("the zero Config is invalid: %v", err)
	}
}

// TestRouterUnmockedActivity leaves activities to the engine's workers.
func TestRouterUnmockedActivity(t *testing.T) {
	t.Parallel()
	r := mustRouter(t, Config{})
	out, err := r.Invoke(t.Context(), engine.Task{RunTask: interp.RunTask{Resource: "arn:aws:states:us-east-1:123456789012:activity:a", Token: "t"}})
	if out != nil || err != nil {
		t.Errorf("activity answered %v, %v", out, err)
	}
}
