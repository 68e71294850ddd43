package store

import (
	"context"
	"time"
)

// Lease says which node works a running execution. A node holds its
// executions as long as it renews its own node lease (RenewLease); once
// that lapses, others claim them, each claim bumping the execution's
// fence. Only the holder works an execution, and steps carry the fence, so
// a node that lost an execution (paused, partitioned, presumed dead)
// cannot write to it even when its versions still line up. Renewal costs
// one row per node, whatever the number of executions it holds: an
// execution may wait a year without costing a write.
type Lease struct {
	Node  string
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
// execution is created leased to its creator (Execution.Lease, fence 1);
// it stays with that node while the node renews its node lease, and is
// claimed by another once the lease lapses or the node releases it. Steps
// carry the fence (Step.Fence) and CommitSteps refuses a step whose fence
// is not the execution's current one with ErrStaleVersion. Lease expiry is
// judged by one clock (the database's), not by each node's.
type Cluster interface {
	// RenewLease extends node's lease to ttl from now, registering the node
	// if it is new. kept reports whether its previous lease was still
	// running: when it was not, other nodes may have claimed some of its
	// executions (HeldExecutions says which it still holds).
	RenewLease(ctx context.Context, node string, ttl time.Duration) (kept bool, err error)
	// HeldExecutions returns the fence of each RUNNING execution node
	// holds, by ARN.
	HeldExecutions(ctx context.Context, node string) (map[string]int64, error)
	// ClaimExecutions leases to node at most limit RUNNING executions that
	// no live node holds (released, or held by a node whose lease lapsed),
	// each with its fence bumped. Rows another node is claiming at the
	// same moment are skipped, not waited for (FOR UPDATE SKIP LOCKED). The
	// executions are returned with their new Lease.
	ClaimExecutions(ctx context.Context, node string, limit int) ([]Execution, error)
	// ReleaseLeases gives node's executions up at once so another node may
	// claim them: the given ones, or, when arns is nil, all of them, and
	// the node leaves (its lease ends). It wakes the other nodes
	// (SignalWork).
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
	// answered once), and the message goes to that task's execution
	// (m.ExecutionARN is ignored); otherwise Send fails with ErrNotFound
	// and queues nothing. It returns the task the token named (zero when
	// answers is false).
	Send(ctx context.Context, m Message, answers bool) (TaskRef, error)
	// Inbox returns, oldest first, the messages queued for the RUNNING
	// executions that node holds, or, when arn is not "", for that one
	// execution whoever holds it.
	Inbox(ctx context.Context, node, arn string) ([]Message, error)
	// DeleteMessages removes messages that were applied or dropped.
	DeleteMessages(ctx context.Context, ids []int64) error

	// Listen delivers signals addressed to any node until ctx ends. A
	// listener may miss signals (a dropped connection); nodes also poll.
	Listen(ctx context.Context) (<-chan Signal, error)
	// Sweep deletes tasks and messages of executions that are no longer
	// RUNNING (left behind by a node that died between a step and its
	// clean-up) and nodes whose lease lapsed long ago and that hold
	// nothing, and returns how many rows it deleted.
	Sweep(ctx context.Context) (int, error)
}
