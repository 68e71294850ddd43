package server_test

import (
	"encoding/json"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/sigv4"
)

// consoleScript runs the console's own api.js under Node, with the two
// browser globals it uses (location, sessionStorage) stood in for, and
// performs the steps in $CAIRN_STEPS against the server at $CAIRN_URL.
// It prints one JSON result per step.
const consoleScript = `
const store = new Map();
globalThis.sessionStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => { store.set(k, String(v)); },
  removeItem: (k) => { store.delete(k); },
};
globalThis.location = new URL(process.env.CAIRN_URL);
const api = await import(process.env.CAIRN_API);
const realNow = Date.now;
const results = [];
for (const step of JSON.parse(process.env.CAIRN_STEPS)) {
  if (step.signIn) api.signIn(step.signIn);
  if (step.signOut) api.signOut();
  // A browser whose clock is off: the console must learn the server's.
  Date.now = () => realNow() + (step.clockOffsetMs || 0);
  try {
    const data = await api.call(step.action, step.body || {});
    results.push({ ok: true, data, signedIn: api.credentials() !== null });
  } catch (err) {
    results.push({ ok: false, error: err.name, status: err.status, message: err.message,
      needsSignIn: api.needsSignIn(err), signedIn: api.credentials() !== null });
  } finally {
    Date.now = realNow;
  }
}
console.log(JSON.stringify(results));
`

// consoleStep is one call the console makes; the JSON names are the
// script's.
type consoleStep struct {
	SignIn        *consoleCreds  `json:"signIn,omitempty"`
	SignOut       bool           `json:"signOut,omitempty"`
	ClockOffsetMs int64          `json:"clockOffsetMs,omitempty"`
	Action        string         `json:"action"`
	Body          map[string]any `json:"body,omitempty"`
}

type consoleCreds struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken,omitempty"`
	Region          string `json:"region,omitempty"`
}

type consoleResult struct {
	OK          bool            `json:"ok"`
	Data        json.RawMessage `json:"data"`
	Error       string          `json:"error"`
	Status      int             `json:"status"`
	Message     string          `json:"message"`
	NeedsSignIn bool            `json:"needsSignIn"`
	SignedIn    bool            `json:"signedIn"`
}

func credsOf(c sigv4.Credential, region string) *consoleCreds {
	return &consoleCreds{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Region: region}
}

// TestConsoleSignsCalls proves the console's SigV4 (console/web/sigv4.js,
// used by api.js) and the server's verifier agree: Node signs real calls
// to a server that requires credentials.
func TestConsoleSignsCalls(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the console's signing was not checked against the server")
	}
	apiJS, err := filepath.Abs(filepath.Join("..", "console", "web", "api.js"))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := start(t, t.TempDir(), server.Config{Credentials: []sigv4.Credential{operator, session}, WaitScale: -1})
	sm, err := clientAs(t, srv.Addr(), operator).CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String("console-auth"), Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(sm.StateMachineArn)
	// Non-ASCII and spaces in the body: its hash is over the UTF-8 bytes.
	input := `{"greeting": "héllo wörld 🙂", "n": 1}`

	steps := []struct {
		step  consoleStep
		error string // "" when the call succeeds
		want  string // in the answer, when it succeeds
	}{
		{step: consoleStep{Action: "ListStateMachines"}, error: "MissingAuthenticationTokenException"},
		{step: consoleStep{SignIn: credsOf(operator, ""), Action: "ListStateMachines"}, want: arn},
		{step: consoleStep{Action: "StartExecution", Body: map[string]any{"stateMachineArn": arn, "name": "from-console", "input": input}}, want: "from-console"},
		{step: consoleStep{SignIn: credsOf(session, "eu-west-1"), Action: "DescribeStateMachine", Body: map[string]any{"stateMachineArn": arn}}, want: `"name":"console-auth"`},
		{step: consoleStep{ClockOffsetMs: -3_600_000, Action: "ListStateMachines"}, want: arn},
		{step: consoleStep{ClockOffsetMs: 3_600_000, Action: "ListStateMachines"}, want: arn},
		{step: consoleStep{SignIn: credsOf(sigv4.Credential{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey}, ""), Action: "ListStateMachines"}, error: "UnrecognizedClientException"},
		{step: consoleStep{SignIn: credsOf(sigv4.Credential{AccessKeyID: operator.AccessKeyID, SecretAccessKey: "guess"}, ""), Action: "ListStateMachines"}, error: "InvalidSignatureException"},
		{step: consoleStep{SignIn: credsOf(sigv4.Credential{AccessKeyID: "AKIDSTRANGER", SecretAccessKey: operator.SecretAccessKey}, ""), Action: "ListStateMachines"}, error: "UnrecognizedClientException"},
		{step: consoleStep{SignIn: credsOf(operator, ""), Action: "ListStateMachines"}, want: arn},
		{step: consoleStep{SignOut: true, Action: "ListStateMachines"}, error: "MissingAuthenticationTokenException"},
	}
	var script []consoleStep
	for _, s := range steps {
		script = append(script, s.step)
	}
	stepsJSON, err := json.Marshal(script)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "--input-type=module", "-e", consoleScript)
	cmd.Env = append(cmd.Environ(),
		"CAIRN_URL="+srv.URL()+"/console/",
		"CAIRN_API="+(&url.URL{Scheme: "file", Path: filepath.ToSlash(apiJS)}).String(),
		"CAIRN_STEPS="+string(stepsJSON))
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("node: %v\n%s%s", err, out, stderr)
	}
	var results []consoleResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(steps) {
		t.Fatalf("node printed %d results (%v), want %d:\n%s", len(results), err, len(steps), out)
	}
	for i, s := range steps {
		r := results[i]
		stepJSON, _ := json.Marshal(s.step)
		if s.error != "" {
			if r.OK || r.Error != s.error || r.Status != 400 || !r.NeedsSignIn {
				t.Errorf("step %d %s: got ok=%v %s (HTTP %d, needsSignIn %v) %s, want %s (HTTP 400) asking to sign in",
					i, stepJSON, r.OK, r.Error, r.Status, r.NeedsSignIn, r.Message, s.error)
			}
			continue
		}
		if !r.OK || !strings.Contains(string(r.Data), s.want) {
			t.Errorf("step %d %s: got ok=%v %s %s %s, want an answer holding %q", i, stepJSON, r.OK, r.Error, r.Message, r.Data, s.want)
		}
	}
	if results[len(results)-1].SignedIn || !results[len(results)-2].SignedIn {
		t.Errorf("sign out did not forget the key: signed in before %v, after %v", results[len(results)-2].SignedIn, results[len(results)-1].SignedIn)
	}

	// The execution the console started has the input it sent, byte for byte.
	var started struct{ ExecutionArn string }
	if err := json.Unmarshal(results[2].Data, &started); err != nil || started.ExecutionArn == "" {
		t.Fatalf("StartExecution answered %s (%v)", results[2].Data, err)
	}
	desc, err := clientAs(t, srv.Addr(), operator).DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(started.ExecutionArn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.Input) != input || desc.Status == types.ExecutionStatusFailed {
		t.Errorf("execution input %q (status %s), want %q", aws.ToString(desc.Input), desc.Status, input)
	}
}
