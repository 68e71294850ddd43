package integration

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// The test binary doubles as a local Lambda command: with
// CAIRN_TEST_LAMBDA set it behaves as that function and exits.
func TestMain(m *testing.M) {
	switch os.Getenv("CAIRN_TEST_LAMBDA") {
	case "":
		code := m.Run()
		sharedMoto.stop()
		os.Exit(code)
	case "echo":
		in, _ := io.ReadAll(os.Stdin)
		fmt.Printf(`{"echo":%s}`, in)
		os.Exit(0)
	case "raise":
		fmt.Print(`{"errorType":"ValueError","errorMessage":"bad input"}`)
		os.Exit(1)
	case "crash":
		fmt.Fprint(os.Stderr, "segfault")
		os.Exit(3)
	}
	os.Exit(2)
}

func commandFunction(mode string) LocalFunction {
	return LocalFunction{Command: []string{os.Args[0]}, Env: []string{"CAIRN_TEST_LAMBDA=" + mode}}
}

// lambdaDefinition calls a function both ways and catches its errors.
const lambdaDefinition = `{
  "StartAt": "Bare",
  "States": {
    "Bare": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:FN",
      "ResultPath": "$.bare",
      "Catch": [{"ErrorEquals": ["ValueError", "Runtime.ExitError", "Lambda.ResourceNotFoundException", "KeyError"], "ResultPath": "$.bareError", "Next": "Invoke"}],
      "Next": "Invoke"
    },
    "Invoke": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:FN:live", "Payload": {"x.$": "$.x"}},
      "ResultSelector": {"Payload.$": "$.Payload", "StatusCode.$": "$.StatusCode", "ExecutedVersion.$": "$.ExecutedVersion"},
      "ResultPath": "$.invoke",
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.invokeError", "Next": "Done"}],
      "Next": "Done"
    },
    "Done": {"Type": "Pass", "End": true}
  }
}`

// runLambda runs lambdaDefinition with the function named name.
func runLambda(t *testing.T, name string, cfg LambdaConfig) *value.Object {
	t.Helper()
	router := mustRouter(t, Config{Lambda: cfg})
	def := strings.ReplaceAll(lambdaDefinition, "FN", name)
	res := runDefinition(t, def, `{"x": 1}`, "", router)
	if res.Status != interp.Succeeded {
		t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
	}
	return res.Output.(*value.Object)
}

func member(t *testing.T, o *value.Object, path ...string) string {
	t.Helper()
	var v any = o
	for _, k := range path {
		obj, ok := v.(*value.Object)
		if !ok {
			return "<missing>"
		}
		if v, ok = obj.Get(k); !ok {
			return "<missing>"
		}
	}
	return value.String(v)
}

func TestLambdaLocalCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode                      string
		bare, bareErr, invokeWant string
		invokeErr                 string
	}{
		{"echo", `{"echo":{"x":1}}`, "<missing>", `{"Payload":{"echo":{"x":1}},"StatusCode":200,"ExecutedVersion":"$LATEST"}`, "<missing>"},
		{"raise", "<missing>", `"ValueError"`, "<missing>", `"ValueError"`},
		{"crash", "<missing>", `"Runtime.ExitError"`, "<missing>", `"Runtime.ExitError"`},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			out := runLambda(t, "fn", LambdaConfig{Functions: map[string]LocalFunction{"fn": commandFunction(tt.mode)}})
			if got := member(t, out, "bare"); got != tt.bare {
				t.Errorf("bare result %s, want %s", got, tt.bare)
			}
			if got := member(t, out, "bareError", "Error"); got != tt.bareErr {
				t.Errorf("bare error %s, want %s", got, tt.bareErr)
			}
			if got := member(t, out, "invoke"); got != tt.invokeWant {
				t.Errorf("invoke result %s, want %s", got, tt.invokeWant)
			}
			if got := member(t, out, "invokeError", "Error"); got != tt.invokeErr {
				t.Errorf("invoke error %s, want %s", got, tt.invokeErr)
			}
		})
	}
	// The cause is the function's error payload.
	out := runLambda(t, "fn", LambdaConfig{Functions: map[string]LocalFunction{"fn": commandFunction("raise")}})
	if got := member(t, out, "bareError", "Cause"); got != `"{\"errorType\":\"ValueError\",\"errorMessage\":\"bad input\"}"` {
		t.Errorf("cause %s", got)
	}
	out = runLambda(t, "fn", LambdaConfig{Functions: map[string]LocalFunction{"fn": commandFunction("crash")}})
	if got := member(t, out, "bareError", "Cause"); !strings.Contains(got, "exited with status 3: segfault") {
		t.Errorf("crash cause %s", got)
	}
}

