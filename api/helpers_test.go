package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	smPre   = "arn:aws:states:us-east-1:123456789012:stateMachine:"
	actPre  = "arn:aws:states:us-east-1:123456789012:activity:"
	role    = "arn:aws:iam::123456789012:role/DummyRole"
)

// fakeValidator stands in for asl: it checks JSON, StartAt, and that every
// Next names a state. A state whose Comment is "warn" earns a warning.
func fakeValidator(def []byte, typ string) []api.Diagnostic {
	var d struct {
		StartAt string
		States  map[string]struct {
			Next    string
			Comment string
		}
	}
	if err := json.Unmarshal(def, &d); err != nil {
		return []api.Diagnostic{{Code: "INVALID_JSON_DESCRIPTION", Message: err.Error()}}
	}
	var out []api.Diagnostic
	if d.StartAt == "" {
		out = append(out, api.Diagnostic{Code: "SCHEMA_VALIDATION_FAILED", Message: "The field 'StartAt' is required", Location: "/StartAt"})
	}
	for _, name := range sortedKeys(d.States) {
		st := d.States[name]
		if _, ok := d.States[st.Next]; st.Next != "" && !ok {
			out = append(out, api.Diagnostic{Code: "MISSING_TRANSITION_TARGET", Message: "Missing 'Next' target: " + st.Next, Location: "/States/" + name + "/Next"})
		}
		if st.Comment == "warn" {
			out = append(out, api.Diagnostic{Code: "WARN_CODE", Message: "a warning", Location: "/States/" + name, Severity: "WARNING"})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

const passDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`

// fakeClock advances one second per reading, so dates differ and are known.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

type backend struct {
	name string
	open func(t *testing.T) store.Resources
}

var backends = []backend{
	{"memory", func(t *testing.T) store.Resources { return memory.New() }},
	{"sqlite", func(t *testing.T) store.Resources {
		s, err := sqlite.Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
}

// forEachStore runs test against the API over every store backend.
func forEachStore(t *testing.T, test func(t *testing.T, c *sfn.Client)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, newClient(t, b.open(t), api.Deps{}))
		})
	}
}

// startServer runs the real handler on a random loopback port.
func startServer(t *testing.T, st store.Resources, deps api.Deps) *httptest.Server {
	t.Helper()
	deps.Store = st
	if deps.Validator == nil {
		deps.Validator = fakeValidator
	}
	if deps.Clock == nil {
		c := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		deps.Clock = c.Now
	}
	srv, err := api.New(api.Config{}, deps)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	return ts
}

// newClient returns an SDK client for a fresh server. Its transport dials
// the test server whatever the host, so the SDK's "sync-" host prefix
// reaches it as it reaches localhost in real use.
func newClient(t *testing.T, st store.Resources, deps api.Deps) *sfn.Client {
	t.Helper()
	ts := startServer(t, st, deps)
	addr := ts.Listener.Addr().String()
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return sfn.New(sfn.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint:     aws.String(ts.URL),
		HTTPClient:       &http.Client{Transport: transport},
		RetryMaxAttempts: 1,
	})
}

// wantAPIError checks that err is the SDK's typed error T (e.g.
// *types.StateMachineDoesNotExist) and that its message contains msg.
func wantAPIError[T error](t *testing.T, err error, msg string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q does not contain %q", err, msg)
	}
}

// wantCode checks an error the SDK does not model for the operation.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}
