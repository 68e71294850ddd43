package sigv4_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/sigv4"
)

const sig64 = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    sigv4.Authorization
		message string // the error's, when it fails
	}{
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + sig64,
			want: sigv4.Authorization{AccessKeyID: "AKID", Scope: sigv4.Scope{Date: "20260102", Region: "us-east-1", Service: "states", Terminator: "aws4_request"},
				SignedHeaders: []string{"content-type", "host", "x-amz-date"}, Signature: sig64}},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/eu-west-1/states/aws4_request,SignedHeaders=host,Signature=" + sig64,
			want: sigv4.Authorization{AccessKeyID: "AKID", Scope: sigv4.Scope{Date: "20260102", Region: "eu-west-1", Service: "states", Terminator: "aws4_request"},
				SignedHeaders: []string{"host"}, Signature: sig64}},
		{in: "AWS4-HMAC-SHA256 Signature=" + sig64 + ", Credential=K/d/r/s/t, SignedHeaders=host",
			want: sigv4.Authorization{AccessKeyID: "K", Scope: sigv4.Scope{Date: "d", Region: "r", Service: "s", Terminator: "t"},
				SignedHeaders: []string{"host"}, Signature: sig64}},
		{in: "", message: "Unsupported AWS 'algorithm': ''"},
		{in: "Bearer abc", message: "Unsupported AWS 'algorithm': 'Bearer'"},
		{in: "AWS4-ECDSA-P256-SHA256 Credential=x", message: "Unsupported AWS 'algorithm'"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request",
			message: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential="},
		{in: "AWS4-HMAC-SHA256 ", message: "requires 'Credential' parameter. Authorization header requires 'Signature' parameter."},
		{in: "AWS4-HMAC-SHA256 Credential= AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=host, Signature=" + sig64,
			message: "'AKID/20260102/us-east-1/states/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= AKID"},
		{in: "AWS4-HMAC-SHA256 AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=host, Signature=" + sig64,
			message: "'AKID/20260102/us-east-1/states/aws4_request' not a valid key=value pair (missing equal-sign)"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states, SignedHeaders=host, Signature=" + sig64, message: "not of the form"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=Host, Signature=" + sig64, message: "lowercase header names"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=host;;x, Signature=" + sig64, message: "lowercase header names"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=, Signature=" + sig64, message: "at least the 'host' header"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=host, Signature=" + strings.ToUpper(sig64), message: "64 lowercase hexadecimal"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=host, Signature=abc", message: "64 lowercase hexadecimal"},
	}
	for _, c := range cases {
		got, err := sigv4.ParseAuthorization(c.in)
		if c.message != "" {
			var se *sigv4.Error
			if !errors.As(err, &se) || se.Code != sigv4.IncompleteSignature || !strings.Contains(se.Message, c.message) {
				t.Errorf("%q: error %v, want IncompleteSignatureException holding %q", c.in, err, c.message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got.String() != c.want.String() {
			t.Errorf("%q:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// FuzzParseAuthorization: no panics; what parses prints back to a header
// that parses to the same thing.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/states/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + sig64)
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=host,Signature=" + sig64)
	f.Add("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=")
	f.Add("AWS4-HMAC-SHA256 ,,,==,=")
	f.Add("AWS4-HMAC-SHA256")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := sigv4.ParseAuthorization(in)
		if err != nil {
			var se *sigv4.Error
			if !errors.As(err, &se) || se.Code != sigv4.IncompleteSignature {
				t.Fatalf("%q: error %v is not an IncompleteSignatureException", in, err)
			}
			return
		}
		again, err := sigv4.ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", in, a.String(), err)
		}
		if again.String() != a.String() {
			t.Fatalf("%q: round trip %q -> %q", in, a.String(), again.String())
		}
	})
}

// FuzzVerify: arbitrary Authorization, date and token headers never make
// Verify panic or accept the request.
func FuzzVerify(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDALICE/20260102/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature="+sig64, "20260102T030405Z", "", "/", "a=b")
	f.Add("AWS4-HMAC-SHA256 Credential=ASIATEMP/20260102/us-east-1/states/aws4_request, SignedHeaders=host;transfer-encoding;content-length, Signature="+sig64, "20260102T030405Z", "tok", "/%zz", "%zz=%")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDALICE/2026/us-east-1/states/aws4_request, SignedHeaders=host, Signature="+sig64, "2026", "", "", "")
	f.Fuzz(func(t *testing.T, auth, date, token, path, query string) {
		v := &sigv4.Verifier{Keys: keyring, Now: func() time.Time { return now }}
		r := newRequest(path, query)
		r.Header.Set("Authorization", auth)
		r.Header.Set("X-Amz-Date", date)
		if token != "" {
			r.Header.Set("X-Amz-Security-Token", token)
		}
		if _, err := v.Verify(r); err == nil {
			t.Fatalf("accepted a request with a made-up signature: %q", auth)
		}
	})
}
