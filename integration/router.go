package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

// Config says where Task resources run. The zero value mocks nothing,
// calls HTTP APIs with the default HTTPConfig and has no Lambda functions
// (Lambda tasks fail with Lambda.ResourceNotFoundException).
type Config struct {
	// Mocks answers the tasks of executions started with a test case
	// ("<stateMachineArn>#<TestCase>"); nil: no mocks.
	Mocks  *Mocks
	Lambda LambdaConfig
	HTTP   HTTPConfig
	// AWS says where DynamoDB, SQS, SNS, S3 and EventBridge tasks are
	// called; the zero value calls nothing (those tasks fail with
	// States.Runtime naming the endpoint to configure).
	AWS AWSConfig
}

// Router is an engine.Invoker that picks the integration by the task's
// resource: a mock first, when the execution's test case mocks the state;
// then HTTP Tasks, Lambda (optimized and bare function ARNs), the AWS
// service integrations (aws.go: DynamoDB, SQS, SNS, S3, EventBridge, both
// optimized and aws-sdk). Activities
// are left to the engine's workers. Every other resource fails with
// States.Runtime, naming what is missing.
type Router struct {
	mocks  *Mocks
	lambda *Lambda
	http   *HTTP
	aws    *AWS
}

var _ engine.Invoker = (*Router)(nil)

// Validate reports what New would refuse: a local function with neither
// or both of url and command, a connection with several authorizations,
// a malformed host or network in the HTTP allow and deny lists, an AWS
// endpoint that is not an http(s) URL or names an unknown service.
func (c Config) Validate() error {
	var errs []error
	for name, f := range c.Lambda.Functions {
		if (f.URL == "") == (len(f.Command) == 0) {
			errs = append(errs, fmt.Errorf("lambda function %q: give exactly one of url and command", name))
		}
	}
	for name, conn := range c.HTTP.Connections {
		if err := conn.validate(); err != nil {
			errs = append(errs, fmt.Errorf("connection %s: %w", name, err))
		}
	}
	if _, err := parseHostRules(c.HTTP.Allow); err != nil {
		errs = append(errs, fmt.Errorf("http allow list: %w", err))
	}
	if _, err := parseHostRules(c.HTTP.Deny); err != nil {
		errs = append(errs, fmt.Errorf("http deny list: %w", err))
	}
	if err := c.AWS.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// New builds a Router from cfg.
func New(cfg Config) (*Router, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l, err := NewLambda(cfg.Lambda)
	if err != nil {
		return nil, err
	}
	h, err := NewHTTP(cfg.HTTP)
	if err != nil {
		return nil, err
	}
	a, err := NewAWS(cfg.AWS)
	if err != nil {
		return nil, err
	}
	return &Router{mocks: cfg.Mocks, lambda: l, http: h, aws: a}, nil
}

// resource kinds the Router tells apart.
const (
	kindOther = iota
	kindHTTP
	kindLambdaInvoke
	kindLambdaFunction
	kindActivity
)

// classify parses a Task resource ARN (any partition).
func classify(resource string) int {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return kindOther
	}
	switch {
	case parts[2] == "states" && parts[3] == "" && parts[4] == "":
		switch strings.Join(parts[5:], ":") {
		case "http:invoke":
			return kindHTTP
		case "lambda:invoke", "lambda:invoke.waitForTaskToken":
			return kindLambdaInvoke
		}
	case parts[2] == "lambda" && len(parts) == 7 && parts[5] == "function" && parts[6] != "":
		return kindLambdaFunction
	case parts[2] == "states" && len(parts) == 7 && parts[5] == "activity":
		return kindActivity
	}
	return kindOther
}

// Invoke runs the task's resource.
func (r *Router) Invoke(ctx context.Context, task engine.Task) (any, error) {
	kind := classify(task.Resource)
	if task.TestCase != "" && r.mocks != nil {
		out, mocked, err := r.mock(task, kind)
		if mocked {
			return out, err
		}
	}
	switch kind {
	case kindHTTP:
		return r.http.Invoke(ctx, task)
	case kindLambdaInvoke, kindLambdaFunction:
		return r.lambda.Invoke(ctx, task)
	case kindActivity:
		// Not mocked: the engine hands it to GetActivityTask workers.
		return nil, nil
	}
	if r.aws.Handles(task.Resource) {
		return r.aws.Invoke(ctx, task)
	}
	cause := fmt.Sprintf("Cairn has no integration for %s; mock it with SFN_MOCK_CONFIG", task.Resource)
	return nil, &engine.TaskError{Name: "States.Runtime", Cause: cause}
}

// mock answers from the mock configuration when it covers the task.
func (r *Router) mock(task engine.Task, kind int) (out any, mocked bool, err error) {
	cfg, err := r.mocks.Config()
	if err != nil {
		return engine.Mocked{}, true, &engine.TaskError{Name: "States.Runtime", Cause: err.Error()}
	}
	if !cfg.Has(task.StateMachineName, task.TestCase) {
		cause := fmt.Sprintf("the mock configuration has no test case '%s' for state machine '%s'", task.TestCase, task.StateMachineName)
		return engine.Mocked{}, true, &engine.TaskError{Name: "States.Runtime", Cause: cause}
	}
	ans, mocked, err := cfg.Lookup(task.StateMachineName, task.TestCase, task.StateName, task.Invocation)
	switch {
	case !mocked:
		return nil, false, nil
	case err != nil:
		return engine.Mocked{}, true, &engine.TaskError{Name: "States.Runtime", Cause: err.Error()}
	case ans.Throw:
		// Mocked marks the answer as final even for callback and activity
		// tasks, which would otherwise wait for a worker.
		return engine.Mocked{}, true, &engine.TaskError{Name: ans.Error, Cause: ans.Cause}
	}
	output := ans.Output
	if kind == kindLambdaFunction {
		// A bare function ARN's result is the function's payload; mocks
		// give the Invoke response ({"StatusCode": 200, "Payload": …}).
		if o, ok := output.(*value.Object); ok {
			if p, ok := o.Get("Payload"); ok {
				output = p
			}
		}
	}
	return engine.Mocked{Output: output}, true, nil
}
