package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/console"
	"github.com/cairn-sfn/cairn/server"
)

// TestConsoleServed checks the console is mounted on the API's listener
// beside the API and /metrics.
func TestConsoleServed(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, t.TempDir(), server.Config{WaitScale: -1})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		method, path, accept string
		status               int
		contentType          string
		location             string
	}{
		{"GET", console.Path, "text/html", 200, "text/html; charset=utf-8", ""},
		{"GET", console.Path + "app.js", "*/*", 200, "text/javascript; charset=utf-8", ""},
		{"GET", console.Path + "layout.js", "*/*", 200, "text/javascript; charset=utf-8", ""},
		{"GET", console.Path + "style.css", "text/css", 200, "text/css; charset=utf-8", ""},
		{"GET", "/", "text/html,application/xhtml+xml", 302, "", console.Path},
		{"GET", server.MetricsPath, "", 200, "text/plain", ""},
	}
	for _, tc := range tests {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL()+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", tc.accept)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
			t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.path, ct, tc.contentType)
		}
		if loc := resp.Header.Get("Location"); loc != tc.location {
			t.Errorf("%s %s: Location %q, want %q", tc.method, tc.path, loc, tc.location)
		}
	}
}

// consoleCall sends an action the way console/web/api.js does.
func consoleCall(t *testing.T, url, action string, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s %s", action, resp.Status, data)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return out
}

// TestConsoleRequests drives the API with the console's own request shape
// and checks the answers carry what the pages read: the history's state
// names, inputs and outputs.
func TestConsoleRequests(t *testing.T) {
	t.Parallel()
	srv, c := start(t, t.TempDir(), server.Config{WaitScale: -1})
	arn := create(t, c, "console", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"End":true}}}`,
		types.StateMachineTypeStandard)
	list := consoleCall(t, srv.URL(), "ListStateMachines", map[string]any{"maxResults": 1000})
	if sms, _ := list["stateMachines"].([]any); len(sms) != 1 {
		t.Fatalf("ListStateMachines: %v", list)
	}
	started := consoleCall(t, srv.URL(), "StartExecution", map[string]any{"stateMachineArn": arn, "input": `{"in":true}`})
	execArn, _ := started["executionArn"].(string)
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := consoleCall(t, srv.URL(), "DescribeExecution", map[string]any{"executionArn": execArn})
		if d["status"] != "RUNNING" {
			if d["status"] != "SUCCEEDED" {
				t.Fatalf("execution: %v", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("execution still running")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h := consoleCall(t, srv.URL(), "GetExecutionHistory",
		map[string]any{"executionArn": execArn, "includeExecutionData": true, "maxResults": 1000})
	events, _ := h["events"].([]any)
	var entered, exited map[string]any
	for _, e := range events {
		ev, _ := e.(map[string]any)
		if d, ok := ev["stateEnteredEventDetails"].(map[string]any); ok {
			entered = d
		}
		if d, ok := ev["stateExitedEventDetails"].(map[string]any); ok {
			exited = d
		}
	}
	if entered["name"] != "A" || entered["input"] != `{"in":true}` {
		t.Errorf("stateEnteredEventDetails = %v", entered)
	}
	if exited["name"] != "A" || exited["output"] != `{"x":1}` {
		t.Errorf("stateExitedEventDetails = %v", exited)
	}
	sm := consoleCall(t, srv.URL(), "DescribeStateMachineForExecution", map[string]any{"executionArn": execArn})
	if def, _ := sm["definition"].(string); !strings.Contains(def, `"StartAt"`) {
		t.Errorf("DescribeStateMachineForExecution: %v", sm)
	}
}
