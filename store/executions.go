package store

import (
	"context"
	"errors"
	"time"
)

// ErrStaleVersion: a step was written against a version of the execution
// that is no longer current (another writer committed first). The writer
// must drop its in-memory state and reload.
var ErrStaleVersion = errors.New("stale execution version")

// Execution is the summary row of one Standard execution. The interpreter's
// full state is not stored: it is rebuilt by replaying the execution's
// journal (the inputs it was given), which is deterministic.
type Execution struct {
	ARN             string
	StateMachineARN string // the machine's ARN (never a version or alias ARN)
	VersionARN      string // set when started through a version or alias
	AliasARN        string // set when started through an alias
	Name            string
	Status          string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
	Definition      string // the definition the execution runs (a snapshot)
	RoleARN         string
	Input           string // as the caller sent it
	Output          string // when SUCCEEDED
	Error, Cause    string
	TraceHeader     string
	Seed            uint64 // the interpreter's random seed
	StartDate       time.Time
	StopDate        time.Time // zero while RUNNING
	// Version counts the steps committed; the first step has version 1.
	Version      int64
	RedriveCount int
	// Lease is the node working the execution, in stores that several
	// nodes share (see Cluster); zero elsewhere.
	Lease Lease
}

// Event is one history event as stored: its id and its JSON text, exactly
// as GetExecutionHistory returns it.
type Event struct {
	ID   int64
	JSON []byte
}

// Step is everything one interpreter step changes, committed atomically:
// the journal entry (the input), the new history events, and the new
// summary when the execution ended.
type Step struct {
	ExecutionARN string
	// Version is the version this step creates; the execution's current
	// version must be Version-1 or the step fails with ErrStaleVersion.
	Version int64
	// Fence, when not 0, must be the fence of the execution's current
	// lease (see Cluster) or the step fails with ErrStaleVersion.
	Fence  int64
	Input  []byte  // the encoded interpreter input (journal entry)
	Events []Event // new history events, ids increasing
	// When Status is not RUNNING the execution ended with these.
	Status       string
	Output       string
	Error, Cause string
	StopDate     time.Time
	// Redrive, when set, reopens the ended execution (RedriveExecution):
	// its status, output, error, cause and stop date become the step's
	// (RUNNING and empty, unless the step ends it again at once) and its
	// RedriveCount grows by one. In a store that several nodes share it is
	// leased to RedriveNode, with its fence bumped by one, when that is
	// not "".
	Redrive     bool
	RedriveNode string
}

// ExecutionFilter selects executions for ListExecutions.
type ExecutionFilter struct {
	StateMachineARN string // required
	VersionARN      string // optional: only those started through it
	AliasARN        string // optional
	Status          string // optional: RUNNING, SUCCEEDED, …
	// RedriveFilter, optional: REDRIVEN (only executions redriven at
	// least once) or NOT_REDRIVEN.
	RedriveFilter string
}

// Executions keeps Standard executions durably.
type Executions interface {
	// CreateExecution stores a new execution (Version 0) together with its
	// first step, atomically. ErrAlreadyExists if the ARN is taken.
	CreateExecution(ctx context.Context, e Execution, first Step) error
	// CommitSteps commits steps of any executions. A backend may commit
	// many callers' steps in one transaction (group commit); it returns
	// once the steps are durable. errs[i] is the outcome of steps[i]:
	// nil, ErrStaleVersion or ErrNotFound; a step that fails does not
	// prevent the others from committing.
	CommitSteps(ctx context.Context, steps []Step) (errs []error, err error)
	GetExecution(ctx context.Context, arn string) (Execution, error)
	// ListExecutions orders by start date, newest first; the cursor is
	// opaque.
	ListExecutions(ctx context.Context, f ExecutionFilter, p Page) ([]Execution, string, error)
	// History returns events with id > after, oldest first (newest first
	// when reverse, then with id < after unless after is 0), at most limit
	// (limit <= 0: all).
	History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]Event, error)
	// Journal returns the execution's inputs in commit order.
	Journal(ctx context.Context, arn string) ([][]byte, error)
	// RunningExecutions returns every execution whose status is RUNNING,
	// for recovery after a restart.
	RunningExecutions(ctx context.Context) ([]Execution, error)
	// PurgeExecutions deletes ended executions that stopped before t, with
	// their history and journal, and returns how many it deleted.
	PurgeExecutions(ctx context.Context, before time.Time) (int, error)
}
