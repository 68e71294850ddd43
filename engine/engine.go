package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
)

// Errors callers branch on; the api maps them to AWS's error names.
var (
	ErrStateMachineNotFound = errors.New("state machine does not exist")
	ErrExecutionNotFound    = errors.New("execution does not exist")
	ErrExecutionExists      = errors.New("execution already exists")
	ErrInvalidDefinition    = errors.New("invalid definition")
	ErrNotRunning           = errors.New("execution is not running")
	ErrStopped              = errors.New("engine stopped")
)

// Config holds the engine's settings. The zero value is usable.
type Config struct {
	Region  string // default us-east-1
	Account string // default 123456789012
	// WaitScale multiplies the real time Wait states, retry intervals and
	// timeouts take: 1 (the default when 0 is not meant) waits as written.
	// Use a negative value for "do not wait at all".
	WaitScale float64
	// Retention is how long ended executions are kept; 0 keeps them
	// forever.
	Retention time.Duration
	// Node names this engine among the nodes sharing a store (Deps.Cluster);
	// default: the host name and a random suffix.
	Node string
	// LeaseTTL is how long a node's hold on an execution lasts unless
	// renewed, so how soon the others take over from a node that died;
	// default 15s. Leases are renewed every third of it.
	LeaseTTL time.Duration
	// StopGrace bounds how long Stop waits for in-flight work; default 10s.
	StopGrace time.Duration
}

// Deps are the engine's collaborators.
type Deps struct {
	Store   Store
	Invoker Invoker      // nil: every task fails with States.Runtime
	Logger  *slog.Logger // nil: discard
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Seed returns a random seed for a new execution; nil means crypto/rand.
	Seed func() uint64
	// Cluster, when not nil, shares the work with the other engines using
	// the same store (see cluster.go); nil runs every execution here.
	Cluster store.Cluster
	// Observer, when not nil, is told of each committed step (observer.go).
	Observer Observer
}

// Store is the storage the engine needs.
type Store interface {
	store.Resources
	store.Executions
}

// Engine runs Standard executions durably and Express executions in
// memory.
type Engine struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	clock    func() time.Time
	timers   *alarmClock
	calls    *callbacks
	compiled compiledDefs

	mu       sync.Mutex
	active   map[string]*run      // running Standard executions by ARN
	watchers map[string][]watcher // child execution ARN -> parents waiting (.sync)
	stopped  bool
	wg       sync.WaitGroup
	ctx      context.Context
	cancel   context.CancelFunc
}

// New builds an engine; Start recovers unfinished executions and starts
// its timers.
func New(cfg Config, deps Deps) (*Engine, error) {
	if deps.Store == nil {
		return nil, errors.New("engine: a store is required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.WaitScale == 0 {
		cfg.WaitScale = 1
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 15 * time.Second
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 10 * time.Second
	}
	e := &Engine{cfg: cfg, deps: deps, active: map[string]*run{}, watchers: map[string][]watcher{}}
	e.log = deps.Logger
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.clock = deps.Clock
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.deps.Invoker == nil {
		e.deps.Invoker = Handlers(nil)
	}
	if e.deps.Seed == nil {
		e.deps.Seed = func() uint64 {
			var b [8]byte
			rand.Read(b[:])
			return binary.LittleEndian.Uint64(b[:])
		}
	}
	if e.cfg.Node == "" {
		e.cfg.Node = defaultNode(e.deps.Seed)
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.timers = newAlarmClock(e.clock, e.fireTimer)
	e.calls = newCallbacks()
	return e, nil
}

// Start recovers every unfinished execution from the store and starts the
// timer loop.
func (e *Engine) Start(ctx context.Context) error {
	if e.deps.Cluster != nil {
		return e.startCluster(ctx)
	}
	running, err := e.deps.Store.RunningExecutions(ctx)
	if err != nil {
		return fmt.Errorf("engine: list running executions: %w", err)
	}
	for _, ex := range running {
		if err := e.recover(ctx, ex, false); err != nil {
			e.log.Error("recover execution", "arn", ex.ARN, "err", err)
		}
	}
	e.startLoops()
	e.log.Info("engine started", "recovered", len(running))
	return nil
}

// startLoops starts the timer loop and the retention purge.
func (e *Engine) startLoops() {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.timers.loop(e.ctx)
	}()
	if e.cfg.Retention > 0 {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			e.purgeLoop()
		}()
	}
}

