package store

import (
	"context"
	"time"
)

// Lease is a node's hold on a running execution. Only the holder works the
// execution; Fence counts the takeovers, and a step carrying an older fence
// does not commit, so a node that lost its lease (paused, partitioned,
// presumed dead) cannot write even when its versions still line up.
type Lease struct {
	Node  string
	Until time.Time
	Fence int64
}

// TaskRef is a task waiting for an answer by its token (an activity task or
// a .waitForTaskToken callback), recorded in the store so that any node can
// route an answer to the node working the execution, and any node can hand
// an activity task to a worker.
type TaskRef struct {
	Token        string
	ExecutionARN string
	TaskID       int64
	Activity     string // the activity ARN for an activity task, else ""
	Input        string // an activity task's input (JSON text)
}

// Message is an interpreter input sent to an execution that another node
// may be working: SendTask* answers, activity hand-outs and Stop requests.
type Message struct {
	ID           int64 // assigned by the store; messages of an execution apply in ID order
	ExecutionARN string
	Input        []byte // interp.MarshalInput
	// Token, when set, must still name a task the execution waits for when
	// the message is applied; otherwise the message is dropped.
	Token string
}

// Signal is a wake-up from another node.
type Signal struct {
	Kind SignalKind
	// Arg is the node for SignalInbox, the activity ARN for SignalActivity.
	Arg string
}

// SignalKind says what a Signal is about.
type SignalKind int

const (
	// SignalWork: executions may be free to claim (a node released its
	// leases).
	SignalWork SignalKind = iota + 1
	// SignalInbox: messages were queued for executions Arg holds.
	SignalInbox
	// SignalActivity: a task of activity Arg is waiting for a worker.
	SignalActivity
)

// Cluster is implemented by stores that several Cairn nodes share
// (store/postgres, and store/memory for tests). Every method that changes
// something another node waits for also wakes it (see Listen).
//
// A running execution is worked by the node holding its lease. An
// execution is created leased to its creator (Execution.Lease); after that
// the lease is renewed by its holder or, once expired, claimed by another
// node, which bumps the fence. Steps carry the fence (Step.Fence) and
// CommitSteps refuses a step whose fence is not the execution's current
// one with ErrStaleVersion.
type Cluster interface {
	// ClaimExecutions leases to node at most limit RUNNING executions
	// whose lease ended before now, until until, each with its fence bumped.
	// Rows another node is claiming at the same moment are skipped, not
	// waited for (FOR UPDATE SKIP LOCKED). The executions are returned with
	// their new Lease.
	ClaimExecutions(ctx context.Context, node string, now, until time.Time, limit int) ([]Execution, error)
	// RenewLeases extends every lease node holds on a RUNNING execution to
	// until, and returns the fence of each by execution ARN.
	RenewLeases(ctx context.Context, node string, until time.Time) (map[string]int64, error)
	// ReleaseLeases ends node's leases at once so another node may claim
	// them: those on the given executions, or all of node's when arns is
	// nil. It wakes the other nodes (SignalWork).
	ReleaseLeases(ctx context.Context, node string, arns []string) error

	// PutTask records a task waiting on its token. A token already recorded
	// is left as it is (an activity task handed out before keeps that
	// state). An activity task wakes the activity's pollers
	// (SignalActivity).
	PutTask(ctx context.Context, t TaskRef) error
	// Task returns the task a token names, or ErrNotFound.
	Task(ctx context.Context, token string) (TaskRef, error)
	// DeleteTasks forgets tokens whose tasks ended.
	DeleteTasks(ctx context.Context, tokens []string) error
	// TakeActivityTask hands the oldest activity task not yet handed out
	// to a worker and marks it handed out, or returns ErrNotFound. Nodes
	// polling at once never take the same task.
	TakeActivityTask(ctx context.Context, activity string) (TaskRef, error)

	// Send queues a message for its execution and wakes the node holding
	// it (SignalInbox). When answers is set, m.Token must name a recorded
	// task, which is forgotten in the same transaction (a token is
	// answered once); otherwise Send fails with ErrNotFound and queues
	// nothing. It returns the task the token named (zero when answers is
	// false).
	Send(ctx context.Context, m Message, answers bool) (TaskRef, error)
	// Inbox returns the messages queued for executions that node holds, or
	// for the one execution arn when arn is not "", oldest first.
	Inbox(ctx context.Context, node, arn string) ([]Message, error)
	// DeleteMessages removes messages that were applied or dropped.
	DeleteMessages(ctx context.Context, ids []int64) error

	// Listen delivers signals addressed to any node until ctx ends. A
	// listener may miss signals (a dropped connection); nodes also poll.
	Listen(ctx context.Context) (<-chan Signal, error)
	// Sweep deletes tasks and messages of executions that are no longer
	// RUNNING (left behind by a node that died between a step and its
	// clean-up), and returns how many rows it deleted.
	Sweep(ctx context.Context) (int, error)
}
