package integration

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

const (
	testConnARN = "arn:aws:events:us-east-1:123456789012:connection/Orders/0f3c5c5e-4a6b-4c55-9a4b-0d1c2e3f4a5b"
	testAPIKey  = "k-7d1f-super-secret"
)

// ordersAPI fails the first order call with 500, then answers; /missing
// is 404. Every call must carry the connection's API key.
func ordersAPI(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s %s %s", r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), body))
		if r.Header.Get("x-api-key") != testAPIKey {
			mu.Unlock()
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		calls++
		n := calls
		mu.Unlock()
		switch {
		case r.URL.Path == "/missing":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"no such order"}`)
		case n == 1:
			http.Error(w, "busy", http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Order", "o-1")
			fmt.Fprint(w, `{"id":"o-1","total":12.50}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// TestHTTPTaskEndToEnd retries an HTTP Task on 500 and catches a 404,
// through engine.Run, with an API key connection.
func TestHTTPTaskEndToEnd(t *testing.T) {
	t.Parallel()
	srv, seen := ordersAPI(t)
	router := mustRouter(t, Config{HTTP: HTTPConfig{Connections: map[string]Connection{
		"Orders": {APIKey: &APIKeyAuth{Name: "x-api-key", Value: testAPIKey}},
	}}})
	def := `{
	  "StartAt": "Create",
	  "States": {
	    "Create": {
	      "Type": "Task",
	      "Resource": "arn:aws:states:::http:invoke",
	      "Parameters": {
	        "ApiEndpoint": "` + srv.URL + `/orders",
	        "Method": "POST",
	        "Authentication": {"ConnectionArn": "` + testConnARN + `"},
	        "Headers": {"X-Trace": "t-1"},
	        "QueryParameters": {"tags": ["a", "b"], "dry": false},
	        "RequestBody": {"item.$": "$.item"}
	      },
	      "Retry": [{"ErrorEquals": ["States.Http.StatusCode.500"], "IntervalSeconds": 2, "MaxAttempts": 2}],
	      "ResultSelector": {"body.$": "$.ResponseBody", "status.$": "$.StatusCode", "text.$": "$.StatusText", "order.$": "$.Headers.x-order"},
	      "ResultPath": "$.created",
	      "Next": "Lookup"
	    },
	    "Lookup": {
	      "Type": "Task",
	      "Resource": "arn:aws:states:::http:invoke",
	      "Parameters": {"ApiEndpoint": "` + srv.URL + `/missing", "Method": "GET", "Authentication": {"ConnectionArn": "` + testConnARN + `"}},
	      "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.lookupError", "Next": "Done"}],
	      "End": true
	    },
	    "Done": {"Type": "Pass", "End": true}
	  }
	}`
	res := runDefinition(t, def, `{"item": "book"}`, "", router)
	if res.Status != interp.Succeeded {
		t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
	}
	out := res.Output.(*value.Object)
	if got := member(t, out, "created"); got != `{"body":{"id":"o-1","total":12.50},"status":200,"text":"OK","order":["o-1"]}` {
		t.Errorf("created %s", got)
	}
	if got := member(t, out, "lookupError", "Error"); got != `"States.Http.StatusCode.404"` {
		t.Errorf("lookup error %s", got)
	}
	cause, _ := value.ParseString(member(t, out, "lookupError", "Cause"))
	causeObj, _ := value.ParseString(cause.(string))
	if got := member(t, causeObj.(*value.Object), "ResponseBody"); got != `{"message":"no such order"}` {
		t.Errorf("404 cause body %s", got)
	}
	failed := eventsOf(t, res, "TaskFailed")
	if len(failed) != 2 || !strings.Contains(failed[0], `"error":"States.Http.StatusCode.500"`) || !strings.Contains(failed[1], "States.Http.StatusCode.404") {
		t.Errorf("TaskFailed events %v", failed)
	}
	calls := seen()
	wantFirst := "POST /orders?tags%5B0%5D=a&tags%5B1%5D=b&dry=false application/json; charset=UTF-8 {\"item\":\"book\"}"
	if len(calls) != 3 || calls[0] != wantFirst || calls[1] != wantFirst || !strings.HasPrefix(calls[2], "GET /missing") {
		t.Errorf("calls %q", calls)
	}
	if history := string(interp.MarshalHistory(res.Events)); strings.Contains(history, testAPIKey) {
		t.Error("the API key leaked into the history")
	}
	if s := fmt.Sprintf("%v %+v %#v", testConnection(), testConnection(), testConnection()); strings.Contains(s, testAPIKey) {
		t.Errorf("printing a connection shows its secret: %s", s)
	}
}

func testConnection() Connection {
	return Connection{APIKey: &APIKeyAuth{Name: "x-api-key", Value: testAPIKey}}
}

func TestHTTPAuthentication(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	tokens := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			id, secret, _ := r.BasicAuth()
			r.ParseForm()
			if id != "client" || secret != "shh" || r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("scope") != "orders" {
				http.Error(w, "bad client", http.StatusUnauthorized)
				return
			}
			mu.Lock()
			tokens++
			mu.Unlock()
			fmt.Fprint(w, `{"access_token":"tok-1","expires_in":3600}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"auth":%q,"q":%q}`, r.Header.Get("Authorization"), r.URL.RawQuery)
	}))
	t.Cleanup(srv.Close)
	conns := map[string]Connection{
		"Basic": {Basic: &BasicAuth{Username: "u", Password: "p"}, QueryParameters: map[string]string{"region": "eu"}},
		"OAuth": {OAuth: &OAuthAuth{Endpoint: srv.URL + "/token", ClientID: "client", ClientSecret: "shh", Scope: "orders"}},
	}
	h, err := NewHTTP(HTTPConfig{Connections: conns})
	if err != nil {
		t.Fatal(err)
	}
	call := func(conn string) (string, error) {
		params := value.ObjectOf("ApiEndpoint", srv.URL+"/x", "Method", "GET", "Authentication", value.ObjectOf("ConnectionArn", conn))
		out, err := h.Invoke(t.Context(), engine.Task{RunTask: interp.RunTask{Input: params}})
		if err != nil {
			return "", err
		}
		return member(t, out.(*value.Object), "ResponseBody"), nil
	}
	tests := []struct{ conn, want, err string }{
		{"Basic", `{"auth":"Basic dTpw","q":"region=eu"}`, ""},
		{"arn:aws:events:us-east-1:1:connection/OAuth/abc", `{"auth":"Bearer tok-1","q":""}`, ""},
		{"OAuth", `{"auth":"Bearer tok-1","q":""}`, ""},
		{"Nope", "", "Cairn has no connection Nope"},
	}
	for _, tt := range tests {
		got, err := call(tt.conn)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.conn, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %s %v, want %s", tt.conn, got, err, tt.want)
		}
	}
	if tokens != 1 {
		t.Errorf("%d token requests, want 1 (cached)", tokens)
	}
}

