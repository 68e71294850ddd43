package interp_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// flaky fails each task whose input (as JSON) is in failOnce the first
// time it runs, and counts the runs by input.
type flaky struct {
	failOnce map[string]bool
	runs     map[string]int
}

func (f *flaky) answer(task interp.RunTask) (any, string, string) {
	key := value.String(task.Input)
	f.runs[key]++
	if f.failOnce[key] && f.runs[key] == 1 {
		return nil, "Boom", "first run of " + key
	}
	return value.ObjectOf("done", task.Input), "", ""
}

func count(events []interp.Event, typ string) int {
	n := 0
	for _, e := range events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func TestRedrive(t *testing.T) {
	t.Parallel()
	const task = `"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"`
	cases := []struct {
		name     string
		def      string
		input    string
		failOnce []string
		wantRuns map[string]int // task runs by input, over both attempts
		want     string         // the output after the redrive
	}{{
		name: "task",
		def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Result":{"n":1},"Next":"B"},
			"B":{` + task + `,"Next":"C"},
			"C":{"Type":"Pass","Parameters":{"r.$":"$$.Execution.RedriveCount","out.$":"$"},"End":true}}}`,
		input:    `{}`,
		failOnce: []string{`{"n":1}`},
		wantRuns: map[string]int{`{"n":1}`: 2},
		want:     `{"r":1,"out":{"done":{"n":1}}}`,
	}, {
		name: "parallel",
		def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Pass","Result":"x","Next":"XT"},"XT":{` + task + `,"End":true}}},
			{"StartAt":"Y","States":{"Y":{"Type":"Pass","Result":"y","Next":"YT"},"YT":{` + task + `,"End":true}}}]}}}`,
		input:    `{}`,
		failOnce: []string{`"y"`},
		wantRuns: map[string]int{`"x"`: 1, `"y"`: 2},
		want:     `[{"done":"x"},{"done":"y"}]`,
	}, {
		name: "map",
		def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"MaxConcurrency":2,
			"ItemProcessor":{"StartAt":"T","States":{"T":{` + task + `,"End":true}}}}}}`,
		input:    `[1,2,3,4,5]`,
		failOnce: []string{`2`},
		// 2 fails while 1 and 3 run: 3 is aborted, 4 and 5 never start.
		wantRuns: map[string]int{`1`: 1, `2`: 2, `3`: 2, `4`: 1, `5`: 1},
		want:     `[{"done":1},{"done":2},{"done":3},{"done":4},{"done":5}]`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &flaky{failOnce: map[string]bool{}, runs: map[string]int{}}
			for _, k := range tc.failOnce {
				f.failOnce[k] = true
			}
			sm := parse(t, tc.def)
			x := interp.New(sm, info(tc.input))
			events, journal := driveFrom(t, x, interp.Start{Time: epoch}, f.answer)
			if x.Status() != interp.Failed || x.Error() != "Boom" {
				t.Fatalf("first attempt: %s %s", x.Status(), x.Error())
			}
			if ok, why := x.Redrivable(); !ok {
				t.Fatalf("not redrivable: %s", why)
			}
			more, j2 := driveFrom(t, x, interp.Redrive{Time: epoch.Add(time.Hour), ClientToken: "tok"}, f.answer)
			events, journal = append(events, more...), append(journal, j2...)
			if x.Status() != interp.Succeeded {
				t.Fatalf("after redrive: %s %s %s\n%s", x.Status(), x.Error(), x.Cause(), types(more))
			}
			if got := value.String(x.Output()); got != tc.want {
				t.Errorf("output %s, want %s", got, tc.want)
			}
			for k, n := range tc.wantRuns {
				if f.runs[k] != n {
					t.Errorf("task %s ran %d times, want %d (%v)", k, f.runs[k], n, f.runs)
				}
			}
			if more[0].Type != "ExecutionRedriven" || !strings.Contains(string(more[0].AppendJSON(nil)), `"redriveCount":1`) {
				t.Errorf("first event after redrive: %s", more[0].AppendJSON(nil))
			}
			if x.RedriveCount() != 1 {
				t.Errorf("RedriveCount %d", x.RedriveCount())
			}
			for i := 1; i < len(events); i++ {
				if events[i].ID != events[i-1].ID+1 {
					t.Fatalf("event ids not consecutive at %d: %d after %d", i, events[i].ID, events[i-1].ID)
				}
			}

			// The journal, encoded and decoded, replays to the same end.
			decoded := make([]interp.Input, len(journal))
			for i, in := range journal {
				var err error
				if decoded[i], err = interp.UnmarshalInput(interp.MarshalInput(in)); err != nil {
					t.Fatal(err)
				}
				if r, ok := in.(interp.Redrive); ok && decoded[i] != r {
					t.Fatalf("journal entry %d: %#v, decoded %#v", i, in, decoded[i])
				}
			}
			y := interp.New(sm, info(tc.input))
			out, replayed := interp.Replay(y, decoded)
			if y.Status() != interp.Succeeded || value.String(y.Output()) != tc.want {
				t.Errorf("replay: %s %s", y.Status(), value.String(y.Output()))
			}
			if len(out.Tasks) != 0 || len(out.Timers) != 0 {
				t.Errorf("replay waits for %+v", out)
			}
			if len(replayed) != len(events) {
				t.Fatalf("replay made %d events, want %d", len(replayed), len(events))
			}
			for i := range events {
				a, b := string(events[i].AppendJSON(nil)), string(replayed[i].AppendJSON(nil))
				if a != b {
					t.Fatalf("event %d differs:\n%s\n%s", i, a, b)
				}
			}
		})
	}
}

func TestRedriveAbortedRunsTheStateAgain(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":7,"Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`)
	x := interp.New(sm, info(`{}`))
	driveFrom(t, x, interp.Start{Time: epoch}, nil)
	x.Apply(interp.Stop{Time: epoch.Add(time.Second), Error: "e", Cause: "c"})
	if x.Status() != interp.Aborted {
		t.Fatalf("status %s", x.Status())
	}
	var inputs []string
	driveFrom(t, x, interp.Redrive{Time: epoch.Add(time.Minute)}, func(task interp.RunTask) (any, string, string) {
		inputs = append(inputs, value.String(task.Input))
		return task.Input, "", ""
	})
	if x.Status() != interp.Succeeded || value.String(x.Output()) != "7" || !slices.Equal(inputs, []string{"7"}) {
		t.Errorf("after redrive: %s %s, task inputs %v", x.Status(), value.String(x.Output()), inputs)
	}
}

