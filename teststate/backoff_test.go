package teststate

import (
	"math"
	"testing"

	"github.com/cairn-sfn/cairn/api"
)

// TestRetryBackoffInterval checks retryBackoffIntervalSeconds after many
// retries: the backoff grows (10s doubled each time) and, past what the
// API's integer holds, stays at its largest value; it never turns
// negative.
func TestRetryBackoffInterval(t *testing.T) {
	t.Parallel()
	const def = `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
		"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"BackoffRate":2,"MaxAttempts":99999999}],"End":true}`
	tests := []struct {
		retries int32
		want    int32
	}{
		{0, 10},
		{1, 20},
		{20, 10 << 20},
		{27, 1342177280},
		{28, math.MaxInt32}, // 2,684,354,560 s: beyond int32
		{40, math.MaxInt32}, // beyond time.Duration too
		{2000, math.MaxInt32},
	}
	for _, tt := range tests {
		in := &api.TestStateInput{Definition: def, Input: `{}`, InspectionLevel: "DEBUG",
			Mock:               &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E"}},
			StateConfiguration: &api.TestStateConfiguration{RetrierRetryCount: i32(tt.retries)}}
		out, err := newRunner(nil).TestState(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		var got *int32
		if d := out.InspectionData; d != nil && d.ErrorDetails != nil {
			got = d.ErrorDetails.RetryBackoffIntervalSeconds
		}
		if out.Status != "RETRIABLE" || got == nil {
			t.Fatalf("after %d retries: %s without an interval", tt.retries, out.Status)
		}
		if *got != tt.want {
			t.Errorf("after %d retries: interval %d, want %d", tt.retries, *got, tt.want)
		}
	}
}
