package console_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/console"
	"github.com/cairn-sfn/cairn/internal/conformance"
)

// api stands in for the Step Functions API: it answers 418 so a test can
// tell a request that reached it.
var api = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })

func TestMount(t *testing.T) {
	t.Parallel()
	h := console.Mount(api)
	tests := []struct {
		method, path, accept string
		status               int
		contentType          string // prefix; "" not checked
		location             string
		body                 string // substring; "" not checked
	}{
		{"GET", "/console/", "text/html", 200, "text/html; charset=utf-8", "", `<script type="module" src="app.js">`},
		{"GET", "/console/index.html", "", 301, "", "./", ""},
		{"GET", "/console/app.js", "", 200, "text/javascript; charset=utf-8", "", "import * as api"},
		{"GET", "/console/layout.js", "", 200, "text/javascript; charset=utf-8", "", "export function layout"},
		{"GET", "/console/history.js", "", 200, "text/javascript; charset=utf-8", "", "export function analyze"},
		{"GET", "/console/graph.js", "", 200, "text/javascript; charset=utf-8", "", "export function renderGraph"},
		{"GET", "/console/api.js", "", 200, "text/javascript; charset=utf-8", "", "X-Amz-Target"},
		{"GET", "/console/style.css", "", 200, "text/css; charset=utf-8", "", ".graph"},
		{"HEAD", "/console/app.js", "", 200, "text/javascript; charset=utf-8", "", ""},
		{"GET", "/console/missing.js", "", 404, "", "", ""},
		{"GET", "/console", "text/html", 302, "", "/console/", ""},
		// A browser at the root is sent to the console; API clients are not.
		{"GET", "/", "text/html,application/xhtml+xml,*/*;q=0.8", 302, "", "/console/", ""},
		{"GET", "/", "", 418, "", "", ""},
		{"POST", "/", "text/html", 418, "", "", ""},
		{"POST", "/console/app.js", "", 418, "", "", ""},
		{"GET", "/metrics", "", 418, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" "+tc.accept, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if ct := rec.Header().Get("Content-Type"); tc.contentType != "" && ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if loc := rec.Header().Get("Location"); loc != tc.location {
				t.Errorf("Location %q, want %q", loc, tc.location)
			}
			if body, _ := io.ReadAll(rec.Body); !strings.Contains(string(body), tc.body) {
				t.Errorf("body does not contain %q", tc.body)
			}
		})
	}
}

// TestJavaScript runs the Node tests of the pure modules (layout.js,
// history.js) against recorded AWS histories: a few in testdata/ and, when
// shared/conformance is beside the checkout, all of them.
func TestJavaScript(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the console's JavaScript tests (console/jstest) did not run")
	}
	cmd := exec.CommandContext(t.Context(), node, "--test", "jstest/")
	// jstest/conformance.test.mjs reads every recording when they are here.
	cmd.Env = append(os.Environ(), "CAIRN_CONFORMANCE="+conformance.DefaultPath())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test jstest/: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "# fail 0") || strings.Contains(string(out), "# pass 0\n") {
		t.Fatalf("node --test reported no passing summary:\n%s", out)
	}
}
