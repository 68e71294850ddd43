package console_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/console"
)

// TestMountNoEscape: paths that try to leave the embedded web/ directory
// (or list it) get nothing but the console's own files.
func TestMountNoEscape(t *testing.T) {
	t.Parallel()
	h := console.Mount(api)
	for _, p := range []string{"/console/../console.go", "/console/..%2fconsole.go", "/console/%2e%2e/doc.go",
		"/console/../../go.mod", "/console//etc/passwd", "/console/web/app.js", "/console/.", "/console/jstest/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code == 200 && !strings.Contains(string(body), `<script type="module" src="app.js">`) {
			t.Errorf("%s: HTTP 200 with %.80q", p, body)
		}
		for _, leak := range []string{"package console", "module github.com", "root:"} {
			if strings.Contains(string(body), leak) {
				t.Errorf("%s: answer holds %q", p, leak)
			}
		}
	}
}

// TestMountNotFramed: the console acts with the signed-in keys (start and
// stop executions), so another site must not frame it and steer clicks.
func TestMountNotFramed(t *testing.T) {
	t.Parallel()
	h := console.Mount(api)
	for _, p := range []string{"/console/", "/console/app.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: Content-Security-Policy %q, X-Frame-Options %q; want framing refused", p, csp, rec.Header().Get("X-Frame-Options"))
		}
	}
}