func TestHTTPAllowDeny(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	tests := []struct {
		name string
		cfg  HTTPConfig
		url  string
		want string // error name, "" for success
	}{
		{"default allows loopback", HTTPConfig{}, srv.URL, ""},
		{"metadata refused by default", HTTPConfig{}, "http://169.254.169.254/latest/meta-data/", "States.Runtime"},
		{"name resolving to a denied address", HTTPConfig{Deny: []string{"127.0.0.0/8"}}, "http://localhost" + port, "States.Runtime"},
		{"denied name", HTTPConfig{Deny: []string{"localhost"}}, "http://localhost" + port, "States.Runtime"},
		{"allow list by network", HTTPConfig{Allow: []string{"127.0.0.1/32"}}, srv.URL, ""},
		{"allow list by name", HTTPConfig{Allow: []string{"localhost"}}, "http://localhost" + port, ""},
		{"not on the allow list", HTTPConfig{Allow: []string{"*.example.com"}}, srv.URL, "States.Runtime"},
		{"connection refused", HTTPConfig{}, "http://127.0.0.1:1/", "States.Http.Socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := NewHTTP(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.Invoke(t.Context(), engine.Task{RunTask: interp.RunTask{Input: value.ObjectOf("ApiEndpoint", tt.url, "Method", "GET")}})
			got := ""
			if te, ok := err.(*engine.TaskError); ok {
				got = te.Name
			} else if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	if _, err := NewHTTP(HTTPConfig{Deny: []string{"10.0.0.0/99"}}); err == nil {
		t.Error("a malformed network was accepted")
	}
}

func TestFormEncode(t *testing.T) {
	t.Parallel()
	v := value.MustParse(`{"a": [1, "x y"], "o": {"k": true}, "n": null}`)
	tests := []struct{ format, want string }{
		{"INDICES", "a%5B0%5D=1&a%5B1%5D=x+y&o%5Bk%5D=true&n="},
		{"REPEAT", "a=1&a=x+y&o%5Bk%5D=true&n="},
		{"COMMAS", "a=1%2Cx+y&o%5Bk%5D=true&n="},
		{"BRACKETS", "a%5B%5D=1&a%5B%5D=x+y&o%5Bk%5D=true&n="},
	}
	for _, tt := range tests {
		if got := formEncode(v, tt.format); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.format, got, tt.want)
		}
	}
}

// TestHTTPURLEncodedBody sends a form body with the Transform options.
func TestHTTPURLEncodedBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s|%s", r.Header.Get("Content-Type"), body)
	}))
	t.Cleanup(srv.Close)
	h, err := NewHTTP(HTTPConfig{})
	if err != nil {
		t.Fatal(err)
	}
	params := value.MustParse(`{"ApiEndpoint": "` + srv.URL + `", "Method": "post", "RequestBody": {"ids": [1, 2]},
	  "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}}}`)
	out, err := h.Invoke(t.Context(), engine.Task{RunTask: interp.RunTask{Input: params}})
	if err != nil {
		t.Fatal(err)
	}
	if got := member(t, out.(*value.Object), "ResponseBody"); got != `"application/x-www-form-urlencoded|ids%5B%5D=1&ids%5B%5D=2"` {
		t.Errorf("body %s", got)
	}
}

func FuzzParseHostRules(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "example.com", "*.example.com", "::1", "fe80::/10", "1.2.3.4/40", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseHostRules([]string{s})
		if err != nil {
			return
		}
		r.matchName(s)
	})
}
