package sigv4_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cairn-sfn/cairn/sigv4"
)

// now is the verifier's clock in these tests.
var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var (
	alice   = sigv4.Credential{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret"}
	temp    = sigv4.Credential{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "FwoGZXIvYXdzEJr//token=="}
	keyring = sigv4.Keyring{alice.AccessKeyID: alice, temp.AccessKeyID: temp}
)

const body = `{"name":"hello","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"}`

// request is what a case signs.
type request struct {
	method, target, body string // target: path and query
	header               http.Header
}

func apiRequest() request {
	return request{method: "POST", target: "/", body: body, header: http.Header{
		"Content-Type": {"application/x-amz-json-1.0"},
		"X-Amz-Target": {"AWSStepFunctions.CreateStateMachine"},
	}}
}

// outcome is what the test server saw.
type outcome struct {
	Code, Message, AccessKeyID string
	CanonicalRequest           string
	BodyKept                   bool
}

// verifyOverHTTP signs req with the AWS SDK's signer as cred at signedAt,
// lets mutate change the signed request, sends it to a server that
// verifies it with v and returns what the server found. Going through a
// real HTTP server makes the verifier see the request as Go's server
// parses it (Host moved out of the header map, the path as sent).
func verifyOverHTTP(t *testing.T, v *sigv4.Verifier, req request, cred sigv4.Credential, service string, signedAt time.Time, mutate func(*http.Request)) outcome {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := v.Verify(r)
		var out outcome
		rest, _ := io.ReadAll(r.Body)
		out.BodyKept = string(rest) == req.body || mutate != nil
		var se *sigv4.Error
		switch {
		case errors.As(err, &se):
			out.Code, out.Message, out.CanonicalRequest = string(se.Code), se.Message, se.CanonicalRequest
		case err != nil:
			out.Code, out.Message = "other", err.Error()
		default:
			out.AccessKeyID = id.AccessKeyID
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	r, err := http.NewRequestWithContext(t.Context(), req.method, srv.URL+req.target, strings.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	if req.body == "" {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	for k, vs := range req.header {
		r.Header[k] = append([]string(nil), vs...)
	}
	sum := sha256.Sum256([]byte(req.body))
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(r)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out outcome
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func setBody(s string) func(*http.Request) {
	return func(r *http.Request) {
		r.Body, r.ContentLength = io.NopCloser(strings.NewReader(s)), int64(len(s))
	}
}

func setHeader(k, v string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

func TestVerifySDKSigned(t *testing.T) {
	t.Parallel()
	withQuery := apiRequest()
	withQuery.target = "/a%20b/c~d/%E2%82%AC/x=y?b=2&a=1&a=0&x=y%2Fz&e=&sp=a%20b&st=*"
	spaced := apiRequest()
	spaced.header.Set("X-Custom", "  a   b  ")
	spaced.header.Add("X-Multi", "one")
	spaced.header.Add("X-Multi", " two ")
	get := request{method: "GET", target: "/metrics?x=1", header: http.Header{}}
	hashed := apiRequest()
	sum := sha256.Sum256([]byte(body))
	hashed.header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	badHash := apiRequest()
	otherSum := sha256.Sum256([]byte("{}"))
	badHash.header.Set("X-Amz-Content-Sha256", hex.EncodeToString(otherSum[:]))

	cases := []struct {
		name     string
		req      request
		cred     sigv4.Credential
		service  string
		signedAt time.Time
		mutate   func(*http.Request)
		code     sigv4.Code
		message  string // a part of the message, when checked
	}{
		{name: "valid", req: apiRequest(), cred: alice},
		{name: "valid session token", req: apiRequest(), cred: temp},
		{name: "path and query encoding", req: withQuery, cred: alice},
		{name: "header spaces and repeats", req: spaced, cred: alice},
		{name: "GET without body", req: get, cred: alice},
		{name: "signed payload hash header", req: hashed, cred: alice},
		{name: "14 minutes old", req: apiRequest(), cred: alice, signedAt: now.Add(-14 * time.Minute)},
		{name: "14 minutes ahead", req: apiRequest(), cred: alice, signedAt: now.Add(14 * time.Minute)},

		{name: "no Authorization", req: apiRequest(), cred: alice, mutate: func(r *http.Request) { r.Header.Del("Authorization") },
			code: sigv4.MissingAuthenticationToken, message: "Missing Authentication Token"},
		{name: "body changed", req: apiRequest(), cred: alice, mutate: setBody(strings.Replace(body, "hello", "jello", 1)),
			code: sigv4.InvalidSignature, message: "The request signature we calculated does not match the signature you provided."},
		{name: "signed header changed", req: apiRequest(), cred: alice, mutate: setHeader("X-Amz-Target", "AWSStepFunctions.DeleteStateMachine"),
			code: sigv4.InvalidSignature},
		{name: "query changed", req: withQuery, cred: alice, mutate: func(r *http.Request) { r.URL.RawQuery += "&c=3" },
			code: sigv4.InvalidSignature},
		{name: "path changed", req: apiRequest(), cred: alice, mutate: func(r *http.Request) { r.URL.Path = "/other" },
			code: sigv4.InvalidSignature},
		{name: "date moved within the day", req: apiRequest(), cred: alice, signedAt: now.Add(-time.Minute),
			mutate: setHeader("X-Amz-Date", now.Format("20060102T150405Z")), code: sigv4.InvalidSignature},
		{name: "expired", req: apiRequest(), cred: alice, signedAt: now.Add(-16 * time.Minute), code: sigv4.InvalidSignature,
			message: "Signature expired: 20260102T024805Z is now earlier than 20260102T024905Z (20260102T030405Z - 15 min.)"},
		{name: "not yet current", req: apiRequest(), cred: alice, signedAt: now.Add(16 * time.Minute), code: sigv4.InvalidSignature,
			message: "Signature not yet current: 20260102T032005Z is still later than 20260102T031905Z (20260102T030405Z + 15 min.)"},
		{name: "wrong secret", req: apiRequest(), cred: sigv4.Credential{AccessKeyID: alice.AccessKeyID, SecretAccessKey: "guess"},
			code: sigv4.InvalidSignature},
		{name: "unknown key", req: apiRequest(), cred: sigv4.Credential{AccessKeyID: "AKIDMALLORY", SecretAccessKey: "x"},
			code: sigv4.UnrecognizedClient, message: "The security token included in the request is invalid."},
		{name: "session token missing", req: apiRequest(), cred: sigv4.Credential{AccessKeyID: temp.AccessKeyID, SecretAccessKey: temp.SecretAccessKey},
			code: sigv4.UnrecognizedClient},
		{name: "session token wrong", req: apiRequest(), cred: sigv4.Credential{AccessKeyID: temp.AccessKeyID, SecretAccessKey: temp.SecretAccessKey, SessionToken: "other"},
			code: sigv4.UnrecognizedClient},
		{name: "session token not expected", req: apiRequest(), cred: sigv4.Credential{AccessKeyID: alice.AccessKeyID, SecretAccessKey: alice.SecretAccessKey, SessionToken: "tok"},
			code: sigv4.UnrecognizedClient},
		{name: "other service", req: apiRequest(), cred: alice, service: "lambda",
			code: sigv4.InvalidSignature, message: "Credential should be scoped to correct service: 'states'."},
		{name: "payload hash header lies", req: badHash, cred: alice,
			code: sigv4.InvalidSignature, message: "'x-amz-content-sha256' header does not match"},
		{name: "signed header removed", req: apiRequest(), cred: alice, mutate: func(r *http.Request) { r.Header.Del("X-Amz-Target") },
			code: sigv4.IncompleteSignature, message: "'x-amz-target' is named as a SignedHeader"},
		{name: "host not signed", req: apiRequest(), cred: alice, mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
		}, code: sigv4.IncompleteSignature, message: "'Host' must be a 'SignedHeader'"},
		{name: "signature dropped", req: apiRequest(), cred: alice, mutate: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
		}, code: sigv4.IncompleteSignature, message: "Authorization header requires 'Signature' parameter."},
		{name: "no date", req: apiRequest(), cred: alice, mutate: func(r *http.Request) { r.Header.Del("X-Amz-Date") },
			code: sigv4.IncompleteSignature, message: "requires existence of either a 'X-Amz-Date' or a 'Date' header"},
		{name: "signature flipped", req: apiRequest(), cred: alice, mutate: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			flip := byte('0')
			if last == '0' {
				flip = '1'
			}
			r.Header.Set("Authorization", a[:len(a)-1]+string(flip))
		}, code: sigv4.InvalidSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := &sigv4.Verifier{Keys: keyring, Service: "states", Now: func() time.Time { return now }}
			service, signedAt := c.service, c.signedAt
			if service == "" {
				service = "states"
			}
			if signedAt.IsZero() {
				signedAt = now
			}
			got := verifyOverHTTP(t, v, c.req, c.cred, service, signedAt, c.mutate)
			if got.Code != string(c.code) {
				t.Fatalf("code %q (%s), want %q", got.Code, got.Message, c.code)
			}
			if !strings.Contains(got.Message, c.message) {
				t.Errorf("message %q, want it to hold %q", got.Message, c.message)
			}
			if c.code == "" && got.AccessKeyID != c.cred.AccessKeyID {
				t.Errorf("identity %q, want %q", got.AccessKeyID, c.cred.AccessKeyID)
			}
			if !got.BodyKept {
				t.Error("the body could not be read again after Verify")
			}
		})
	}
}

// TestVerifyDateHeader covers a request dated by Date instead of
// X-Amz-Date, which the SDK never sends: the signature is made from the
// SDK-signed request with X-Amz-Date, then moved to Date.
func TestVerifyDateHeader(t *testing.T) {
	t.Parallel()
	v := &sigv4.Verifier{Keys: keyring, Now: func() time.Time { return now }}
	got := verifyOverHTTP(t, v, apiRequest(), alice, "states", now, func(r *http.Request) {
		r.Header.Del("X-Amz-Date")
		r.Header.Set("Date", now.Format(http.TimeFormat))
	})
	// x-amz-date is a signed header, so it is now missing.
	if got.Code != string(sigv4.IncompleteSignature) {
		t.Fatalf("code %q (%s), want IncompleteSignatureException", got.Code, got.Message)
	}
}

func TestVerifyBodyTooLarge(t *testing.T) {
	t.Parallel()
	v := &sigv4.Verifier{Keys: keyring, MaxBodyBytes: 10, Now: func() time.Time { return now }}
	got := verifyOverHTTP(t, v, apiRequest(), alice, "states", now, nil)
	if got.Code != "other" || !strings.Contains(got.Message, sigv4.ErrBodyTooLarge.Error()) {
		t.Fatalf("got %+v, want ErrBodyTooLarge", got)
	}
}

func TestVerifyRegion(t *testing.T) {
	t.Parallel()
	for _, region := range []string{"", "us-east-1", "eu-west-1"} {
		v := &sigv4.Verifier{Keys: keyring, Region: region, Now: func() time.Time { return now }}
		got := verifyOverHTTP(t, v, apiRequest(), alice, "states", now, nil)
		wantOK := region != "eu-west-1"
		if (got.Code == "") != wantOK {
			t.Errorf("verifier region %q: got %+v, want ok=%v", region, got, wantOK)
		}
	}
}

// TestVerifyRequestBuiltInProcess checks a request that never went over
// the network (as a handler test builds it): Host comes from the URL.
func TestVerifyRequestBuiltInProcess(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("POST", "http://cairn.example:8083/", bytes.NewReader([]byte(body)))
	r.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: alice.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hex.EncodeToString(sum[:]), "states", "us-east-1", now); err != nil {
		t.Fatal(err)
	}
	v := &sigv4.Verifier{Keys: keyring, Now: func() time.Time { return now }}
	id, err := v.Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if id.AccessKeyID != alice.AccessKeyID || id.Scope.Region != "us-east-1" || id.Scope.Service != "states" {
		t.Errorf("identity %+v", id)
	}
	got, _ := io.ReadAll(r.Body)
	if string(got) != body {
		t.Errorf("body after Verify %q", got)
	}
}

// TestVerifyMismatchDetail: a signature mismatch keeps the canonical
// request for the log, without the (matching, so live) session token.
func TestVerifyMismatchDetail(t *testing.T) {
	t.Parallel()
	v := &sigv4.Verifier{Keys: keyring, Now: func() time.Time { return now }}
	got := verifyOverHTTP(t, v, apiRequest(), temp, "states", now, setBody("{}"))
	if got.Code != string(sigv4.InvalidSignature) {
		t.Fatalf("got %+v, want InvalidSignatureException", got)
	}
	for _, want := range []string{"POST\n/\n\n", "x-amz-security-token:<session token>\n", "x-amz-target:AWSStepFunctions.CreateStateMachine\n",
		"\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"} { // sha256("{}")
		if !strings.Contains(got.CanonicalRequest, want) {
			t.Errorf("canonical request lacks %q:\n%s", want, got.CanonicalRequest)
		}
	}
	if strings.Contains(got.CanonicalRequest, temp.SessionToken) {
		t.Errorf("canonical request shows the session token:\n%s", got.CanonicalRequest)
	}
}
