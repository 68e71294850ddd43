package interp_test

import (
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
)

// TestRetryDelayBeyondDuration checks that a backoff that outgrows
// time.Duration (10s doubled 40 times is about 350,000 years) keeps
// waiting longer, rather than wrapping to a time in the past, which
// retried at once in a loop.
func TestRetryDelayBeyondDuration(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":10,"BackoffRate":2,"MaxAttempts":99999999}],"End":true}}}`)
	x := interp.New(sm, info(`{}`))
	now := epoch
	step := x.Apply(interp.Start{Time: now})
	var last time.Duration
	for retry := 0; retry < 40; retry++ {
		var task int64
		for _, c := range step.Commands {
			if rt, ok := c.(interp.RunTask); ok {
				task = rt.TaskID
			}
		}
		if task == 0 {
			t.Fatalf("retry %d: no task to run", retry)
		}
		step = x.Apply(interp.TaskFailed{Time: now, TaskID: task, Error: "Boom"})
		var timer interp.SetTimer
		for _, c := range step.Commands {
			if st, ok := c.(interp.SetTimer); ok {
				timer = st
			}
		}
		wait := timer.At.Sub(now)
		if timer.TimerID == 0 || wait < last || wait <= 0 {
			t.Fatalf("retry %d waits %v after %v", retry, wait, last)
		}
		last = wait
		now = timer.At
		step = x.Apply(interp.TimerFired{Time: now, TimerID: timer.TimerID})
	}
}