// fakeLambda implements the Lambda Invoke API path for a few functions.
func fakeLambda(t *testing.T) (*httptest.Server, *[]string) {
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
		name, ok2 := strings.CutSuffix(name, "/invocations")
		if !ok || !ok2 || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		calls = append(calls, fmt.Sprintf("%s qualifier=%s type=%s auth=%v", name, r.URL.Query().Get("Qualifier"),
			r.Header.Get("X-Amz-Invocation-Type"), strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256")))
		w.Header().Set("x-amzn-RequestId", "req-1")
		switch {
		case strings.HasSuffix(name, "function:echo"), name == "echo":
			w.Header().Set("X-Amz-Executed-Version", "7")
			fmt.Fprintf(w, `{"echo":%s}`, body)
		case strings.HasSuffix(name, "function:boom"), name == "boom":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			fmt.Fprint(w, `{"errorType":"KeyError","errorMessage":"'k'"}`)
		default:
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"Type": "User", "Message": "Function not found: " + name})
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestLambdaEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		bare, bareErr, invokeWant string
		invokeErr                 string
	}{
		{"echo", `{"echo":{"x":1}}`, "<missing>", `{"Payload":{"echo":{"x":1}},"StatusCode":200,"ExecutedVersion":"7"}`, "<missing>"},
		{"boom", "<missing>", `"KeyError"`, "<missing>", `"KeyError"`},
		{"ghost", "<missing>", `"Lambda.ResourceNotFoundException"`, "<missing>", `"Lambda.ResourceNotFoundException"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := fakeLambda(t)
			out := runLambda(t, tt.name, LambdaConfig{Endpoint: srv.URL})
			if got := member(t, out, "bare"); got != tt.bare {
				t.Errorf("bare result %s, want %s", got, tt.bare)
			}
			if got := member(t, out, "bareError", "Error"); got != tt.bareErr {
				t.Errorf("bare error %s, want %s", got, tt.bareErr)
			}
			if got := member(t, out, "invoke"); got != tt.invokeWant {
				t.Errorf("invoke result %s, want %s", got, tt.invokeWant)
			}
			if got := member(t, out, "invokeError", "Error"); got != tt.invokeErr {
				t.Errorf("invoke error %s, want %s", got, tt.invokeErr)
			}
			if len(*calls) != 2 || !strings.Contains((*calls)[1], "qualifier=live") || !strings.Contains((*calls)[0], "auth=true") {
				t.Errorf("calls %q", *calls)
			}
		})
	}
	// A bare name goes as it is: the endpoint's account is not Cairn's.
	srv, calls := fakeLambda(t)
	router := mustRouter(t, Config{Lambda: LambdaConfig{Endpoint: srv.URL}})
	res := runDefinition(t, `{"StartAt": "I", "States": {"I": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "echo", "Payload": {"a": 1}}, "OutputPath": "$.Payload", "End": true}}}`, `{}`, "", router)
	if got := value.String(res.Output); got != `{"echo":{"a":1}}` || len(*calls) != 1 || !strings.HasPrefix((*calls)[0], "echo ") {
		t.Errorf("bare name: output %s (%s), calls %q", got, res.Cause, *calls)
	}
	out := runLambda(t, "ghost", LambdaConfig{Endpoint: srv.URL})
	if got := member(t, out, "bareError", "Cause"); !strings.Contains(got, "(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;") {
		t.Errorf("not-found cause %s", got)
	}
}

func TestLambdaNotConfigured(t *testing.T) {
	t.Parallel()
	out := runLambda(t, "nowhere", LambdaConfig{})
	if got := member(t, out, "bareError", "Error"); got != `"Lambda.ResourceNotFoundException"` {
		t.Errorf("error %s", got)
	}
	if got := member(t, out, "bareError", "Cause"); !strings.Contains(got, "function:nowhere:$LATEST") {
		t.Errorf("cause %s", got)
	}
	if _, err := NewLambda(LambdaConfig{Functions: map[string]LocalFunction{"f": {}}}); err == nil {
		t.Error("a function with neither url nor command was accepted")
	}
}

func TestLambdaURLFunction(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"got":%s}`, body)
	}))
	t.Cleanup(srv.Close)
	out := runLambda(t, "web", LambdaConfig{Functions: map[string]LocalFunction{"web": {URL: srv.URL}}})
	if got := member(t, out, "bare"); got != `{"got":{"x":1}}` {
		t.Errorf("bare %s", got)
	}
	// lambda:invoke sends a string Payload as it is.
	router := mustRouter(t, Config{Lambda: LambdaConfig{Functions: map[string]LocalFunction{"web": {URL: srv.URL}}}})
	res := runDefinition(t, `{"StartAt": "I", "States": {"I": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "web", "Payload": "[1, 2]"}, "OutputPath": "$.Payload", "End": true}}}`, `{}`, "", router)
	if got := value.String(res.Output); got != `{"got":[1,2]}` {
		t.Errorf("string payload gave %s (%s %s)", got, res.Error, res.Cause)
	}
}

func TestParseFunction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                               string
		ok                               bool
		name, qualifier, region, account string
	}{
		{"f", true, "f", "", "r", "a"},
		{"f:3", true, "f", "3", "r", "a"},
		{"111:function:f", true, "f", "", "r", "111"},
		{"111:function:f:alias", true, "f", "alias", "r", "111"},
		{"arn:aws:lambda:eu-west-1:222:function:g", true, "g", "", "eu-west-1", "222"},
		{"arn:aws:lambda:eu-west-1:222:function:g:$LATEST", true, "g", "$LATEST", "eu-west-1", "222"},
		{"arn:aws:lambda:eu-west-1:222:function:g:1:2", false, "", "", "", ""},
		{"", false, "", "", "", ""},
		{"a:b:c", false, "", "", "", ""},
	}
	for _, tt := range tests {
		f, ok := parseFunction(tt.in, "r", "a")
		if ok != tt.ok {
			t.Errorf("parseFunction(%q) ok %v", tt.in, ok)
			continue
		}
		if ok && (f.name != tt.name || f.qualifier != tt.qualifier || f.region != tt.region || f.account != tt.account) {
			t.Errorf("parseFunction(%q) = %+v", tt.in, f)
		}
	}
}

func FuzzParseFunction(f *testing.F) {
	for _, s := range []string{"f", "f:1", "1:function:f", "arn:aws:lambda:r:1:function:f:q", "::::", "arn:aws:lambda"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fn, ok := parseFunction(s, "r", "a")
		if ok && (fn.name == "" || strings.Contains(fn.name, ":")) {
			t.Errorf("parseFunction(%q) = %+v", s, fn)
		}
	})
}
