package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/sigv4"
)

var (
	operator = sigv4.Credential{AccessKeyID: "AKIDOPERATOR", SecretAccessKey: "operator-secret"}
	session  = sigv4.Credential{AccessKeyID: "ASIASESSION", SecretAccessKey: "session-secret", SessionToken: "IQoJb3JpZ2luX2VjEJr//token"}
)

// clientAs is an SDK client for the server at addr signing as cred.
func clientAs(t *testing.T, addr string, cred sigv4.Credential) *sfn.Client {
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return sfn.New(sfn.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, cred.SessionToken),
		BaseEndpoint:     aws.String("http://" + addr),
		HTTPClient:       &http.Client{Transport: transport},
		RetryMaxAttempts: 1,
	})
}

// apiErrorOf returns the AWS error code and HTTP status of an SDK error.
func apiErrorOf(err error) (code string, status int) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func TestAuthSDK(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, t.TempDir(), server.Config{Credentials: []sigv4.Credential{operator, session}, WaitScale: -1})
	cases := []struct {
		name string
		cred sigv4.Credential
		code string // "" when the call succeeds
	}{
		{name: "right key", cred: operator},
		{name: "session credentials", cred: session},
		{name: "wrong secret", cred: sigv4.Credential{AccessKeyID: operator.AccessKeyID, SecretAccessKey: "guess"}, code: "InvalidSignatureException"},
		{name: "unknown key", cred: sigv4.Credential{AccessKeyID: "AKIDSTRANGER", SecretAccessKey: operator.SecretAccessKey}, code: "UnrecognizedClientException"},
		{name: "session token missing", cred: sigv4.Credential{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey}, code: "UnrecognizedClientException"},
		{name: "session token wrong", cred: sigv4.Credential{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey, SessionToken: "stale"}, code: "UnrecognizedClientException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cl := clientAs(t, srv.Addr(), c.cred)
			name := strings.ReplaceAll(c.name, " ", "-")
			out, err := cl.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
				Name: aws.String(name), Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
				RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"), Type: types.StateMachineTypeExpress,
			})
			if c.code != "" {
				code, status := apiErrorOf(err)
				if code != c.code || status != http.StatusBadRequest {
					t.Fatalf("got %s (HTTP %d), want %s (HTTP 400); err %v", code, status, c.code, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The "sync-" host prefix is signed as sent and verifies too.
			run, err := cl.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{StateMachineArn: out.StateMachineArn, Input: aws.String(`{"n":1}`)})
			if err != nil {
				t.Fatal(err)
			}
			if run.Status != types.SyncExecutionStatusSucceeded || aws.ToString(run.Output) != `{"n":1}` {
				t.Errorf("sync execution %s, output %s", run.Status, aws.ToString(run.Output))
			}
		})
	}
}

// TestAuthOff: without credentials any signature, or none, is accepted.
func TestAuthOff(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, t.TempDir(), server.Config{})
	for _, cred := range []sigv4.Credential{operator, {AccessKeyID: "anything", SecretAccessKey: "at all"}} {
		if _, err := clientAs(t, srv.Addr(), cred).ListStateMachines(t.Context(), &sfn.ListStateMachinesInput{}); err != nil {
			t.Errorf("%s: %v", cred.AccessKeyID, err)
		}
	}
	resp := post(t, srv.URL()+"/", "AWSStepFunctions.ListStateMachines")
	if resp.status != http.StatusOK {
		t.Errorf("unsigned request: HTTP %d %s", resp.status, resp.body)
	}
}

type answer struct {
	status        int
	body, errType string
}

func post(t *testing.T, url, target string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), errType: resp.Header.Get("X-Amzn-ErrorType")}
}

