package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/sigv4"
)

// signingService is the service name SDKs put in Step Functions'
// credential scope.
const signingService = "states"

// LoadCredentials reads a credentials file (see sigv4.ParseCredentials):
// one "ACCESS_KEY_ID SECRET [SESSION_TOKEN]" a line, '#' comments. A file
// without any credential is an error, so a mistake cannot turn
// authentication off.
func LoadCredentials(path string) ([]sigv4.Credential, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	creds, err := sigv4.ParseCredentials(f)
	if err != nil {
		return nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	if len(creds) == 0 {
		return nil, fmt.Errorf("credentials %s: no credentials in the file", path)
	}
	if err := checkCredentials(creds); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return creds, nil
}

// checkCredentials reports every problem with Config.Credentials.
func checkCredentials(creds []sigv4.Credential) error {
	if _, err := sigv4.NewKeyring(creds); err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	return nil
}

// bodyReadTimeout bounds reading a body to verify its signature: the
// server has no ReadTimeout (it would cut long polls), and a client that
// knows a key id reaches this read before any secret is checked.
const bodyReadTimeout = 30 * time.Second

// authenticate wraps the server's handler: with Config.Credentials set,
// every request but a metrics scrape must carry a SigV4 signature made
// with one of them; without, it returns h unchanged.
func (s *Server) authenticate(h http.Handler) http.Handler {
	return s.authenticateWithin(h, bodyReadTimeout)
}

// authenticateWithin is authenticate with the body read given readFor.
func (s *Server) authenticateWithin(h http.Handler, readFor time.Duration) http.Handler {
	if len(s.cfg.Credentials) == 0 {
		return h
	}
	keys, _ := sigv4.NewKeyring(s.cfg.Credentials) // checked in New
	// The API refuses bodies over its own limit anyway; reading no more
	// than that to hash them keeps an unsigned client from making the
	// server buffer more.
	v := &sigv4.Verifier{Keys: keys, Service: signingService, MaxBodyBytes: api.DefaultMaxRequestBytes}
	s.deps.Logger.Info("cairn authentication on", "keys", len(keys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == MetricsPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			h.ServeHTTP(w, r) // scrapers do not sign
			return
		}
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(readFor)) // not supported: no deadline
		_, err := v.Verify(r)
		rc.SetReadDeadline(time.Time{})
		if err != nil {
			s.refuse(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// refuse answers a request that failed verification as AWS's JSON 1.0
// services do: HTTP 400 and {"__type", "message"}.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error) {
	typ, status, msg := "InternalFailure", http.StatusInternalServerError, "internal error"
	var se *sigv4.Error
	switch {
	case errors.As(err, &se):
		typ, status, msg = string(se.Code), http.StatusBadRequest, se.Message
		s.deps.Logger.Info("request refused", "target", r.Header.Get("X-Amz-Target"), "error", typ, "message", se.Message,
			"canonicalRequest", se.CanonicalRequest, "stringToSign", se.StringToSign)
	case errors.Is(err, os.ErrDeadlineExceeded):
		typ, status, msg = "RequestTimeoutException", http.StatusRequestTimeout, "Request body not received in time"
	case errors.Is(err, sigv4.ErrBodyTooLarge):
		typ, status = string(api.RequestEntityTooLarge), http.StatusRequestEntityTooLarge
		msg = fmt.Sprintf("Request body exceeds %d bytes", api.DefaultMaxRequestBytes)
	default:
		s.deps.Logger.Error("verify signature", "err", err)
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{typ, msg})
	w.Header().Set("x-amzn-RequestId", requestID())
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	w.Write(b)
}

// requestID is a random UUID (version 4) for a refused request.
func requestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
