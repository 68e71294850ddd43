package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

type rawResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, h http.Handler, target string, body string, mutate ...func(*http.Request)) rawResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	for _, m := range mutate {
		m(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not a JSON object: %q", rec.Body.String())
	}
	return rawResponse{rec.Code, rec.Header(), m}
}

func newHandler(t *testing.T, deps api.Deps) http.Handler {
	t.Helper()
	deps.Store = memory.New()
	if deps.Validator == nil {
		deps.Validator = fakeValidator
	}
	srv, err := api.New(api.Config{}, deps)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

func TestRawProtocol(t *testing.T) {
	t.Parallel()
	h := newHandler(t, api.Deps{})
	const create = "AWSStepFunctions.CreateStateMachine"
	tests := []struct {
		name     string
		target   string
		body     string
		mutate   func(*http.Request)
		status   int
		errType  string
		contains string
	}{
		{"malformed JSON", create, `{"name":`, nil, 400, "SerializationException", ""},
		{"not an object", create, `[1,2]`, nil, 400, "SerializationException", ""},
		{"trailing data", "AWSStepFunctions.ListActivities", `{} {}`, nil, 400, "SerializationException", ""},
		{"wrong member type", create, `{"name": 5}`, nil, 400, "SerializationException", "name"},
		{"wrong nested type", create, `{"name":"a","definition":"{}","roleArn":"arn:aws:iam::1:role/r","tags":[{"key":1}]}`, nil, 400, "SerializationException", ""},
		{"missing target", "", `{}`, nil, 400, "UnknownOperationException", "X-Amz-Target"},
		{"unknown action", "AWSStepFunctions.LaunchRocket", `{}`, nil, 400, "UnknownOperationException", "LaunchRocket"},
		{"other service", "DynamoDB_20120810.ListTables", `{}`, nil, 400, "UnknownOperationException", ""},
		{"missing members", create, `{}`, nil, 400, "ValidationException", "3 validation errors detected: Value null at 'name'"},
		{"validate without definition", "AWSStepFunctions.ValidateStateMachineDefinition", `{}`, nil, 400, "ValidationException", "Value null at 'definition'"},
		{"oversized body", create, `{"definition":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 413, "RequestEntityTooLargeException", ""},
		{"GET", create, ``, func(r *http.Request) { r.Method = http.MethodGet }, 405, "MethodNotAllowed", ""},
		{"empty body lists", "AWSStepFunctions.ListActivities", ``, nil, 200, "", ""},
		{"unknown members ignored", "AWSStepFunctions.ListStateMachines", `{"futureMember": {"x": [1]}, "maxResults": 5}`, nil, 200, "", ""},
		{"signed request from a sync- host", "AWSStepFunctions.ListStateMachines", `{}`, func(r *http.Request) {
			r.Host = "sync-localhost:8083"
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
			r.Header.Set("X-Amz-Date", "20260301T120000Z")
		}, 200, "", ""},
		{"no engine", "AWSStepFunctions.StartExecution", `{"stateMachineArn":"` + smPre + `m"}`, nil, 501, "NotImplemented", "StartExecution"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mutate []func(*http.Request)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			r := post(t, h, tt.target, tt.body, mutate...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d (%v)", r.status, tt.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
				t.Fatalf("content type %q", ct)
			}
			if r.header.Get("x-amzn-RequestId") == "" {
				t.Fatal("no request id")
			}
			if tt.errType == "" {
				if _, isErr := r.body["__type"]; isErr {
					t.Fatalf("unexpected error %v", r.body)
				}
				return
			}
			if r.body["__type"] != tt.errType || r.header.Get("X-Amzn-ErrorType") != tt.errType {
				t.Fatalf("error %v (header %s), want %s", r.body, r.header.Get("X-Amzn-ErrorType"), tt.errType)
			}
			msg, _ := r.body["message"].(string)
			if msg == "" || !strings.Contains(msg, tt.contains) {
				t.Fatalf("message %q does not contain %q", msg, tt.contains)
			}
		})
	}
}

func TestConflictIs409(t *testing.T) {
	t.Parallel()
	h := newHandler(t, api.Deps{})
	r := post(t, h, "AWSStepFunctions.CreateStateMachine", `{"name":"c","definition":"{\"StartAt\":\"A\",\"States\":{}}","roleArn":"`+role+`"}`)
	if r.status != 200 {
		t.Fatal(r.body)
	}
	r = post(t, h, "AWSStepFunctions.PublishStateMachineVersion", `{"stateMachineArn":"`+smPre+`c","revisionId":"stale"}`)
	if r.status != 409 || r.body["__type"] != "ConflictException" {
		t.Fatalf("status %d body %v, want 409 ConflictException", r.status, r.body)
	}
}

func TestDatesAreEpochSeconds(t *testing.T) {
	t.Parallel()
	c := &fakeClock{}
	c.t = t0.Add(-1e9) // the clock ticks one second per reading
	h := newHandler(t, api.Deps{Clock: c.Now})
	r := post(t, h, "AWSStepFunctions.CreateActivity", `{"name":"w"}`)
	if r.status != 200 {
		t.Fatal(r.body)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"activityArn":"`+actPre+`w"}`))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.DescribeActivity")
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	if !bytes.Contains(body, []byte(`"creationDate":1772366400.123`)) {
		t.Fatalf("creationDate not written as epoch seconds: %s", body)
	}
}

// FuzzDecode sends random bodies to random actions: the server never
// panics, and answers either success or a 4xx AWS-shaped error.
func FuzzDecode(f *testing.F) {
	srv, err := api.New(api.Config{}, api.Deps{Store: memory.New(), Validator: fakeValidator}.WithEngine(&fakeEngine{}))
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	actions := srv.Actions()
	if len(actions) != 37 {
		f.Fatalf("%d actions routed, want AWS's 37", len(actions))
	}
	f.Add(uint8(0), []byte(`{}`))
	f.Add(uint8(1), []byte(`{"name":"x","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"arn:aws:iam::1:role/r"}`))
	f.Add(uint8(2), []byte(`{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x:1"}`))
	f.Add(uint8(3), []byte(`{"maxResults":-1,"nextToken":"%%%"}`))
	f.Add(uint8(4), []byte(`{"routingConfiguration":[{"stateMachineVersionArn":"arn:aws:states:::stateMachine:a:1","weight":100}],"name":"n"}`))
	f.Add(uint8(5), []byte(`{"input":"{\"a\":","stateMachineArn":"arn:aws:states:r:a:stateMachine:m#case"}`))
	f.Add(uint8(6), []byte(`{"tags":[{"key":"","value":null}],"resourceArn":"arn:aws:states:r:1:activity:a"}`))
	f.Add(uint8(7), []byte(`{"executionArn":"arn:aws:states:us-east-1:1:execution:m:e","maxResults":1e9}`))
	f.Add(uint8(8), []byte("\xff\xfe"))
	f.Add(uint8(9), []byte(`{"mapRunArn":"arn:aws:states:r:1:mapRun:m/l:x","toleratedFailurePercentage":"NaN"}`))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		action := actions[int(which)%len(actions)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s: response is not a JSON object: %q", action, rec.Body.String())
		}
		switch {
		case rec.Code == 200:
			if _, isErr := m["__type"]; isErr {
				t.Fatalf("%s: 200 with an error body %v", action, m)
			}
		case rec.Code >= 400 && rec.Code < 500:
			if typ, _ := m["__type"].(string); typ == "" {
				t.Fatalf("%s: error without __type: %v", action, m)
			}
			if _, ok := m["message"].(string); !ok {
				t.Fatalf("%s: error without message: %v", action, m)
			}
		default:
			t.Fatalf("%s: status %d for body %q: %v", action, rec.Code, body, m)
		}
	})
}

