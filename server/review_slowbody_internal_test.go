package server

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/sigv4"
)

// TestAuthSlowBody: a client that knows an access key id (it is in every
// request's Authorization header) gets past the header checks and makes
// the verifier read its body; one that announces a body and never sends
// it must not hold the connection, and its goroutine, for ever.
func TestAuthSlowBody(t *testing.T) {
	t.Parallel()
	s := &Server{cfg: Config{Credentials: []sigv4.Credential{{AccessKeyID: "AKIDSLOW", SecretAccessKey: "s"}}}}
	s.deps.Logger = slog.New(slog.DiscardHandler)
	reached := make(chan struct{}, 1)
	ts := httptest.NewServer(s.authenticateWithin(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached <- struct{}{} }), 200*time.Millisecond))
	t.Cleanup(ts.Close)
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now().UTC()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\nX-Amz-Date: %s\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDSLOW/%s/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=%s\r\n"+
		"Content-Length: 1000\r\n\r\n{\"a\":", now.Format("20060102T150405Z"), now.Format("20060102"), strings.Repeat("0", 64))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body stalls: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("HTTP %d, want 408", resp.StatusCode)
	}
	select {
	case <-reached:
		t.Error("the stalled request reached the API")
	default:
	}
}
