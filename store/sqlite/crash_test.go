package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

// crashDirEnv, when set, makes TestCrashConsistency the child process that
// commits into that directory until it is killed.
const crashDirEnv = "CAIRN_SQLITE_CRASH_DIR"

const crashExecs = 8

func crashARN(i int) string {
	return fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:crash:e%d", i)
}

// crashEvents is how many events version v of execution i carries.
func crashEvents(i int, v int64) int64 { return 1 + (v*7+int64(i))%5 }

func crashEventJSON(arn string, v, id int64) string {
	return fmt.Sprintf(`{"id":%d,"v":%d,"arn":%q,"pad":%q}`, id, v, arn, strings.Repeat("x", 200))
}

func crashInput(arn string, v int64) string { return fmt.Sprintf(`{"v":%d,"arn":%q}`, v, arn) }

// TestCrashConsistency kills a committing process with SIGKILL at random
// moments and checks, after each kill, that the database holds a
// consistent prefix of every execution: every acknowledged step, versions
// contiguous, and no step in part.
func TestCrashConsistency(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	t.Parallel()
	dir := t.TempDir()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	acked := map[string]int64{}
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashConsistency$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		var kill <-chan time.Time
		started := false
		deadline := time.After(20 * time.Second)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				arn, v, ok := parseAck(l)
				if !ok {
					continue
				}
				acked[arn] = max(acked[arn], v)
				if !started {
					started = true
					kill = time.After(time.Duration(50+rng.IntN(450)) * time.Millisecond)
				}
			case <-kill:
				cmd.Process.Signal(syscall.SIGKILL)
				kill = nil
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("round %d: child made no progress", round)
			}
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, want SIGKILL", round, err)
		}
		steps := checkCrashPrefix(t, dir, acked)
		t.Logf("round %d: %d steps in the database", round, steps)
	}
}

func parseAck(l string) (string, int64, bool) {
	f := strings.Fields(l)
	if len(f) != 3 || f[0] != "ACK" {
		return "", 0, false
	}
	v, err := strconv.ParseInt(f[2], 10, 64)
	return f[1], v, err == nil
}

// checkCrashPrefix reopens the database and checks every execution; it
// returns the number of steps found.
func checkCrashPrefix(t *testing.T, dir string, acked map[string]int64) int64 {
	t.Helper()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var total int64
	for i := range crashExecs {
		arn := crashARN(i)
		e, err := s.GetExecution(ctx, arn)
		if errors.Is(err, store.ErrNotFound) && acked[arn] == 0 {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Version < acked[arn] {
			t.Fatalf("%s: version %d, but step %d was acknowledged", arn, e.Version, acked[arn])
		}
		j, err := s.Journal(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(j)) != e.Version {
			t.Fatalf("%s: %d journal entries at version %d", arn, len(j), e.Version)
		}
		for k, in := range j {
			if string(in) != crashInput(arn, int64(k+1)) {
				t.Fatalf("%s: journal[%d] = %s", arn, k, in)
			}
		}
		evs, err := s.History(ctx, arn, 0, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		id := int64(0)
		for v := int64(1); v <= e.Version; v++ {
			for range crashEvents(i, v) {
				id++
				if id > int64(len(evs)) {
					t.Fatalf("%s: step %d has lost events: history ends at %d", arn, v, len(evs))
				}
				if ev := evs[id-1]; ev.ID != id || string(ev.JSON) != crashEventJSON(arn, v, id) {
					t.Fatalf("%s: event %d = %d %.60s", arn, id, ev.ID, ev.JSON)
				}
			}
		}
		if id != int64(len(evs)) {
			t.Fatalf("%s: %d events beyond version %d", arn, int64(len(evs))-id, e.Version)
		}
		total += e.Version
	}
	return total
}

// crashChild commits steps of crashExecs executions from as many goroutines
// and prints "ACK arn version" after each commit returns, until killed.
func crashChild(t *testing.T, dir string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var mu sync.Mutex // one ack line at a time
	var wg sync.WaitGroup
	for i := range crashExecs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			arn := crashARN(i)
			v, last := int64(0), int64(0)
			if e, err := s.GetExecution(ctx, arn); err == nil {
				v = e.Version
				evs, err := s.History(ctx, arn, 0, 1, true)
				if err != nil || len(evs) != 1 {
					panic(fmt.Sprint("resume: ", evs, err))
				}
				last = evs[0].ID
			}
			for time.Since(start) < time.Minute { // the parent kills us long before
				v++
				st := store.Step{ExecutionARN: arn, Version: v, Input: []byte(crashInput(arn, v))}
				for range crashEvents(i, v) {
					last++
					st.Events = append(st.Events, store.Event{ID: last, JSON: []byte(crashEventJSON(arn, v, last))})
				}
				var err error
				if v == 1 {
					e := store.Execution{ARN: arn, StateMachineARN: "sm", Name: "e", Status: "RUNNING", StartDate: time.Now()}
					err = s.CreateExecution(ctx, e, st)
				} else {
					var errs []error
					errs, err = s.CommitSteps(ctx, []store.Step{st})
					if err == nil {
						err = errs[0]
					}
				}
				if err != nil {
					panic(err)
				}
				mu.Lock()
				fmt.Printf("ACK %s %d\n", arn, v)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
