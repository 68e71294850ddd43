package interp_test

import (
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
)

// distributedMap is a Distributed Map over $.xs whose Task fails on "bad";
// extra holds the Map's own optional fields.
func distributedMap(extra string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",` + extra + `"End":true,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T",
	"States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`
}

func failBad(rt interp.RunTask) (any, string, string) {
	if rt.Input == "bad" {
		return nil, "Bad", "bad item"
	}
	return rt.Input, "", ""
}

func TestMapRunsCountsOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, extra, input string
		want               interp.MapRunInfo
	}{
		{"all succeed", `"MaxConcurrency":2,`, `{"xs":[1,2,3,4,5]}`,
			interp.MapRunInfo{Status: "SUCCEEDED", MaxConcurrency: 2, Succeeded: 5, Total: 5}},
		{"tolerated", `"ToleratedFailureCount":1,`, `{"xs":["a","bad","c"]}`,
			interp.MapRunInfo{Status: "SUCCEEDED", ToleratedFailureCount: 1, Succeeded: 2, Failed: 1, Total: 3}},
		{"percentage", `"ToleratedFailurePercentage":50,`, `{"xs":["bad","b"]}`,
			interp.MapRunInfo{Status: "SUCCEEDED", ToleratedFailurePercentage: 50, Succeeded: 1, Failed: 1, Total: 2}},
		{"over tolerance", `"MaxConcurrency":1,`, `{"xs":["bad","b","c","d"]}`,
			interp.MapRunInfo{Status: "FAILED", MaxConcurrency: 1, Failed: 1, Aborted: 3, Total: 4}},
		{"empty", ``, `{"xs":[]}`, interp.MapRunInfo{Status: "SUCCEEDED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := interp.New(parse(t, distributedMap(tc.extra)), info(tc.input))
			_, journal := driveJournal(t, x, failBad)
			runs := x.MapRuns()
			if len(runs) != 1 {
				t.Fatalf("%d runs", len(runs))
			}
			got := runs[0]
			if got.ARN == "" || got.Start.IsZero() || got.Stop.Before(got.Start) {
				t.Errorf("arn %q start %v stop %v", got.ARN, got.Start, got.Stop)
			}
			got.ARN, got.Start, got.Stop = "", time.Time{}, time.Time{}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			// A replay of the journal answers the same.
			y := interp.New(parse(t, distributedMap(tc.extra)), info(tc.input))
			interp.Replay(y, journal)
			if again := y.MapRuns(); len(again) != 1 || again[0] != runs[0] {
				t.Errorf("replay: %+v, want %+v", again, runs)
			}
		})
	}
}

func TestMapRunsWhileRunningThenStopped(t *testing.T) {
	t.Parallel()
	x := interp.New(parse(t, distributedMap(`"MaxConcurrency":2,`)), info(`{"xs":[1,2,3,4,5]}`))
	if len(x.MapRuns()) != 0 {
		t.Fatal("map runs before the start")
	}
	step := x.Apply(interp.Start{Time: epoch})
	var tasks []interp.RunTask
	for _, c := range step.Commands {
		if rt, ok := c.(interp.RunTask); ok {
			tasks = append(tasks, rt)
		}
	}
	if len(tasks) != 2 {
		t.Fatalf("%d tasks started, want 2", len(tasks))
	}
	x.Apply(interp.TaskSucceeded{Time: epoch.Add(time.Second), TaskID: tasks[0].TaskID, Output: 1})
	got := x.MapRuns()
	if len(got) != 1 || got[0].Status != "RUNNING" || got[0].Running != 2 || got[0].Pending != 2 ||
		got[0].Succeeded != 1 || got[0].Total != 5 || !got[0].Stop.IsZero() {
		t.Fatalf("running: %+v", got)
	}
	x.Apply(interp.Stop{Time: epoch.Add(2 * time.Second), Error: "E", Cause: "C"})
	got = x.MapRuns()
	if len(got) != 1 || got[0].Status != "ABORTED" || got[0].Running != 0 || got[0].Pending != 0 ||
		got[0].Succeeded != 1 || got[0].Aborted != 4 || !got[0].Stop.Equal(epoch.Add(2*time.Second)) {
		t.Fatalf("stopped: %+v", got)
	}
}
