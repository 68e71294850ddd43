package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

// The benchmarks users quote (bench/README.md says what each number
// means). Every loop is bounded by --duration and by maxBenchOps, and
// traffic goes only to the in-process server or to --endpoint.

// maxBenchOps caps the calls one workload makes, whatever the duration.
const maxBenchOps = 10_000_000

// benchWorkloads are the workloads in the order "all" runs them.
var benchWorkloads = []string{"express", "standard", "latency", "ceiling"}

// passMachine is a definition of n chained Pass states.
func passMachine(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"P1","States":{`)
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		if i == n {
			fmt.Fprintf(&b, `"P%d":{"Type":"Pass","Result":{"step":%d},"ResultPath":"$.last","End":true}`, i, i)
		} else {
			fmt.Fprintf(&b, `"P%d":{"Type":"Pass","Result":{"step":%d},"ResultPath":"$.last","Next":"P%d"}`, i, i, i+1)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

const (
	expressStates  = 3
	standardStates = 10
	benchInput     = `{"order":{"id":"o-1","items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}}`
)

// benchResult is one workload's figures; zero fields do not apply.
type benchResult struct {
	Workload    string  `json:"workload"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	// Ops counts executions (rows for the ceiling) that completed without
	// error within the run.
	Ops       int64   `json:"ops"`
	Unit      string  `json:"unit"`
	PerSecond float64 `json:"perSecond"`
	// TransitionsPerSecond counts state transitions (one per state run).
	TransitionsPerSecond float64 `json:"transitionsPerSecond,omitempty"`
	// EventsPerSecond counts history events written, from the history
	// length of a sampled execution.
	EventsPerSecond float64 `json:"eventsPerSecond,omitempty"`
	MeanMs          float64 `json:"meanMs,omitempty"`
	P50Ms           float64 `json:"p50Ms,omitempty"`
	P99Ms           float64 `json:"p99Ms,omitempty"`
	Errors          int64   `json:"errors"`
	// Listed is how many of the machine's executions ListExecutions
	// reports SUCCEEDED after a Standard run (it should equal Ops).
	Listed int64 `json:"listedSucceeded,omitempty"`
	// CPUMicrosPerOp is this process's CPU time (client and in-process
	// server together) per op: steadier than the rates on a busy machine.
	CPUMicrosPerOp float64 `json:"cpuMicrosPerOp,omitempty"`
	// Load1 is the machine's one-minute load average when the workload
	// started (Linux only): above the core count, others are competing.
	Load1 float64 `json:"load1,omitempty"`
	// PercentOfCeiling is the standard workload's events/s as a share of
	// the ceiling's rows/s, when both ran.
	PercentOfCeiling float64 `json:"percentOfCeiling,omitempty"`
	// Store is where the figures were written: "sqlite" or "postgres"
	// (empty for a server at --endpoint).
	Store string `json:"store,omitempty"`
	// Nodes is how many in-process servers shared the store and the
	// callers (zero for the ceiling and for --endpoint).
	Nodes int    `json:"nodes,omitempty"`
	Note  string `json:"note,omitempty"`
}

type benchOptions struct {
	endpoint    string
	store       string // "" for SQLite, or a postgres:// URL
	nodes       int
	workloads   []string
	concurrency int
	duration    time.Duration
	json        bool
	cpuProfile  string
}

func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchOptions
	var workload string
	fs.StringVar(&o.endpoint, "endpoint", "", "measure a running server at this `URL` instead of an in-process one")
	fs.StringVar(&o.store, "store", "", "in-process servers and the ceiling use this PostgreSQL database (a postgres:// `URL`) instead of SQLite in a temporary directory")
	fs.IntVar(&o.nodes, "nodes", 1, "how many in-process servers share the --store database; the callers are spread over them")
	fs.StringVar(&workload, "workload", "all", "`list` of workloads, comma-separated: express, standard, latency, ceiling or all")
	fs.IntVar(&o.concurrency, "concurrency", 64, "concurrent callers for express, standard and ceiling")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each workload runs")
	fs.BoolVar(&o.json, "json", false, "print the results as JSON")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (client and in-process server) to this `file`")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return 2
	}
	var err error
	if o.workloads, err = parseWorkloads(workload); err != nil {
		fmt.Fprintf(stderr, "cairn bench: %v\n", err)
		return 2
	}
	if o.concurrency < 1 || o.duration <= 0 {
		fmt.Fprintln(stderr, "cairn bench: --concurrency and --duration must be positive")
		return 2
	}
	if err := o.checkStore(); err != nil {
		fmt.Fprintf(stderr, "cairn bench: %v\n", err)
		return 2
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "cairn bench: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "cairn bench: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	results, err := runBench(context.Background(), o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "cairn bench: %v\n", err)
		return 1
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			fmt.Fprintf(stderr, "cairn bench: %v\n", err)
			return 1
		}
		return 0
	}
	printBench(stdout, results)
	return 0
}

// checkStore validates --store, --nodes and --endpoint together.
func (o benchOptions) checkStore() error {
	switch {
	case o.store != "" && !isPostgresURL(o.store):
		return errors.New("--store must be a postgres:// or postgresql:// URL")
	case o.nodes < 1:
		return errors.New("--nodes must be positive")
	case o.nodes > 1 && o.store == "":
		return errors.New("--nodes above 1 needs --store postgres://…: only a PostgreSQL store is shared")
	case o.endpoint != "" && (o.store != "" || o.nodes > 1):
		return errors.New("--store and --nodes configure in-process servers; --endpoint measures a running one")
	}
	return nil
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

func parseWorkloads(s string) ([]string, error) {
	var out []string
	for w := range strings.SplitSeq(s, ",") {
		w = strings.TrimSpace(w)
		switch {
		case w == "all":
			out = append(out, benchWorkloads...)
		case slices.Contains(benchWorkloads, w):
			out = append(out, w)
		default:
			return nil, fmt.Errorf("unknown workload %q (want %s or all)", w, strings.Join(benchWorkloads, ", "))
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	// Run in the documented order, whatever order was asked for.
	slices.SortFunc(out, func(a, b string) int { return slices.Index(benchWorkloads, a) - slices.Index(benchWorkloads, b) })
	return out, nil
}

// runBench runs the workloads one after another, so they do not compete
// for the machine, against one server.
func runBench(ctx context.Context, o benchOptions, progress io.Writer) ([]benchResult, error) {
	tmp, err := os.MkdirTemp("", "cairn-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	needServer := slices.ContainsFunc(o.workloads, func(w string) bool { return w != "ceiling" })
	// clients[i] calls node i; caller k of a workload uses clients[k%len].
	var clients []*sfn.Client
	if needServer {
		endpoints := []string{o.endpoint}
		if o.endpoint == "" {
			stop, urls, err := startNodes(ctx, o, tmp)
			defer stop()
			if err != nil {
				return nil, err
			}
			endpoints = urls
		}
		for _, endpoint := range endpoints {
			// Each node's client keeps an idle connection for each of
			// its callers.
			c, closeClient, err := benchClient(endpoint, (o.concurrency+len(endpoints)-1)/len(endpoints))
			if err != nil {
				return nil, err
			}
			defer closeClient()
			clients = append(clients, c)
		}
	}
	// A run id keeps machine names apart on a server that already has some.
	runID := time.Now().UTC().Format("20060102T150405")

	var results []benchResult
	for _, w := range o.workloads {
		fmt.Fprintf(progress, "cairn bench: %s for %s...\n", w, o.duration)
		var r benchResult
		var err error
		switch w {
		case "express":
			r, err = benchExpress(ctx, clients, runID, o.concurrency, o.duration)
		case "standard":
			r, err = benchStandard(ctx, clients, "bench-standard-"+runID, o.concurrency, o.duration)
		case "latency":
			r, err = benchStandard(ctx, clients, "bench-latency-"+runID, 1, o.duration)
			r.Workload = "latency"
		case "ceiling":
			if o.store != "" {
				r, err = benchCeilingPostgres(ctx, o.store, o.concurrency, o.duration)
			} else {
				r, err = benchCeiling(ctx, filepath.Join(tmp, "ceiling"), o.concurrency, o.duration)
			}
		}
		if err != nil {
			return results, fmt.Errorf("%s: %w", w, err)
		}
		switch {
		case w == "ceiling" && o.store != "":
			r.Store = "postgres"
		case w == "ceiling":
			r.Store = "sqlite"
		case o.endpoint != "":
		case o.store != "":
			r.Store, r.Nodes = "postgres", o.nodes
		default:
			r.Store, r.Nodes = "sqlite", 1
		}
		results = append(results, r)
	}
	relateToCeiling(results)
	return results, nil
}

// startNodes starts o.nodes in-process servers on the store and returns
// their URLs and a function that stops those started (also on error).
func startNodes(ctx context.Context, o benchOptions, tmp string) (stop func(), urls []string, err error) {
	var started []*server.Server
	stop = func() {
		for _, srv := range started {
			srv.Stop()
		}
	}
	for i := range o.nodes {
		cfg := server.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(tmp, fmt.Sprint("server-", i)), WaitScale: -1, Store: o.store}
		if o.store != "" {
			cfg.Node = fmt.Sprint("bench-", i)
		}
		srv, err := server.New(cfg, server.Deps{})
		if err != nil {
			return stop, nil, err
		}
		if err := srv.Start(ctx); err != nil {
			return stop, nil, fmt.Errorf("node %d: %w", i, err)
		}
		started = append(started, srv)
		urls = append(urls, srv.URL())
	}
	return stop, urls, nil
}

// relateToCeiling fills the standard workload's share of the ceiling.
func relateToCeiling(results []benchResult) {
	var std *benchResult
	var ceiling float64
	for i := range results {
		switch results[i].Workload {
		case "standard":
			std = &results[i]
		case "ceiling":
			ceiling = results[i].PerSecond
		}
	}
	if std != nil && ceiling > 0 {
		std.PercentOfCeiling = 100 * std.EventsPerSecond / ceiling
	}
}

// benchClient is an SDK client whose transport dials the endpoint whatever
// the host, so StartSyncExecution's "sync-" host prefix reaches it. It keeps
// one idle connection per caller and never retries, so errors are counted.
func benchClient(endpoint string, concurrency int) (*sfn.Client, func(), error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, nil, fmt.Errorf("endpoint %q is not a URL", endpoint)
	}
	if !isLoopback(u.Hostname()) {
		return nil, nil, fmt.Errorf("endpoint %q is not a loopback address: cairn bench only loads servers on this machine", endpoint)
	}
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		MaxIdleConns:        concurrency + 8,
		MaxIdleConnsPerHost: concurrency + 8,
		IdleConnTimeout:     time.Minute,
	}
	c := sfn.New(sfn.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   &http.Client{Transport: transport, Timeout: time.Minute},
		Retryer:      aws.NopRetryer{},
	})
	return c, transport.CloseIdleConnections, nil
}

func createMachine(ctx context.Context, c *sfn.Client, name, def string, typ types.StateMachineType) (string, error) {
	out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), Type: typ,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn-bench"),
	})
	if err != nil {
		return "", fmt.Errorf("create state machine %s: %w", name, err)
	}
	return aws.ToString(out.StateMachineArn), nil
}

// load is what drive measured.
type load struct {
	latencies []time.Duration // of the calls that succeeded
	errors    int64
	firstErr  error
	elapsed   time.Duration
	cpu       time.Duration // process CPU time used meanwhile
	load1     float64
}

// drive calls op from conc goroutines, numbered from 0, until d has passed
// (or maxBenchOps calls were made) and times each call.
func drive(ctx context.Context, conc int, d time.Duration, op func(ctx context.Context, caller int) error) load {
	ctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	var (
		calls atomic.Int64
		mu    sync.Mutex
		l     load
		wg    sync.WaitGroup
	)
	l.load1 = loadAverage()
	cpu0 := processCPU()
	start := time.Now()
	deadline := start.Add(d)
	for caller := range conc {
		wg.Go(func() {
			var lat []time.Duration
			var errs int64
			var first error
			for calls.Add(1) <= maxBenchOps {
				t0 := time.Now()
				if !t0.Before(deadline) {
					break
				}
				if err := op(ctx, caller); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			l.latencies = append(l.latencies, lat...)
			l.errors += errs
			if l.firstErr == nil {
				l.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	l.elapsed = time.Since(start)
	l.cpu = processCPU() - cpu0
	return l
}

// fill sets the rate and latency figures of r from l.
func (l load) fill(r *benchResult) {
	r.Seconds = l.elapsed.Seconds()
	r.Ops = int64(len(l.latencies))
	r.Errors = l.errors
	r.PerSecond = float64(r.Ops) / r.Seconds
	r.Load1 = l.load1
	if len(l.latencies) == 0 {
		return
	}
	r.CPUMicrosPerOp = float64(l.cpu.Microseconds()) / float64(r.Ops)
	slices.Sort(l.latencies)
	var sum time.Duration
	for _, d := range l.latencies {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.MeanMs = ms(sum / time.Duration(len(l.latencies)))
	r.P50Ms = ms(percentile(l.latencies, 50))
	r.P99Ms = ms(percentile(l.latencies, 99))
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(0, min(len(sorted)-1, rank-1))]
}

// benchExpress measures StartSyncExecution of a small Express machine.
func benchExpress(ctx context.Context, clients []*sfn.Client, runID string, conc int, d time.Duration) (benchResult, error) {
	arn, err := createMachine(ctx, clients[0], "bench-express-"+runID, passMachine(expressStates), types.StateMachineTypeExpress)
	if err != nil {
		return benchResult{}, err
	}
	l := drive(ctx, conc, d, func(ctx context.Context, caller int) error {
		out, err := clients[caller%len(clients)].StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(benchInput)})
		if err != nil {
			return err
		}
		if out.Status != types.SyncExecutionStatusSucceeded {
			return fmt.Errorf("express execution %s", out.Status)
		}
		return nil
	})
	r := benchResult{Workload: "express", Concurrency: conc, Unit: "executions"}
	l.fill(&r)
	r.TransitionsPerSecond = r.PerSecond * expressStates
	r.Note = fmt.Sprintf("StartSyncExecution, %d Pass states", expressStates)
	return r, errorIfNone(r, l)
}

// benchStandard measures StartExecution of a Standard machine of Pass
// states: the engine commits such an execution whole, SUCCEEDED, before
// StartExecution returns, so each call's latency is start to durable
// completion. A sample is checked with DescribeExecution and the
// SUCCEEDED executions are counted afterwards with ListExecutions.
func benchStandard(ctx context.Context, clients []*sfn.Client, name string, conc int, d time.Duration) (benchResult, error) {
	c := clients[0] // creates the machine and checks the results
	arn, err := createMachine(ctx, c, name, passMachine(standardStates), types.StateMachineTypeStandard)
	if err != nil {
		return benchResult{}, err
	}
	const samples = 16
	var (
		mu      sync.Mutex
		sampled []string
		started atomic.Int64
	)
	l := drive(ctx, conc, d, func(ctx context.Context, caller int) error {
		out, err := clients[caller%len(clients)].StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(benchInput)})
		if err != nil {
			return err
		}
		// Keep every 97th execution, up to the sample size.
		if n := started.Add(1); n%97 == 1 {
			mu.Lock()
			if len(sampled) < samples {
				sampled = append(sampled, aws.ToString(out.ExecutionArn))
			}
			mu.Unlock()
		}
		return nil
	})
	r := benchResult{Workload: "standard", Concurrency: conc, Unit: "executions"}
	l.fill(&r)
	if err := errorIfNone(r, l); err != nil {
		return r, err
	}
	events := 0
	for _, ex := range sampled {
		out, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(ex)})
		if err != nil {
			return r, fmt.Errorf("describe sampled execution: %w", err)
		}
		if out.Status != types.ExecutionStatusSucceeded {
			return r, fmt.Errorf("sampled execution %s is %s after StartExecution returned", ex, out.Status)
		}
	}
	if events, err = historyLength(ctx, c, sampled[0]); err != nil {
		return r, err
	}
	succeeded, err := countSucceeded(ctx, c, arn)
	if err != nil {
		return r, err
	}
	r.Listed = succeeded
	if succeeded != r.Ops {
		// Only calls that returned within the run are timed; the server
		// may have finished more (a call cut off by the client's timeout).
		r.Note = fmt.Sprintf("%d listed SUCCEEDED vs %d timed; ", succeeded, r.Ops)
	}
	r.TransitionsPerSecond = r.PerSecond * standardStates
	r.EventsPerSecond = r.PerSecond * float64(events)
	r.Note += fmt.Sprintf("%d Pass states, %d events each; %d/%d sampled SUCCEEDED at return; %d listed SUCCEEDED",
		standardStates, events, len(sampled), len(sampled), succeeded)
	return r, nil
}

func errorIfNone(r benchResult, l load) error {
	if r.Ops == 0 {
		if l.firstErr != nil {
			return fmt.Errorf("no call succeeded: %w", l.firstErr)
		}
		return errors.New("no call completed")
	}
	return nil
}

func historyLength(ctx context.Context, c *sfn.Client, arn string) (int, error) {
	n := 0
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("history: %w", err)
		}
		n += len(out.Events)
	}
	return n, nil
}

func countSucceeded(ctx context.Context, c *sfn.Client, machine string) (int64, error) {
	var n int64
	p := sfn.NewListExecutionsPaginator(c, &sfn.ListExecutionsInput{
		StateMachineArn: aws.String(machine), StatusFilter: types.ExecutionStatusSucceeded, MaxResults: 1000,
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("list executions: %w", err)
		}
		n += int64(len(out.Executions))
	}
	return n, nil
}

// Ceiling. The same shape as store/sqlite's BenchmarkCeiling100Rows: the
// store's own schema (made by sqlite.Open), the store's writer pragmas,
// ~300-byte event rows into execution_events, 100 rows per transaction in
// multi-row INSERTs of 20. It runs twice, with one writer goroutine and with
// conc goroutines sharing the one writer connection the store uses, and
// reports the faster.
const (
	ceilingPerTx     = 100
	ceilingPerInsert = 20
	// ceilingPragmas are the store's writer connection's (store/sqlite's
	// Open).
	ceilingPragmas = "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
)

// ceilingEvent is a ~300-byte history event.
func ceilingEvent(id int) string {
	s := fmt.Sprintf(`{"id":%d,"previousEventId":%d,"timestamp":"2026-01-01T00:00:00.000Z","type":"PassStateEntered","stateEnteredEventDetails":{"name":"Work","input":"`, id, id-1)
	return s + strings.Repeat("x", 300-len(s)-4) + `"}}`
}

func benchCeiling(ctx context.Context, dir string, conc int, d time.Duration) (benchResult, error) {
	one, err := ceilingRun(ctx, filepath.Join(dir, "one"), 1, d)
	if err != nil || conc == 1 {
		return one, err
	}
	many, err := ceilingRun(ctx, filepath.Join(dir, "many"), conc, d)
	if err != nil {
		return benchResult{}, err
	}
	best, other := one, many
	if many.PerSecond > one.PerSecond {
		best, other = many, one
	}
	best.Note += fmt.Sprintf("; the faster of two runs (the other, %d writer goroutine(s), made %.0f rows/s)", other.Concurrency, other.PerSecond)
	return best, nil
}

func ceilingRun(ctx context.Context, dir string, writers int, d time.Duration) (benchResult, error) {
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		return benchResult{}, err
	}
	if err := s.Close(); err != nil {
		return benchResult{}, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+ceilingPragmas)
	if err != nil {
		return benchResult{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ins, err := db.PrepareContext(ctx, `INSERT INTO execution_events (execution_id, id, body) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", ceilingPerInsert), ", "))
	if err != nil {
		return benchResult{}, err
	}
	defer ins.Close()
	bodies := make([]string, ceilingPerTx)
	for i := range bodies {
		bodies[i] = ceilingEvent(i + 1)
	}
	var txID atomic.Int64
	l := drive(ctx, writers, d, func(ctx context.Context, _ int) error {
		id := txID.Add(1)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st := tx.StmtContext(ctx, ins)
		args := make([]any, 0, 3*ceilingPerInsert)
		for i := 0; i < ceilingPerTx; i += ceilingPerInsert {
			args = args[:0]
			for k := range ceilingPerInsert {
				args = append(args, id, i+k+1, bodies[i+k])
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return tx.Commit()
	})
	r := benchResult{Workload: "ceiling", Concurrency: writers, Unit: "rows"}
	l.fill(&r)
	if err := errorIfNone(r, l); err != nil {
		return r, err
	}
	// One op was one transaction of 100 rows; latencies are per transaction.
	r.Ops *= ceilingPerTx
	r.PerSecond *= ceilingPerTx
	r.CPUMicrosPerOp /= ceilingPerTx
	who := "one writer"
	if writers > 1 {
		who = fmt.Sprintf("%d goroutines sharing the writer connection", writers)
	}
	r.Note = fmt.Sprintf("raw SQLite, %d-row transactions, %s; latency per transaction", ceilingPerTx, who)
	return r, nil
}

func printBench(w io.Writer, results []benchResult) {
	for _, r := range results {
		if r.Nodes == 1 {
			fmt.Fprintf(w, "store: %s, one in-process server\n", r.Store)
		} else if r.Nodes > 1 {
			fmt.Fprintf(w, "store: %s, %d in-process nodes sharing it, callers spread over them\n", r.Store, r.Nodes)
		}
		if r.Nodes > 0 {
			break
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tconc\tops\tops/s\ttransitions/s\tevents/s\tmean ms\tp50 ms\tp99 ms\terrors\tCPU µs/op\t% ceiling\tload\t")
	num := func(v float64, format string) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d %s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n", r.Workload, r.Concurrency, r.Ops, r.Unit,
			num(r.PerSecond, "%.0f"), num(r.TransitionsPerSecond, "%.0f"), num(r.EventsPerSecond, "%.0f"),
			num(r.MeanMs, "%.3f"), num(r.P50Ms, "%.3f"), num(r.P99Ms, "%.3f"), r.Errors, num(r.CPUMicrosPerOp, "%.1f"),
			num(r.PercentOfCeiling, "%.1f%%"), num(r.Load1, "%.2f"))
	}
	tw.Flush()
	for _, r := range results {
		if r.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", r.Workload, r.Note)
		}
	}
}

// plural is "1 node", "2 nodes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// loadAverage reads the one-minute load average; 0 where there is no
// /proc/loadavg.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return 0
	}
	return v
}

// isLoopback reports whether host is localhost or a loopback IP: the
// benchmark is a load test, and loads only this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
