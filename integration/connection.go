package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Secret is a credential. It prints as [redacted] so that it cannot leak
// into logs, errors or histories by accident.
type Secret string

func (Secret) String() string   { return "[redacted]" }
func (Secret) GoString() string { return "[redacted]" }

// Connection is what an EventBridge connection holds for HTTP Tasks: one
// authorization (APIKey, Basic or OAuth) and parameters added to every
// request. Cairn has no EventBridge; connections are declared in a JSON
// file (LoadConnections) keyed by connection name or ARN.
type Connection struct {
	APIKey *APIKeyAuth `json:"apiKey,omitempty"`
	Basic  *BasicAuth  `json:"basic,omitempty"`
	OAuth  *OAuthAuth  `json:"oauthClientCredentials,omitempty"`
	// Headers, QueryParameters and BodyParameters are added to each
	// request (InvocationHttpParameters); the task's own values win.
	Headers         map[string]string `json:"headers,omitempty"`
	QueryParameters map[string]string `json:"queryParameters,omitempty"`
	BodyParameters  map[string]string `json:"bodyParameters,omitempty"`
}

// APIKeyAuth sends Value in the header Name (API_KEY).
type APIKeyAuth struct {
	Name  string `json:"name"`
	Value Secret `json:"value"`
}

// BasicAuth sends HTTP basic credentials (BASIC).
type BasicAuth struct {
	Username string `json:"username"`
	Password Secret `json:"password"`
}

// OAuthAuth gets a bearer token with the client credentials grant
// (OAUTH_CLIENT_CREDENTIALS) and keeps it until it expires.
type OAuthAuth struct {
	Endpoint     string `json:"endpoint"`         // the token URL
	Method       string `json:"method,omitempty"` // default POST
	ClientID     string `json:"clientId"`
	ClientSecret Secret `json:"clientSecret"`
	Scope        string `json:"scope,omitempty"`
	// Parameters are added to the token request's form.
	Parameters map[string]string `json:"parameters,omitempty"`
}

// LoadConnections reads a connections file:
//
//	{"Stripe": {"apiKey": {"name": "Authorization", "value": "Bearer sk_…"}},
//	 "arn:aws:events:us-east-1:123456789012:connection/Partner/0f3c…": {"basic": {"username": "u", "password": "p"}}}
func LoadConnections(path string) (map[string]Connection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connections: %w", err)
	}
	var conns map[string]Connection
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&conns); err != nil {
		return nil, fmt.Errorf("connections: %s: %w", path, err)
	}
	for name, c := range conns {
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("connections: %s: %w", name, err)
		}
	}
	return conns, nil
}

func (c Connection) validate() error {
	n := 0
	if c.APIKey != nil {
		n++
		if c.APIKey.Name == "" {
			return fmt.Errorf("apiKey needs a name")
		}
	}
	if c.Basic != nil {
		n++
	}
	if c.OAuth != nil {
		n++
		if c.OAuth.Endpoint == "" {
			return fmt.Errorf("oauthClientCredentials needs an endpoint")
		}
	}
	if n > 1 {
		return fmt.Errorf("give one of apiKey, basic and oauthClientCredentials")
	}
	return nil
}

// connectionName is the name part of a connection ARN
// (arn:aws:events:<region>:<account>:connection/<name>/<id>), or s itself.
func connectionName(s string) string {
	_, rest, ok := strings.Cut(s, ":connection/")
	if !ok {
		return s
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// tokenCache keeps OAuth tokens per connection.
type tokenCache struct {
	mu     sync.Mutex
	tokens map[string]cachedToken
}

type cachedToken struct {
	value   string
	expires time.Time // zero: no expiry given
}

// token returns a bearer token for the connection key, fetching one when
// none is cached or it is about to expire.
func (tc *tokenCache) token(ctx context.Context, hc *http.Client, key string, o *OAuthAuth, now time.Time) (string, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if t, ok := tc.tokens[key]; ok && (t.expires.IsZero() || now.Add(30*time.Second).Before(t.expires)) {
		return t.value, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if o.Scope != "" {
		form.Set("scope", o.Scope)
	}
	for k, v := range o.Parameters {
		form.Set(k, v)
	}
	method := o.Method
	if method == "" {
		method = http.MethodPost
	}
	var req *http.Request
	var err error
	if method == http.MethodGet {
		u := o.Endpoint
		if strings.Contains(u, "?") {
			u += "&" + form.Encode()
		} else {
			u += "?" + form.Encode()
		}
		req, err = http.NewRequestWithContext(ctx, method, u, nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, o.Endpoint, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return "", fmt.Errorf("oauth token request: %w", err)
	}
	req.SetBasicAuth(o.ClientID, string(o.ClientSecret))
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("oauth token request: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("oauth token endpoint answered %s", resp.Status)
	}
	var tok struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("oauth token endpoint gave no access_token")
	}
	t := cachedToken{value: tok.AccessToken}
	if tok.ExpiresIn > 0 {
		t.expires = now.Add(time.Duration(tok.ExpiresIn * float64(time.Second)))
	}
	if tc.tokens == nil {
		tc.tokens = map[string]cachedToken{}
	}
	tc.tokens[key] = t
	return t.value, nil
}
