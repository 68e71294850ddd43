package sigv4_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/sigv4"
)

// newRequest builds a server-side request with an arbitrary raw path and
// query, which httptest.NewRequest would refuse.
func newRequest(path, query string) *http.Request {
	return &http.Request{Method: "POST", Host: "localhost:8083", Header: http.Header{},
		URL: &url.URL{Path: path, RawPath: path, RawQuery: query}, Body: http.NoBody}
}

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []sigv4.Credential
		errs []string
	}{
		{in: "", want: nil},
		{in: "# keys\n\nAKID1 secret1\n  AKID2\tsecret2   token2  \r\n", want: []sigv4.Credential{
			{AccessKeyID: "AKID1", SecretAccessKey: "secret1"},
			{AccessKeyID: "AKID2", SecretAccessKey: "secret2", SessionToken: "token2"},
		}},
		{in: "AKID1\nAKID2 s\nA B C D\n", want: []sigv4.Credential{{AccessKeyID: "AKID2", SecretAccessKey: "s"}},
			errs: []string{"line 1: want ACCESS_KEY_ID SECRET [SESSION_TOKEN], got 1 fields", "line 3:"}},
	}
	for _, c := range cases {
		got, err := sigv4.ParseCredentials(strings.NewReader(c.in))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %+v, want %+v", c.in, got, c.want)
		}
		if (err != nil) != (len(c.errs) > 0) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.errs)
		}
		for _, e := range c.errs {
			if err == nil || !strings.Contains(err.Error(), e) {
				t.Errorf("%q: error %v, want it to hold %q", c.in, err, e)
			}
		}
	}
}

func TestNewKeyring(t *testing.T) {
	t.Parallel()
	cases := []struct {
		creds []sigv4.Credential
		keys  int
		errs  []string
	}{
		{creds: nil},
		{creds: []sigv4.Credential{{AccessKeyID: "A", SecretAccessKey: "s"}, {AccessKeyID: "B", SecretAccessKey: "t", SessionToken: "x"}}, keys: 2},
		{creds: []sigv4.Credential{{AccessKeyID: "A", SecretAccessKey: "s"}, {AccessKeyID: "A", SecretAccessKey: "t"}}, keys: 1, errs: []string{"A: given twice"}},
		{creds: []sigv4.Credential{{SecretAccessKey: "s"}, {AccessKeyID: "B"}, {AccessKeyID: "C/D", SecretAccessKey: "s"}},
			errs: []string{"credential 1: empty access key id", "credential B: empty secret", `"C/D": an access key id cannot hold`}},
	}
	for i, c := range cases {
		k, err := sigv4.NewKeyring(c.creds)
		if len(k) != c.keys {
			t.Errorf("case %d: %d keys, want %d", i, len(k), c.keys)
		}
		if (err != nil) != (len(c.errs) > 0) {
			t.Errorf("case %d: error %v, want %q", i, err, c.errs)
		}
		for _, e := range c.errs {
			if err == nil || !strings.Contains(err.Error(), e) {
				t.Errorf("case %d: error %v, want it to hold %q", i, err, e)
			}
		}
	}
}

// FuzzParseCredentials: no panics; every credential read has an id and a
// secret without blanks, and NewKeyring takes what parsed unless an id
// repeats.
func FuzzParseCredentials(f *testing.F) {
	f.Add("AKID secret\n# c\nASIA s tok\n")
	f.Add("a\n\n b c d e\n")
	f.Add("\x00 \xff\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		creds, _ := sigv4.ParseCredentials(strings.NewReader(in))
		for _, c := range creds {
			if c.AccessKeyID == "" || c.SecretAccessKey == "" || strings.ContainsAny(c.AccessKeyID+c.SecretAccessKey+c.SessionToken, " \t\n") {
				t.Fatalf("%q: bad credential %+v", in, c)
			}
		}
		_, _ = sigv4.NewKeyring(creds)
	})
}
