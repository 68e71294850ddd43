package sigv4_test

import (
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/sigv4"
)

// TestVerifyTargetMustBeSigned: X-Amz-Target picks the action, so a
// request whose signature does not cover it could be replayed as another
// action on the same body (a captured DescribeExecution turned into
// StopExecution). A target added after signing is refused.
func TestVerifyTargetMustBeSigned(t *testing.T) {
	t.Parallel()
	untargeted := apiRequest()
	untargeted.header.Del("X-Amz-Target")
	v := &sigv4.Verifier{Keys: keyring, Service: "states", Now: func() time.Time { return now }}
	for _, target := range []string{"AWSStepFunctions.DeleteStateMachine", "AWSStepFunctions.StopExecution"} {
		got := verifyOverHTTP(t, v, untargeted, alice, "states", now, setHeader("X-Amz-Target", target))
		if got.Code != string(sigv4.IncompleteSignature) {
			t.Errorf("unsigned X-Amz-Target %s: got %+v, want IncompleteSignatureException", target, got)
		}
	}
	// Signed without a target and sent without one: still fine (the API
	// refuses it on its own).
	if got := verifyOverHTTP(t, v, untargeted, alice, "states", now, nil); got.Code != "" {
		t.Errorf("no target at all: got %+v, want verified", got)
	}
}