// TestAuthRaw checks the refusals' wire shape, and that metrics scrapes
// need no signature.
func TestAuthRaw(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, t.TempDir(), server.Config{Credentials: []sigv4.Credential{operator}})
	unsigned := post(t, srv.URL()+"/", "AWSStepFunctions.ListStateMachines")
	var body struct{ Type, Message string }
	body.Type = "unset"
	if err := json.Unmarshal([]byte(strings.Replace(unsigned.body, "__type", "type", 1)), &body); err != nil {
		t.Fatalf("body %q: %v", unsigned.body, err)
	}
	if unsigned.status != http.StatusBadRequest || body.Type != "MissingAuthenticationTokenException" ||
		body.Message != "Missing Authentication Token" || unsigned.errType != body.Type {
		t.Errorf("unsigned: HTTP %d %s (X-Amzn-ErrorType %s)", unsigned.status, unsigned.body, unsigned.errType)
	}

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/", strings.NewReader("{}"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDOPERATOR/20260101/us-east-1/states/aws4_request")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	if got := do(t, req); got.status != http.StatusBadRequest || got.errType != "IncompleteSignatureException" {
		t.Errorf("incomplete: HTTP %d %s", got.status, got.body)
	}

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL()+server.MetricsPath, nil)
		if got := do(t, req); got.status != http.StatusOK {
			t.Errorf("%s %s: HTTP %d %s", method, server.MetricsPath, got.status, got.body)
		}
	}
	if got := post(t, srv.URL()+server.MetricsPath, "AWSStepFunctions.ListStateMachines"); got.errType != "MissingAuthenticationTokenException" {
		t.Errorf("POST %s unsigned: HTTP %d %s", server.MetricsPath, got.status, got.body)
	}
}

func TestAuthConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		file string
		keys int
		err  string
	}{
		{file: write("ok", "# operators\nAKIDOPERATOR operator-secret\nASIASESSION session-secret token\n"), keys: 2},
		{file: write("empty", "# nobody\n"), err: "no credentials in the file"},
		{file: write("twice", "A s\nA t\n"), err: "A: given twice"},
		{file: write("bad", "A\n"), err: "line 1"},
		{file: filepath.Join(dir, "missing"), err: "no such file"},
	}
	for _, c := range cases {
		creds, err := server.LoadCredentials(c.file)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", filepath.Base(c.file), err, c.err)
			}
			continue
		}
		if err != nil || len(creds) != c.keys {
			t.Errorf("%s: %d credentials, error %v; want %d", filepath.Base(c.file), len(creds), err, c.keys)
		}
	}
	_, err := server.New(server.Config{Credentials: []sigv4.Credential{operator, operator}}, server.Deps{})
	if err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("New with a repeated key: %v", err)
	}
}

// TestAuthAWSCLI runs the AWS CLI (botocore's signer) against a server
// with authentication on: the right key lists state machines, a wrong
// secret gets InvalidSignatureException.
func TestAuthAWSCLI(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: each AWS CLI command starts Python")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH")
	}
	srv, _ := start(t, t.TempDir(), server.Config{Credentials: []sigv4.Credential{operator, session}})
	cases := []struct {
		cred sigv4.Credential
		want string // in the CLI's output
		ok   bool
	}{
		{cred: operator, want: `"stateMachines": []`, ok: true},
		{cred: session, want: `"stateMachines": []`, ok: true},
		{cred: sigv4.Credential{AccessKeyID: operator.AccessKeyID, SecretAccessKey: "guess"}, want: "(InvalidSignatureException)"},
		{cred: sigv4.Credential{AccessKeyID: "AKIDSTRANGER", SecretAccessKey: "x"}, want: "(UnrecognizedClientException)"},
	}
	for _, c := range cases {
		cmd := exec.CommandContext(t.Context(), "aws", "stepfunctions", "list-state-machines", "--endpoint-url", srv.URL(), "--output", "json")
		// Only these keys: none of the caller's AWS settings.
		env := []string{"HOME=" + t.TempDir(), "AWS_DEFAULT_REGION=us-east-1", "AWS_MAX_ATTEMPTS=1",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"AWS_ACCESS_KEY_ID=" + c.cred.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.cred.SecretAccessKey}
		if c.cred.SessionToken != "" {
			env = append(env, "AWS_SESSION_TOKEN="+c.cred.SessionToken)
		}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
				env = append(env, kv)
			}
		}
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if (err == nil) != c.ok || !strings.Contains(string(out), c.want) {
			t.Errorf("%s: err %v, output:\n%s\nwant %q", c.cred.AccessKeyID, err, out, c.want)
		}
	}
}