// brokenStore fails every call, as a store whose disk went away would.
type brokenStore struct{ store.Resources }

func (brokenStore) ListActivities(context.Context, store.Page) ([]store.Activity, string, error) {
	return nil, "", errors.New("disk on fire")
}

func TestInternalFailureIsLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	srv, err := api.New(api.Config{}, api.Deps{Store: brokenStore{memory.New()}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := post(t, srv.Handler(), "AWSStepFunctions.ListActivities", `{}`)
	if r.status != 500 || r.body["__type"] != "InternalFailure" {
		t.Fatalf("status %d body %v", r.status, r.body)
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), r.header.Get("x-amzn-RequestId")) {
		t.Fatalf("log = %q", logs.String())
	}
}

func BenchmarkDescribeStateMachine(b *testing.B) {
	srv, err := api.New(api.Config{}, api.Deps{Store: memory.New(), Validator: fakeValidator})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	create := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"b","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"`+role+`"}`))
	create.Header.Set("X-Amz-Target", "AWSStepFunctions.CreateStateMachine")
	h.ServeHTTP(httptest.NewRecorder(), create)
	body := []byte(`{"stateMachineArn":"` + smPre + `b"}`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions.DescribeStateMachine")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Body.String())
		}
	}
}

func BenchmarkCreateStateMachineSQLite(b *testing.B) {
	st, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := api.New(api.Config{}, api.Deps{Store: st, Validator: fakeValidator})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(fmt.Sprintf(`{"name":"b%d","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"%s"}`, i, role)))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions.CreateStateMachine")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Body.String())
		}
	}
}
