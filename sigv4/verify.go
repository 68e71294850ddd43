package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Defaults for a zero Verifier.
const (
	// DefaultMaxSkew is how far a request's date may be from the
	// verifier's clock, as AWS allows.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxBodyBytes caps the body read to hash it.
	DefaultMaxBodyBytes = 16 << 20
)

// amzDateFormat is X-Amz-Date's ISO 8601 basic format.
const amzDateFormat = "20060102T150405Z"

// ErrBodyTooLarge is returned when the body is over MaxBodyBytes, so its
// hash, and with it the signature, cannot be checked.
var ErrBodyTooLarge = errors.New("sigv4: request body too large to verify")

// Verifier checks requests against a keyring. Its zero value (no keys)
// refuses every signed request as UnrecognizedClientException.
type Verifier struct {
	Keys Keyring
	// Service, when set, is the only service a credential scope may name
	// ("states" for Step Functions).
	Service string
	// Region, when set, is the only region a credential scope may name.
	Region string
	// MaxSkew is how far X-Amz-Date may be from Now; default DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxBodyBytes caps the body; default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Identity is who signed a verified request.
type Identity struct {
	AccessKeyID string
	Scope       Scope
}

// Verify checks r's signature. The body, when it comes to be read, is
// replaced by an in-memory copy, so it can be read again whatever the
// outcome. Failures
// are *Error (with an AWS error code) or ErrBodyTooLarge.
func (v *Verifier) Verify(r *http.Request) (Identity, error) {
	auths := r.Header.Values("Authorization")
	if len(auths) == 0 {
		return Identity{}, errorf(MissingAuthenticationToken, "Missing Authentication Token")
	}
	if len(auths) > 1 {
		return Identity{}, errorf(IncompleteSignature, "The request holds %d Authorization headers; one is allowed.", len(auths))
	}
	a, err := ParseAuthorization(auths[0])
	if err != nil {
		return Identity{}, err
	}
	date, dateText, err := requestDate(r, auths[0])
	if err != nil {
		return Identity{}, err
	}
	// X-Amz-Target chooses the action: unsigned, a captured request could
	// be replayed as another action on the same signed body.
	if len(r.Header.Values("X-Amz-Target")) > 0 && !slices.Contains(a.SignedHeaders, "x-amz-target") {
		return Identity{}, errorf(IncompleteSignature, "'x-amz-target' is present in the request but not named as a SignedHeader.")
	}
	cred, ok := v.Keys[a.AccessKeyID]
	if !ok || !tokenMatches(cred.SessionToken, r.Header.Values("X-Amz-Security-Token")) {
		return Identity{}, errorf(UnrecognizedClient, "The security token included in the request is invalid.")
	}
	if err := v.checkScope(a.Scope, date, dateText); err != nil {
		return Identity{}, err
	}
	// The body is read last: a request refused on its headers alone
	// costs no buffering.
	body, err := readBody(r, v.maxBody())
	if err != nil {
		return Identity{}, err
	}
	creq, err := canonicalRequest(r, a.SignedHeaders, body)
	if err != nil {
		return Identity{}, err
	}
	sts := stringToSign(dateText, a.Scope, creq)
	want := signature(cred.SecretAccessKey, a.Scope, sts)
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.Signature)) != 1 {
		e := errorf(InvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
		e.CanonicalRequest, e.StringToSign = redactToken(creq, cred.SessionToken), sts
		return Identity{}, e
	}
	return Identity{AccessKeyID: a.AccessKeyID, Scope: a.Scope}, nil
}