// Stop stops timers and task dispatch and waits for in-flight work. State
// already committed stays; a later Start resumes it. In a cluster the
// node's leases are handed back, so the other nodes take its executions
// over at once.
//
// Tasks are cancelled; one whose Invoker ignores cancellation is waited for
// at most StopGrace and then abandoned: its answer will not be applied, and
// the task runs again when the execution is resumed.
func (e *Engine) Stop() {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.cancel()
	done := make(chan struct{})
	go func() {
		e.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(e.cfg.StopGrace):
		e.log.Warn("stopped without waiting for tasks that ignore cancellation", "grace", e.cfg.StopGrace)
	}
	if e.deps.Cluster != nil {
		e.releaseLeases()
	}
}

func (e *Engine) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// goTracked runs fn in a goroutine Stop waits for, unless the engine is
// stopping (then fn does not run and it returns false).
func (e *Engine) goTracked(fn func()) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return false
	}
	e.wg.Add(1) // under mu, so it happens before Stop's Wait
	go func() {
		defer e.wg.Done()
		fn()
	}()
	return true
}

func (e *Engine) purgeLoop() {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if n, err := e.deps.Store.PurgeExecutions(e.ctx, e.clock().Add(-e.cfg.Retention)); err == nil && n > 0 {
			e.log.Info("purged executions", "count", n)
		}
		select {
		case <-e.ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// StartRequest asks for a new execution.
type StartRequest struct {
	// StateMachineARN may name the machine, one of its versions or an
	// alias.
	StateMachineARN string
	Name            string // "" for a generated UUID
	Input           string // JSON text; "" means {}
	TraceHeader     string
}

// target is what a start request resolved to.
type target struct {
	testCase   string // from "<arn>#<TestCase>"
	machine    store.StateMachine
	definition string
	versionARN string
	aliasARN   string
}

// resolve finds the machine, version or alias a start request names.
func (e *Engine) resolve(ctx context.Context, arn string) (target, error) {
	st := e.deps.Store
	arn, testCase, _ := strings.Cut(arn, "#")
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[5] != "stateMachine" {
		return target{}, fmt.Errorf("%w: %s", ErrStateMachineNotFound, arn)
	}
	base := strings.Join(parts[:7], ":")
	sm, err := st.GetStateMachine(ctx, base)
	if err != nil {
		return target{}, fmt.Errorf("%w: %s", ErrStateMachineNotFound, arn)
	}
	t := target{machine: sm, definition: sm.Definition, testCase: testCase}
	if len(parts) == 8 {
		q := parts[7]
		if q != "" && q[0] >= '0' && q[0] <= '9' {
			v, err := st.GetVersion(ctx, arn)
			if err != nil {
				return target{}, fmt.Errorf("%w: %s", ErrStateMachineNotFound, arn)
			}
			t.definition, t.versionARN = v.Definition, v.ARN
			t.machine.RoleARN = v.RoleARN
		} else {
			a, err := st.GetAlias(ctx, arn)
			if err != nil || len(a.Routes) == 0 {
				return target{}, fmt.Errorf("%w: %s", ErrStateMachineNotFound, arn)
			}
			route := a.Routes[0]
			if len(a.Routes) == 2 {
				// Weighted routing: draw against the first route's weight.
				if int32(e.deps.Seed()%100) >= a.Routes[0].Weight {
					route = a.Routes[1]
				}
			}
			v, err := st.GetVersion(ctx, route.VersionARN)
			if err != nil {
				return target{}, fmt.Errorf("%w: %s", ErrStateMachineNotFound, arn)
			}
			t.definition, t.versionARN, t.aliasARN = v.Definition, v.ARN, a.ARN
			t.machine.RoleARN = v.RoleARN
		}
	}
	return t, nil
}

func (e *Engine) executionARN(sm store.StateMachine, name string) string {
	kind := "execution"
	if sm.Type == "EXPRESS" {
		kind = "express"
	}
	prefix, _, _ := strings.Cut(sm.ARN, ":stateMachine:")
	return prefix + ":" + kind + ":" + sm.Name + ":" + name
}

func newUUID(seed func() uint64) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed())
	binary.LittleEndian.PutUint64(b[8:], seed())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// interpInfo describes an execution to the interpreter.
func interpInfo(ex store.Execution, sm store.StateMachine, in any) interp.Info {
	return interp.Info{
		ExecutionArn:     ex.ARN,
		Name:             ex.Name,
		StateMachineArn:  ex.StateMachineARN,
		StateMachineName: sm.Name,
		RoleArn:          ex.RoleARN,
		Input:            in,
		InputText:        ex.Input,
		Seed:             ex.Seed,
		// RedriveCount stays 0: the interpreter counts the redrives in
		// its journal, so a replay sees each state with the count it had.
		StateMachineAliasArn:   ex.AliasARN,
		StateMachineVersionArn: ex.VersionARN,
	}
}
