package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/value"
)

// MapRun is a Distributed Map run of an execution.
type MapRun struct {
	interp.MapRunInfo
	ExecutionARN, StateMachineARN string
}

// ErrMapRunNotFound: no execution has a Map Run with that ARN.
var ErrMapRunNotFound = errors.New("map run not found")

// ErrBadPageToken: a ListMapRuns token this engine did not hand out.
var ErrBadPageToken = errors.New("invalid pagination token")

// MapRunsOf returns the Map Runs of an execution in the order they
// started: from its interpreter when this node runs it, else from a replay
// of its journal (as recovery does, without resuming anything).
func (e *Engine) MapRunsOf(ctx context.Context, executionARN string) ([]MapRun, error) {
	ex, err := e.DescribeExecution(ctx, executionARN)
	if err != nil {
		return nil, err
	}
	var infos []interp.MapRunInfo
	held := false
	e.mu.Lock()
	r := e.active[ex.ARN]
	e.mu.Unlock()
	if r != nil {
		r.mu.Lock()
		if !r.gone {
			infos, held = r.x.MapRuns(), true
		}
		r.mu.Unlock()
	}
	if !held {
		x, err := e.replayed(ctx, ex)
		if err != nil {
			return nil, err
		}
		infos = x.MapRuns()
	}
	runs := make([]MapRun, len(infos))
	for i, info := range infos {
		runs[i] = MapRun{MapRunInfo: info, ExecutionARN: ex.ARN, StateMachineARN: ex.StateMachineARN}
	}
	return runs, nil
}

// replayed rebuilds ex's interpreter from its journal.
func (e *Engine) replayed(ctx context.Context, ex store.Execution) (*interp.Execution, error) {
	sm, err := e.deps.Store.GetStateMachine(ctx, ex.StateMachineARN)
	if err != nil { // deleted: the execution keeps its snapshot
		sm = store.StateMachine{ARN: ex.StateMachineARN, Name: nameOf(ex.StateMachineARN)}
	}
	def, err := asl.Parse([]byte(ex.Definition))
	if err != nil {
		return nil, fmt.Errorf("definition: %w", err)
	}
	in, err := value.ParseString(ex.Input)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	entries, err := e.deps.Store.Journal(ctx, ex.ARN)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	journal := make([]interp.Input, len(entries))
	for i, b := range entries {
		if journal[i], err = interp.UnmarshalInput(b); err != nil {
			return nil, err
		}
	}
	x := interp.New(def, interpInfo(ex, sm, in))
	interp.Replay(x, journal)
	return x, nil
}

// DescribeMapRun finds a Map Run by its ARN,
// arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>, among
// the executions of its state machine.
func (e *Engine) DescribeMapRun(ctx context.Context, arn string) (MapRun, error) {
	prefix, rest, ok := strings.Cut(arn, ":mapRun:")
	machine, _, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return MapRun{}, fmt.Errorf("%w: %s", ErrMapRunNotFound, arn)
	}
	f := store.ExecutionFilter{StateMachineARN: prefix + ":stateMachine:" + machine}
	page := store.Page{Limit: 1000}
	for {
		list, next, err := e.deps.Store.ListExecutions(ctx, f, page)
		if err != nil {
			return MapRun{}, err
		}
		for _, ex := range list {
			if !e.startedMapRun(ctx, ex.ARN, arn) {
				continue
			}
			runs, err := e.MapRunsOf(ctx, ex.ARN)
			if err != nil {
				return MapRun{}, err
			}
			for _, r := range runs {
				if r.ARN == arn {
					return r, nil
				}
			}
		}
		if next == "" {
			return MapRun{}, fmt.Errorf("%w: %s", ErrMapRunNotFound, arn)
		}
		page.After = next
	}
}

// mapRunPage cuts runs to a page: token is the index to start at.
func mapRunPage(runs []MapRun, token string, limit int) ([]MapRun, string, error) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(runs) {
			return nil, "", fmt.Errorf("%w: %q", ErrBadPageToken, token)
		}
		start = n
	}
	if limit <= 0 {
		limit = 100
	}
	end := min(start+limit, len(runs))
	next := ""
	if end < len(runs) {
		next = strconv.Itoa(end)
	}
	return runs[start:end], next, nil
}

// ListMapRuns returns a page of an execution's Map Runs.
func (e *Engine) ListMapRuns(ctx context.Context, executionARN, token string, limit int) ([]MapRun, string, error) {
	runs, err := e.MapRunsOf(ctx, executionARN)
	if err != nil {
		return nil, "", err
	}
	return mapRunPage(runs, token, limit)
}

// startedMapRun reports whether the history of execution holds the
// MapRunStarted of arn: a cheap look before a replay.
func (e *Engine) startedMapRun(ctx context.Context, execution, arn string) bool {
	events, err := e.deps.Store.History(ctx, execution, 0, 0, false)
	if err != nil {
		return false
	}
	quoted := []byte(strconv.Quote(arn))
	for _, ev := range events {
		if bytes.Contains(ev.JSON, quoted) && bytes.Contains(ev.JSON, []byte(`"MapRunStarted"`)) {
			return true
		}
	}
	return false
}