func (v *Verifier) maxBody() int64 {
	if v.MaxBodyBytes > 0 {
		return v.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// checkScope checks the credential scope and the request's date.
func (v *Verifier) checkScope(s Scope, date time.Time, dateText string) error {
	if s.Terminator != "aws4_request" {
		return errorf(InvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", s.Terminator)
	}
	if v.Service != "" && s.Service != v.Service {
		return errorf(InvalidSignature, "Credential should be scoped to correct service: '%s'. ", v.Service)
	}
	if v.Region != "" && s.Region != v.Region {
		return errorf(InvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", s.Region)
	}
	if day := dateText[:8]; s.Date != day {
		return errorf(InvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", s.Date, day, dateText)
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	now := v.now().UTC()
	mins := strconv.Itoa(int(skew / time.Minute))
	if earliest := now.Add(-skew); date.Before(earliest) {
		return errorf(InvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s min.)",
			dateText, earliest.Format(amzDateFormat), now.Format(amzDateFormat), mins)
	}
	if latest := now.Add(skew); date.After(latest) {
		return errorf(InvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s min.)",
			dateText, latest.Format(amzDateFormat), now.Format(amzDateFormat), mins)
	}
	return nil
}

// tokenMatches reports whether the request's session tokens are what the
// credential requires: exactly its token, or none when it has none.
func tokenMatches(want string, got []string) bool {
	if want == "" {
		return len(got) == 0
	}
	return len(got) == 1 && subtle.ConstantTimeCompare([]byte(want), []byte(got[0])) == 1
}

// readBody reads r's body (up to max bytes) and puts a copy back.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("sigv4: read body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, ErrBodyTooLarge
	}
	return body, nil
}

// requestDate is the request's signing time from X-Amz-Date, or else from
// Date, with its ISO 8601 basic form for the string to sign.
func requestDate(r *http.Request, header string) (time.Time, string, error) {
	if s := r.Header.Get("X-Amz-Date"); s != "" {
		t, err := time.Parse(amzDateFormat, s)
		if err != nil {
			return time.Time{}, "", errorf(IncompleteSignature, "X-Amz-Date '%s' is not of the form YYYYMMDD'T'HHMMSS'Z'.", s)
		}
		return t, s, nil
	}
	if s := r.Header.Get("Date"); s != "" {
		t, err := http.ParseTime(s)
		if err != nil {
			return time.Time{}, "", errorf(IncompleteSignature, "Date header '%s' is not an HTTP date.", s)
		}
		t = t.UTC()
		return t, t.Format(amzDateFormat), nil
	}
	return time.Time{}, "", errorf(IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", header)
}

// canonicalRequest builds the canonical request:
//
//	METHOD \n URI \n QUERY \n HEADERS(name:value\n)* \n SIGNEDHEADERS \n PAYLOADHASH
func canonicalRequest(r *http.Request, signed []string, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != payload {
		return "", errorf(InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	hasHost := false
	for _, name := range signed {
		hasHost = hasHost || name == "host"
		vals, ok := headerValues(r, name)
		if !ok {
			return "", errorf(IncompleteSignature, "'%s' is named as a SignedHeader, but it does not exist in the HTTP request.", name)
		}
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.Join(strings.Fields(v), " "))
		}
		b.WriteByte('\n')
	}
	if !hasHost {
		return "", errorf(IncompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String(), nil
}

// headerValues are a signed header's values as the client sent them. Go's
// server moves Host and Transfer-Encoding out of the header map.
func headerValues(r *http.Request, name string) ([]string, bool) {
	switch name {
	case "host":
		h := r.Host
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		return []string{h}, h != ""
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ",")}, true
		}
	case "content-length":
		if len(r.Header.Values(name)) == 0 && r.ContentLength >= 0 && r.Body != nil {
			return []string{strconv.FormatInt(r.ContentLength, 10)}, true
		}
	}
	vals := r.Header.Values(name)
	return vals, len(vals) > 0
}

// canonicalURI is the path as sent, URI-encoded once more (every service
// but S3 encodes the already-encoded path again).
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery sorts the query's parameters by encoded name, then value.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{uriEncode(unescape(k), true), uriEncode(unescape(v), true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// unescape decodes a query component; one that does not decode is taken
// as it is.
func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// uriEncode percent-encodes every byte but the unreserved ones
// (A-Z a-z 0-9 - _ . ~) and, unless encodeSlash, '/'. Hex is upper case.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func stringToSign(dateText string, s Scope, creq string) string {
	sum := sha256.Sum256([]byte(creq))
	return Algorithm + "\n" + dateText + "\n" + s.String() + "\n" + hex.EncodeToString(sum[:])
}

// signature derives the signing key from the secret and the scope and
// signs the string to sign with it.
func signature(secret string, s Scope, sts string) string {
	k := mac([]byte("AWS4"+secret), s.Date)
	k = mac(k, s.Region)
	k = mac(k, s.Service)
	k = mac(k, s.Terminator)
	return hex.EncodeToString(mac(k, sts))
}

func mac(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// redactToken hides a session token in a canonical request kept for
// logs: by the time signatures are compared the token has matched, so it
// is a live credential.
func redactToken(creq, token string) string {
	if token == "" {
		return creq
	}
	return strings.ReplaceAll(creq, token, "<session token>")
}
