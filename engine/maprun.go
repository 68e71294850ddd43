package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// MapRun is a Distributed Map run as its execution's history shows it.
type MapRun struct {
	ARN, ExecutionARN, StateMachineARN string
	Status                             string // RUNNING, SUCCEEDED, FAILED or ABORTED
	StartDate, StopDate                time.Time
	// Total is the Map's item count from MapStateStarted (0 while an
	// ItemReader reads). Succeeded, Failed count items only once the run
	// ended: the history does not record distributed iterations.
	Total, Succeeded, Failed, Aborted, Running int64
}

// ErrMapRunNotFound: no execution has a Map Run with that ARN.
var ErrMapRunNotFound = errors.New("map run not found")

// ErrBadPageToken: a ListMapRuns token this engine did not hand out.
var ErrBadPageToken = errors.New("invalid pagination token")

// historyEvent is the part of a stored event the Map Run reader needs.
type historyEvent struct {
	Timestamp json.Number `json:"timestamp"`
	Type      string      `json:"type"`
	ID        int64       `json:"id"`
	Previous  int64       `json:"previousEventId"`
	Started   *struct {
		MapRunArn string `json:"mapRunArn"`
	} `json:"mapRunStartedEventDetails"`
	MapStarted *struct {
		Length int64 `json:"length"`
	} `json:"mapStateStartedEventDetails"`
}

func (h historyEvent) time() time.Time {
	f, err := h.Timestamp.Float64()
	if err != nil {
		return time.Time{}
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Round(time.Millisecond)
}

// MapRunsOf returns the Map Runs of an execution in the order they started.
func (e *Engine) MapRunsOf(ctx context.Context, executionARN string) ([]MapRun, error) {
	ex, err := e.DescribeExecution(ctx, executionARN)
	if err != nil {
		return nil, err
	}
	events, err := e.deps.Store.History(ctx, executionARN, 0, 0, false)
	if err != nil {
		return nil, err
	}
	var runs []MapRun
	lengths := map[int64]int64{} // MapStateStarted id -> length
	byStartID := map[int64]int{} // MapRunStarted id -> index in runs
	for _, raw := range events {
		var h historyEvent
		if err := json.Unmarshal(raw.JSON, &h); err != nil {
			return nil, fmt.Errorf("event %d of %s: %w", raw.ID, executionARN, err)
		}
		switch h.Type {
		case "MapStateStarted":
			if h.MapStarted != nil {
				lengths[h.ID] = h.MapStarted.Length
			}
		case "MapRunStarted":
			if h.Started == nil {
				continue
			}
			byStartID[h.ID] = len(runs)
			total := lengths[h.Previous]
			runs = append(runs, MapRun{
				ARN: h.Started.MapRunArn, ExecutionARN: ex.ARN, StateMachineARN: ex.StateMachineARN,
				Status: "RUNNING", StartDate: h.time(), Total: total, Running: total,
			})
		case "MapRunSucceeded", "MapRunFailed":
			i, ok := byStartID[h.Previous]
			if !ok { // not chained to its start: the latest open run
				i = -1
				for j := len(runs) - 1; j >= 0; j-- {
					if runs[j].Status == "RUNNING" {
						i = j
						break
					}
				}
				if i < 0 {
					continue
				}
			}
			r := &runs[i]
			r.StopDate, r.Running = h.time(), 0
			if h.Type == "MapRunSucceeded" {
				r.Status, r.Succeeded = "SUCCEEDED", r.Total
			} else {
				r.Status, r.Failed = "FAILED", r.Total
			}
		}
	}
	if ex.Status != "RUNNING" {
		for i := range runs {
			if runs[i].Status == "RUNNING" {
				runs[i].Status, runs[i].StopDate = "ABORTED", ex.StopDate
				runs[i].Aborted, runs[i].Running = runs[i].Total, 0
			}
		}
	}
	return runs, nil
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
