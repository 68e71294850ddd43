package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Path is where the console is served, on the API's listener.
const Path = "/console/"

//go:embed web
var files embed.FS

// contentTypes is set explicitly so the answer does not depend on the
// host's mime.types (some map .js to text/plain, which browsers refuse
// for modules).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// Handler serves the embedded assets; it expects paths with Path already
// stripped, e.g. "/app.js".
func Handler() http.Handler {
	web, err := fs.Sub(files, "web")
	if err != nil {
		// The embed directive guarantees web exists; fail loudly in tests.
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "console assets missing", http.StatusInternalServerError)
		})
	}
	static := http.FileServerFS(web)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if p == "" || strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		if ct, ok := contentTypes[path.Ext(p)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		// The assets change with the binary; revalidate rather than cache
		// stale modules across an upgrade.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// The pages act with the signed-in keys: no other site may frame
		// them and steer clicks.
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		static.ServeHTTP(w, r)
	})
}

// Mount returns a handler that serves the console under Path, redirects a
// browser's GET / there, and passes everything else to api.
func Mount(api http.Handler) http.Handler {
	assets := http.StripPrefix(strings.TrimSuffix(Path, "/"), Handler())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/console" && isRead(r):
			http.Redirect(w, r, Path, http.StatusFound)
		case strings.HasPrefix(r.URL.Path, Path) && isRead(r):
			assets.ServeHTTP(w, r)
		case r.URL.Path == "/" && r.Method == http.MethodGet && wantsHTML(r):
			http.Redirect(w, r, Path, http.StatusFound)
		default:
			api.ServeHTTP(w, r)
		}
	})
}

func isRead(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// wantsHTML tells a browser (Accept: text/html) from an API client, which
// never GETs anyway; curl without Accept still reaches the API's answer.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