func TestRedriveIgnoredUnlessUnsuccessful(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)
	x := interp.New(sm, info(`{}`))
	driveFrom(t, x, interp.Start{Time: epoch}, nil)
	if ok, why := x.Redrivable(); ok || why != "Execution is SUCCEEDED and cannot be redriven" {
		t.Errorf("Redrivable: %v %q", ok, why)
	}
	if step := x.Apply(interp.Redrive{Time: epoch}); len(step.Events) != 0 || x.Status() != interp.Succeeded {
		t.Errorf("redrive of a succeeded execution: %+v %s", step, x.Status())
	}
}

// An execution stopped while a Map's iterations wait is redriven: the
// iteration that had succeeded keeps its result, the others run again.
func TestRedriveStoppedMap(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`)
	x := interp.New(sm, info(`[1,2,3]`))
	var journal []interp.Input
	apply := func(in interp.Input) interp.Step { journal = append(journal, in); return x.Apply(in) }
	step := apply(interp.Start{Time: epoch})
	for _, c := range step.Commands {
		if rt, ok := c.(interp.RunTask); ok && value.String(rt.Input) == "1" {
			apply(interp.TaskSucceeded{Time: epoch, TaskID: rt.TaskID, Output: "one"})
		}
	}
	apply(interp.Stop{Time: epoch.Add(time.Second)})
	if x.Status() != interp.Aborted {
		t.Fatalf("status %s", x.Status())
	}
	var inputs []string
	_, more := driveFrom(t, x, interp.Redrive{Time: epoch.Add(time.Minute)}, func(task interp.RunTask) (any, string, string) {
		inputs = append(inputs, value.String(task.Input))
		return task.Input, "", ""
	})
	slices.Sort(inputs)
	if x.Status() != interp.Succeeded || value.String(x.Output()) != `["one",2,3]` || !slices.Equal(inputs, []string{"2", "3"}) {
		t.Fatalf("after redrive: %s %s, tasks run again for %v", x.Status(), value.String(x.Output()), inputs)
	}
	y := interp.New(sm, info(`[1,2,3]`))
	interp.Replay(y, append(journal, more...))
	if y.Status() != interp.Succeeded || value.String(y.Output()) != `["one",2,3]` {
		t.Errorf("replay: %s %s", y.Status(), value.String(y.Output()))
	}
}

// A timed-out execution is redriven with its timeout counted again from
// the redrive.
func TestRedriveTimedOut(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"TimeoutSeconds":10,"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.wait","End":true}}}`)
	x := interp.New(sm, info(`{"wait":5}`))
	x.Apply(interp.Start{Time: epoch})
	x.Apply(interp.Stop{Time: epoch.Add(time.Second)}) // aborted before the wait ends
	events, _ := driveFrom(t, x, interp.Redrive{Time: epoch.Add(time.Hour)}, nil)
	if x.Status() != interp.Succeeded || events[len(events)-1].Timestamp != epoch.Add(time.Hour+5*time.Second) {
		t.Fatalf("after redrive: %s at %v\n%s", x.Status(), events[len(events)-1].Timestamp, types(events))
	}
	x = interp.New(sm, info(`{"wait":50}`))
	driveFrom(t, x, interp.Start{Time: epoch}, nil)
	if x.Status() != interp.TimedOut {
		t.Fatalf("status %s", x.Status())
	}
	events, _ = driveFrom(t, x, interp.Redrive{Time: epoch.Add(time.Hour)}, nil)
	if x.Status() != interp.TimedOut || events[len(events)-1].Timestamp != epoch.Add(time.Hour+10*time.Second) {
		t.Errorf("after redrive: %s at %v\n%s", x.Status(), events[len(events)-1].Timestamp, types(events))
	}
	if got := types(events); got != "ExecutionRedriven WaitStateEntered ExecutionTimedOut" {
		t.Errorf("events after redrive: %s", got)
	}
}

// FuzzUnmarshalInput: any journal entry decodes or fails without a panic,
// and what decodes encodes to an entry that decodes the same.
func FuzzUnmarshalInput(f *testing.F) {
	for _, in := range []interp.Input{
		interp.Start{Time: epoch},
		interp.Redrive{Time: epoch.Add(time.Hour), ClientToken: "tok"},
		interp.TaskFailed{Time: epoch, TaskID: 3, Error: "E", Cause: "c"},
		interp.Stop{Time: epoch, Error: "e"},
	} {
		f.Add(interp.MarshalInput(in))
	}
	f.Add([]byte(`{"type":"Redrive"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := interp.UnmarshalInput(data)
		if err != nil {
			return
		}
		enc := interp.MarshalInput(in)
		again, err := interp.UnmarshalInput(enc)
		if err != nil {
			t.Fatalf("%s decoded, re-encoded as %s, which does not decode: %v", data, enc, err)
		}
		if got := interp.MarshalInput(again); string(got) != string(enc) {
			t.Fatalf("round trip changed %s into %s", enc, got)
		}
	})
}
