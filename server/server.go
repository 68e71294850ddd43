// Package server assembles a running Cairn: the store, the engine and the
// AWS Step Functions API on an HTTP listener. `cairn serve` and the tests
// use the same Server, so Cairn can be embedded in a Go program:
//
//	srv, err := server.New(server.Config{DataDir: "cairn-data"})
//	err = srv.Start(ctx)
//	defer srv.Stop()
//	fmt.Println(srv.URL())
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/console"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/metrics"
	"github.com/cairn-sfn/cairn/sigv4"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/tracing"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Config is what a server needs to know. The zero value serves on
// 127.0.0.1:8083 with SQLite in ./cairn-data.
type Config struct {
	// Addr is the listen address; default "127.0.0.1:8083" (Step Functions
	// Local's port). Use "127.0.0.1:0" for a random port.
	Addr string
	// DataDir holds the SQLite database; default "cairn-data". Ignored when
	// Store is given.
	DataDir string
	// Region and Account go into ARNs; defaults us-east-1 and 123456789012.
	Region  string
	Account string
	// WaitScale multiplies real waiting (Wait states, retry intervals,
	// timeouts); default 1. Negative: do not wait at all.
	WaitScale float64
	// Retention is how long ended executions are kept; 0 keeps them.
	Retention time.Duration
	// Store chooses the store when Deps.Store is nil: "" is SQLite in
	// DataDir; a postgres:// (or postgresql://) URL is that PostgreSQL
	// database (store/postgres), which several servers may share: each
	// execution is worked by one of them at a time (see engine/cluster.go).
	Store string
	// Node names this server among those sharing a PostgreSQL store;
	// default: the host name and a random suffix. Names must differ.
	Node string
	// LeaseTTL is how long a server's hold on an execution lasts unless
	// renewed: how soon the others take over from a server that died.
	// Default 15s.
	LeaseTTL time.Duration
	// Credentials are the access keys API requests must be SigV4-signed
	// with (see auth.go); empty: no authentication, any signature is
	// accepted. GET /metrics stays open either way.
	Credentials []sigv4.Credential
	// Tracing emits OpenTelemetry traces over OTLP/HTTP to the endpoint in
	// the standard OTEL_* environment (see package tracing).
	Tracing bool
}

// Deps are optional collaborators; zero values get defaults.
type Deps struct {
	Store   engine.Store   // nil: SQLite in Config.DataDir
	Invoker engine.Invoker // nil: tasks fail with States.Runtime
	Logger  *slog.Logger
	// SpanExporter, when not nil, turns tracing on and receives the spans
	// (exported as they end); tests use an in-memory one.
	SpanExporter sdktrace.SpanExporter
}

// Server is a running Cairn.
type Server struct {
	cfg    Config
	deps   Deps
	ownsDB bool
	engine *engine.Engine
	http   *http.Server
	ln     net.Listener
	done   chan struct{}
	// closing is cancelled when Stop begins, to end activity long polls.
	closing    context.Context
	endPolling context.CancelFunc
	metrics    *metrics.Metrics
	tracer     *tracing.Tracer // nil: tracing off
}

// New prepares a server; nothing runs until Start.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8083"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "cairn-data"
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkStoreURL(cfg.Store); err != nil {
		return nil, err
	}
	if err := checkCredentials(cfg.Credentials); err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, deps: deps}, nil
}

// Start opens the store, recovers unfinished executions and starts
// serving.
func (s *Server) Start(ctx context.Context) error {
	var cluster store.Cluster
	if s.deps.Store == nil {
		st, err := openStore(ctx, s.cfg)
		if err != nil {
			return err
		}
		s.deps.Store, s.ownsDB = st, true
		if cl, ok := st.(store.Cluster); ok && isPostgresURL(s.cfg.Store) {
			cluster = cl // a PostgreSQL store may be shared
		}
	}
	// Wrapped after the Cluster assertion; the wrapper forwards Cluster too.
	s.metrics = metrics.New()
	s.deps.Store = s.metrics.WrapStore(s.deps.Store)
	observer, err := s.startTracing(ctx)
	if err != nil {
		return err
	}
	defer s.dropTracingUnlessServing()
	eng, err := engine.New(engine.Config{Region: s.cfg.Region, Account: s.cfg.Account, WaitScale: s.cfg.WaitScale,
		Retention: s.cfg.Retention, Node: s.cfg.Node, LeaseTTL: s.cfg.LeaseTTL},
		engine.Deps{Store: s.deps.Store, Invoker: s.deps.Invoker, Logger: s.deps.Logger, Cluster: cluster, Observer: observer})
	if err != nil {
		return err
	}
	if err := eng.Start(ctx); err != nil {
		return err
	}
	s.engine = eng
	s.metrics.ActiveExecutions(eng.Active)
	s.closing, s.endPolling = context.WithCancel(context.Background())
	apiSrv, err := api.New(api.Config{Region: s.cfg.Region, AccountID: s.cfg.Account}, api.Deps{
		Store:         s.deps.Store,
		Validator:     Validate,
		Executions:    countedExecutions{executions{e: eng, closing: s.closing}, s.metrics},
		ActivityTasks: activityTasks{e: eng, closing: s.closing},
		MapRuns:       mapRuns{e: eng},
		StateTester:   stateTester(s.cfg, s.deps.Invoker),
	})
	if err != nil {
		s.endPolling()
		eng.Stop()
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.endPolling()
		eng.Stop()
		return fmt.Errorf("listen: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{Handler: console.Mount(s.authenticate(s.traced(s.handler(apiSrv)))), ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 2 * time.Minute} // no ReadTimeout: it would cut long polls
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.deps.Logger.Error("serve", "err", err)
		}
	}()
	s.deps.Logger.Info("cairn serving", "addr", ln.Addr().String(), "data", s.cfg.DataDir)
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the endpoint URL for AWS clients.
// Node returns the server's node name (meaningful with a shared store).
func (s *Server) Node() string { return s.engine.Node() }

func (s *Server) URL() string { return "http://" + s.Addr() }

// Engine returns the server's engine.
func (s *Server) Engine() *engine.Engine { return s.engine }

// Stop stops serving, lets in-flight requests finish and closes the store.
func (s *Server) Stop() error {
	if s.http == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.endPolling()
	err := s.http.Shutdown(ctx)
	<-s.done
	s.engine.Stop()
	if terr := s.stopTracing(ctx); err == nil {
		err = terr
	}
	if s.ownsDB {
		if cerr := s.deps.Store.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Validate checks a definition for the API, including the patterns
// Express state machines may not use.
func Validate(definition []byte, typ string) []api.Diagnostic {
	_, err := asl.ParseFor(definition, typ)
	var ve *asl.ValidationError
	if errors.As(err, &ve) {
		out := make([]api.Diagnostic, len(ve.Diagnostics))
		for i, d := range ve.Diagnostics {
			out[i] = api.Diagnostic{Code: d.Code, Location: d.Location, Message: d.Message}
		}
		return out
	}
	if err != nil {
		return []api.Diagnostic{{Code: asl.CodeSchema, Message: err.Error()}}
	}
	return nil
}
