package sigv4

import (
	"fmt"
	"strings"
)

// Algorithm is the only signing algorithm verified.
const Algorithm = "AWS4-HMAC-SHA256"

// Authorization is a parsed SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
type Authorization struct {
	AccessKeyID string
	// Scope is the credential scope after the key id.
	Scope Scope
	// SignedHeaders are the header names as listed (lowercase, ';'-joined
	// in the canonical request in this order).
	SignedHeaders []string
	// Signature is the lowercase hex signature.
	Signature string
}

// Scope is the credential scope: date/region/service/terminator.
type Scope struct {
	Date, Region, Service, Terminator string
}

// String is the scope as it appears in the string to sign.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// String renders the header back in the canonical form SDKs send.
func (a Authorization) String() string {
	return Algorithm + " Credential=" + a.AccessKeyID + "/" + a.Scope.String() +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
}

// ParseAuthorization parses an Authorization header value. Errors are
// *Error with code IncompleteSignatureException, worded as AWS words them.
func ParseAuthorization(header string) (Authorization, error) {
	var a Authorization
	alg, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	if alg != Algorithm {
		return a, errorf(IncompleteSignature, "Unsupported AWS 'algorithm': '%s'", alg)
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	// AWS separates the parameters by commas and blanks alike, so a blank
	// inside a value shows as a part without '='.
	parts := strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, part := range parts {
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, errorf(IncompleteSignature, "'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, header)
		}
		switch key {
		case "Credential":
			cred, haveCred = val, true
		case "SignedHeaders":
			signed, haveSigned = val, true
		case "Signature":
			sig, haveSig = val, true
		}
	}
	var missing []string
	if !haveCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !haveSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(missing) > 0 {
		return a, errorf(IncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), header)
	}
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[0] == "" {
		return a, errorf(IncompleteSignature, "Credential=%s is not of the form <access key id>/<date>/<region>/<service>/aws4_request.", cred)
	}
	a.AccessKeyID = f[0]
	a.Scope = Scope{Date: f[1], Region: f[2], Service: f[3], Terminator: f[4]}
	if signed == "" {
		return a, errorf(IncompleteSignature, "Authorization header requires 'SignedHeaders' to name at least the 'host' header.")
	}
	a.SignedHeaders = strings.Split(signed, ";")
	for _, h := range a.SignedHeaders {
		if h == "" || h != strings.ToLower(h) || strings.ContainsAny(h, " \t:") {
			return a, errorf(IncompleteSignature, "SignedHeaders=%s is not a ';'-separated list of lowercase header names.", signed)
		}
	}
	if !isLowerHex(sig, 64) {
		return a, errorf(IncompleteSignature, "Signature=%s is not 64 lowercase hexadecimal digits.", sig)
	}
	a.Signature = sig
	return a, nil
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Code is the AWS error name a failed verification answers with.
type Code string

// The errors of the JSON protocol services, as AWS names them. All are
// answered with HTTP 400 by Step Functions' (JSON 1.0) endpoints.
const (
	MissingAuthenticationToken Code = "MissingAuthenticationTokenException"
	IncompleteSignature        Code = "IncompleteSignatureException"
	UnrecognizedClient         Code = "UnrecognizedClientException"
	InvalidSignature           Code = "InvalidSignatureException"
)

// Error is a failed verification.
type Error struct {
	Code    Code
	Message string
	// CanonicalRequest and StringToSign are what the verifier computed
	// when the signature did not match, for the server's log (AWS sends
	// them to the client on some services). A session token in the
	// canonical request is replaced by "<session token>".
	CanonicalRequest, StringToSign string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
