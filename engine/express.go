package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/value"
)

// SyncResult is how a StartSyncExecution run ended.
type SyncResult struct {
	ExecutionARN    string
	StateMachineARN string
	Name            string
	Status          string // SUCCEEDED, FAILED or TIMED_OUT
	Input, Output   string
	Error, Cause    string
	StartDate       time.Time
	StopDate        time.Time
	TraceHeader     string
	Billed          time.Duration
}

// MaxExpressDuration is how long an Express execution may run.
const MaxExpressDuration = 5 * time.Minute

// StartSyncExecution runs an Express execution to its end in memory and
// returns how it ended. Nothing is persisted.
func (e *Engine) StartSyncExecution(ctx context.Context, req StartRequest) (SyncResult, error) {
	t, err := e.resolve(ctx, req.StateMachineARN)
	if err != nil {
		return SyncResult{}, err
	}
	if t.machine.Type != "EXPRESS" {
		return SyncResult{}, fmt.Errorf("%w: %s is not an EXPRESS state machine", ErrNotExpress, t.machine.ARN)
	}
	return e.runExpress(ctx, t, req, "")
}

// ErrNotExpress: StartSyncExecution on a Standard machine.
var ErrNotExpress = fmt.Errorf("state machine type not supported")

// runExpress runs an Express execution; arn "" gets a new one.
func (e *Engine) runExpress(ctx context.Context, t target, req StartRequest, arn string) (SyncResult, error) {
	sm, in, err := e.parseStart(t.definition, req.Input)
	if err != nil {
		return SyncResult{}, err
	}
	name := req.Name
	if name == "" {
		name = newUUID(e.deps.Seed)
	}
	input := req.Input
	if input == "" {
		input = "{}"
	}
	if arn == "" {
		arn = e.expressARN(t.machine, name)
	}
	ex := store.Execution{
		ARN: arn, StateMachineARN: t.machine.ARN,
		VersionARN: t.versionARN, AliasARN: t.aliasARN, Name: name, RoleARN: t.machine.RoleARN, Input: input, Seed: e.deps.Seed(),
	}
	scale := e.cfg.WaitScale
	if scale < 0 {
		scale = 0
	}
	ctx, cancel := context.WithTimeout(ctx, MaxExpressDuration)
	defer cancel()
	defer context.AfterFunc(e.ctx, cancel)() // Stop ends it too
	began := time.Now()
	start := e.clock().UTC().Truncate(time.Millisecond)
	res, err := Run(ctx, sm, RunOptions{Info: interpInfo(ex, t.machine, in), Start: start, WaitScale: scale, Invoker: e.deps.Invoker, TestCase: t.testCase})
	if err != nil {
		return SyncResult{}, err
	}
	out := SyncResult{
		ExecutionARN: ex.ARN, StateMachineARN: t.machine.ARN, Name: name, Status: res.Status, Input: input,
		Error: res.Error, Cause: res.Cause, StartDate: start, StopDate: res.Stop, TraceHeader: req.TraceHeader,
		Billed: time.Since(began),
	}
	if !res.Finished && e.ctx.Err() != nil {
		return SyncResult{}, ErrStopped
	}
	if !res.Finished {
		out.Status, out.Error, out.Cause = interp.TimedOut, "States.Timeout", "The execution ran longer than the Express limit"
		out.StopDate = e.clock().UTC()
	}
	if res.Status == interp.Succeeded {
		out.Output = value.String(res.Output)
	}
	return out, nil
}

// expressARN is an Express execution's ARN: its name and a UUID, as the
// same name may run more than once.
func (e *Engine) expressARN(sm store.StateMachine, name string) string {
	return e.executionARN(sm, name) + ":" + newUUID(e.deps.Seed)
}

// startExpressAsync starts an Express execution that runs in the
// background; like AWS, it keeps no history.
func (e *Engine) startExpressAsync(ctx context.Context, t target, req StartRequest) (store.Execution, error) {
	if _, _, err := e.parseStart(t.definition, req.Input); err != nil {
		return store.Execution{}, err
	}
	name := req.Name
	if name == "" {
		name = newUUID(e.deps.Seed)
		req.Name = name
	}
	ex := store.Execution{ARN: e.expressARN(t.machine, name), StateMachineARN: t.machine.ARN, Name: name, StartDate: e.clock().UTC(), Status: interp.Running}
	started := e.goTracked(func() {
		if _, err := e.runExpress(e.ctx, t, req, ex.ARN); err != nil {
			e.log.Warn("express execution", "arn", ex.ARN, "err", err)
		}
	})
	if !started {
		return store.Execution{}, ErrStopped
	}
	return ex, nil
}
