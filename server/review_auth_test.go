package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/sigv4"
)

// TestAuthRetargetedRequest: a request signed without X-Amz-Target (or a
// captured one replayed within the 15 minutes) must not run whatever
// action a target added afterwards names on the same signed body.
func TestAuthRetargetedRequest(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, t.TempDir(), server.Config{Credentials: []sigv4.Credential{operator}, WaitScale: -1})
	cl := clientAs(t, srv.Addr(), operator)
	sm, err := cl.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String("keep"), Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"stateMachineArn":"` + aws.ToString(sm.StateMachineArn) + `"}`
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: operator.AccessKeyID, SecretAccessKey: operator.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "states", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.DeleteStateMachine") // after signing
	got := do(t, req)
	if got.errType != string(sigv4.IncompleteSignature) {
		t.Errorf("retargeted request: HTTP %d %s, want IncompleteSignatureException", got.status, got.body)
	}
	if _, err := cl.DescribeStateMachine(t.Context(), &sfn.DescribeStateMachineInput{StateMachineArn: sm.StateMachineArn}); err != nil {
		t.Errorf("state machine after the retargeted request: %v", err)
	}
}
