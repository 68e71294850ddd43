// Package sigv4 verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on
// incoming HTTP requests, the way an AWS service checks the requests that
// SDKs, the AWS CLI and Terraform sign.
//
// A Verifier holds the credentials it accepts. Verify reads the request's
// body (and puts it back, so a handler can read it again), rebuilds the
// canonical request from what arrived on the wire, derives the signing key
// from the credential's secret and compares signatures in constant time.
// Failures are *Error values whose Code is the AWS error name a JSON
// service answers with (MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException,
// InvalidSignatureException), so a server can pass them on unchanged.
//
// Only the Authorization header form is verified; presigned URLs
// (X-Amz-Signature in the query) and SigV4a are not. The payload is always
// hashed here: an X-Amz-Content-Sha256 header must match the body, and
// UNSIGNED-PAYLOAD is refused. An X-Amz-Target header must be signed, as
// it chooses the action the signed body is for.
package sigv4
