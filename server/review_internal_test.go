package server

import (
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store/memory"
)

// TestIdleConnectionsEnd: without an idle timeout a client can open
// keep-alive connections and leave them idle for ever, each holding a
// goroutine, buffers and a descriptor (no ReadTimeout either: it would
// cut GetActivityTask's long poll).
func TestIdleConnectionsEnd(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{Addr: "127.0.0.1:0", WaitScale: -1}, Deps{Store: memory.New()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	if d := srv.http.IdleTimeout; d <= 0 || d > 5*time.Minute {
		t.Errorf("IdleTimeout %v: idle keep-alive connections are kept for ever", d)
	}
	if srv.http.ReadHeaderTimeout <= 0 {
		t.Error("no ReadHeaderTimeout")
	}
}
