package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/internal/conformance"
	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/value"
)

var (
	update = flag.Bool("update", false, "rewrite the conformance baselines in testdata/")
	// The memory store keeps the conformance run fast under -race, where
	// the transpiled SQLite is several times slower; the flag runs the
	// cases over SQLite as `cairn serve` does (the baselines hold for both).
	conformanceSQLite = flag.Bool("conformance.sqlite", false, "run the API conformance cases over SQLite instead of the memory store")
)

// conformanceWorkers is how many cases run at once; each case has its own
// server, so they do not share names.
const conformanceWorkers = 8

// TestConformanceJSONPathThroughAPI runs the pure JSONPath cases recorded
// from AWS through the HTTP API with the AWS SDK and fails when a case that
// passed before fails now. The goal is to score at least as well as
// `cairn run` (cmd/cairn's baselines): nothing lost on the way through HTTP.
func TestConformanceJSONPathThroughAPI(t *testing.T) {
	runConformanceAPI(t, "conformance_jsonpath.txt", conformance.PureJSONPath)
}

// TestConformanceJSONataThroughAPI runs the pure cases that use JSONata or
// variables.
func TestConformanceJSONataThroughAPI(t *testing.T) {
	runConformanceAPI(t, "conformance_jsonata.txt", conformance.PureJSONataOrAssign)
}

func runConformanceAPI(t *testing.T, baselineFile string, keep func(*conformance.Case) bool) {
	t.Parallel()
	path := conformance.DefaultPath()
	if path == "" {
		t.Skip("../shared/conformance/cases.jsonl not found: the AWS recordings are not beside this checkout")
	}
	cases, err := conformance.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cases = conformance.Filter(cases, func(c *conformance.Case) bool {
		return conformance.ExecutionKinds(c) && keep(c)
	})
	var losses lossLog
	rep := runConcurrently(t.Context(), cases, apiRunner(t.TempDir(), &losses), apiEnv())
	t.Logf("%s through the API: %s", baselineFile, rep.Summary())
	conformance.Verify(t, filepath.Join("testdata", baselineFile), rep, *update)
	for _, l := range losses.list {
		t.Errorf("the API's history differs from the engine's: %s", l)
	}
	// Whatever `cairn run` passes must pass through HTTP too.
	lost, err := conformance.CheckBaseline(filepath.Join("..", "cmd", "cairn", "testdata", baselineFile), rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lost {
		t.Errorf("passes through cairn run, fails through the API: %s", r)
	}
}

// runConcurrently splits cases among conformanceWorkers runs of
// conformance.Run and merges their reports, keeping the cases' order.
func runConcurrently(ctx context.Context, cases []conformance.Case, run conformance.Runner, env conformance.Env) *conformance.Report {
	parts := make([]*conformance.Report, conformanceWorkers)
	var wg sync.WaitGroup
	for w := range conformanceWorkers {
		var mine []conformance.Case
		for i := w; i < len(cases); i += conformanceWorkers {
			mine = append(mine, cases[i])
		}
		wg.Go(func() { parts[w] = conformance.Run(ctx, mine, run, env) })
	}
	wg.Wait()
	byID := make(map[string]conformance.Outcome, len(cases))
	for _, p := range parts {
		for _, o := range p.Cases {
			byID[o.ID] = o
		}
	}
	all := &conformance.Report{}
	for _, c := range cases {
		if o, ok := byID[c.ID]; ok {
			all.Cases = append(all.Cases, o)
		}
	}
	return all.Where(func(*conformance.Outcome) bool { return true }) // recounts
}

const (
	apiAccount = "123456789012"
	apiRegion  = "us-east-1"
	apiRole    = "arn:aws:iam::" + apiAccount + ":role/cairn"
)

func apiEnv() conformance.Env {
	return conformance.Env{Account: apiAccount, Region: apiRegion, RoleArn: apiRole}
}

// apiRunner runs each case on a server of its own (the recordings reuse a
// few names, which one server would refuse; a server starts in
// milliseconds), over the memory store or SQLite in a directory under dir,
// exactly as an SDK user would: CreateStateMachine,
// StartExecution, DescribeExecution until the execution ends, and
// GetExecutionHistory read as raw JSON.
//
// Each history is also checked against the events the engine stored: the
// API must hand them over whole, members AWS's recording lacks included.
// Differences go to losses.
func apiRunner(dir string, losses *lossLog) conformance.Runner {
	var seq sync.Mutex
	n := 0
	return func(ctx context.Context, c *conformance.Case) (*conformance.Result, error) {
		seq.Lock()
		n++
		dataDir := filepath.Join(dir, strconv.Itoa(n))
		seq.Unlock()
		// The one ABORTED case is LocalStack's test_stop_execution: it
		// starts a 60 s Wait and stops the execution. Its server waits for
		// real so that the stop finds the execution waiting; every other
		// case runs without waiting.
		stop := c.Expected.Status == "ABORTED"
		cfg := server.Config{Addr: "127.0.0.1:0", DataDir: dataDir, WaitScale: -1}
		if stop {
			cfg.WaitScale = 1
		}
		var deps server.Deps
		if !*conformanceSQLite {
			deps.Store = memory.New()
		}
		srv, err := server.New(cfg, deps)
		if err != nil {
			return nil, err
		}
		if err := srv.Start(ctx); err != nil {
			return nil, err
		}
		defer srv.Stop()
		cl := newAPIClient(srv.Addr())
		defer cl.close()
		res, arn, err := cl.runCase(ctx, c, stop)
		if err == nil && res.History != nil && (c.HistoryRequest == nil || c.HistoryRequest.IncludeExecutionData) {
			if d, err := historyLoss(ctx, srv, c, arn, res.History); err != nil {
				return nil, err
			} else if d != "" {
				losses.add(c.ID + ": " + d)
			}
		}
		return res, err
	}
}

// lossLog collects, from every worker, where the API's history differed
// from the engine's.
type lossLog struct {
	mu   sync.Mutex
	list []string
}

func (l *lossLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, s)
}

// historyLoss compares the events the API sent with those the engine
// stored for the case's execution and describes the first difference, or
// returns "".
func historyLoss(ctx context.Context, srv *server.Server, c *conformance.Case, arn string, apiEvents []byte) (string, error) {
	got, err := value.Parse(apiEvents)
	if err != nil {
		return "", fmt.Errorf("API history: %w", err)
	}
	reverse := c.HistoryRequest != nil && c.HistoryRequest.ReverseOrder
	stored, err := srv.Engine().History(ctx, arn, 0, 1<<20, reverse)
	if err != nil {
		return "", err
	}
	gotList, _ := got.([]any)
	if len(gotList) != len(stored) {
		return fmt.Sprintf("%d events through the API, %d stored", len(gotList), len(stored)), nil
	}
	for i, ev := range stored {
		want, err := value.Parse(ev.JSON)
		if err != nil {
			return "", fmt.Errorf("stored event %d: %w", ev.ID, err)
		}
		if !value.Equal(want, gotList[i]) {
			return fmt.Sprintf("event %d: stored %s, API sent %s", ev.ID, ev.JSON, value.Marshal(gotList[i])), nil
		}
	}
	return "", nil
}

// apiClient is an SDK client plus the raw HTTP client under it.
type apiClient struct {
	sdk       *sfn.Client
	http      *http.Client
	url       string
	transport *http.Transport
}

func newAPIClient(addr string) *apiClient {
	// Dial the server whatever the host, so the "sync-" host prefix SDKs
	// add for StartSyncExecution reaches it.
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	hc := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	return &apiClient{
		sdk: sfn.New(sfn.Options{
			Region:       apiRegion,
			Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
			BaseEndpoint: aws.String("http://" + addr),
			HTTPClient:   hc,
		}),
		http:      hc,
		url:       "http://" + addr,
		transport: transport,
	}
}

func (a *apiClient) close() { a.transport.CloseIdleConnections() }

// runCase runs one case and returns its result and execution ARN.
func (a *apiClient) runCase(ctx context.Context, c *conformance.Case, stop bool) (*conformance.Result, string, error) {
	def, err := c.DefinitionText()
	if err != nil {
		return nil, "", err
	}
	machine, execName := c.RecordedNames()
	typ := types.StateMachineType(c.StateMachineType)
	if typ == "" {
		typ = types.StateMachineTypeStandard
	}
	created, err := a.sdk.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(machine), Definition: aws.String(def), Type: typ, RoleArn: aws.String(apiRole),
	})
	if err != nil {
		return nil, "", fmt.Errorf("CreateStateMachine: %w", err)
	}
	var name *string
	if execName != "" {
		name = aws.String(execName)
	}
	input := aws.String(c.InputText())
	if c.StartAPI == "StartSyncExecution" || typ == types.StateMachineTypeExpress {
		out, err := a.sdk.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: created.StateMachineArn, Name: name, Input: input})
		if err != nil {
			return nil, "", fmt.Errorf("StartSyncExecution: %w", err)
		}
		res := &conformance.Result{Status: string(out.Status), Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause)}
		if out.Output != nil {
			res.Output = []byte(*out.Output)
		}
		return res, aws.ToString(out.ExecutionArn), nil
	}
	started, err := a.sdk.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn, Name: name, Input: input})
	if err != nil {
		return nil, "", fmt.Errorf("StartExecution: %w", err)
	}
	arn := aws.ToString(started.ExecutionArn)
	if stop {
		if err := a.stopWhenWaiting(ctx, arn); err != nil {
			return nil, "", err
		}
	}
	// An INCOMPLETE_HISTORY case was still running when AWS was asked:
	// give ours a moment, then take it as it is.
	patience := 20 * time.Second
	if c.Expected.Status == "INCOMPLETE_HISTORY" {
		patience = 200 * time.Millisecond
	}
	desc, err := a.awaitEnd(ctx, arn, patience)
	if err != nil {
		return nil, "", err
	}
	res := &conformance.Result{Status: string(desc.Status), Error: aws.ToString(desc.Error), Cause: aws.ToString(desc.Cause)}
	if desc.Output != nil {
		res.Output = []byte(*desc.Output)
	}
	include, reverse := true, false
	if c.HistoryRequest != nil {
		include, reverse = c.HistoryRequest.IncludeExecutionData, c.HistoryRequest.ReverseOrder
	}
	res.History, err = a.history(ctx, arn, include, reverse)
	if err != nil {
		return nil, "", err
	}
	return res, arn, nil
}

// awaitEnd polls DescribeExecution until the execution leaves RUNNING, or
// patience runs out (then it answers with the RUNNING description).
func (a *apiClient) awaitEnd(ctx context.Context, arn string, patience time.Duration) (*sfn.DescribeExecutionOutput, error) {
	deadline := time.Now().Add(patience)
	for delay := time.Millisecond; ; delay = min(2*delay, 20*time.Millisecond) {
		desc, err := a.sdk.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			return nil, fmt.Errorf("DescribeExecution: %w", err)
		}
		if desc.Status != types.ExecutionStatusRunning || time.Now().After(deadline) {
			return desc, nil
		}
		if err := pause(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// stopWhenWaiting stops an execution once its history shows it entered a
// Wait state, as test_stop_execution did on AWS.
func (a *apiClient) stopWhenWaiting(ctx context.Context, arn string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := a.sdk.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("GetExecutionHistory: %w", err)
		}
		if n := len(out.Events); n > 0 && out.Events[n-1].Type == types.HistoryEventTypeWaitStateEntered {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the execution never entered its Wait state")
		}
		if err := pause(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
	_, err := a.sdk.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("StopExecution: %w", err)
	}
	return nil
}

func pause(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// history reads every page of GetExecutionHistory with a raw POST, so that
// the events are exactly the JSON the server sent (the SDK's typed
// decoding would drop members it does not know), and returns them as one
// JSON array.
func (a *apiClient) history(ctx context.Context, arn string, include, reverse bool) ([]byte, error) {
	var events [][]byte
	token := ""
	for page := 0; ; page++ {
		if page > 100 {
			return nil, errors.New("GetExecutionHistory: more than 100 pages")
		}
		req := map[string]any{"executionArn": arn, "includeExecutionData": include, "reverseOrder": reverse}
		if token != "" {
			req["nextToken"] = token
		}
		body, err := a.call(ctx, "GetExecutionHistory", req)
		if err != nil {
			return nil, err
		}
		var out struct {
			Events    []json.RawMessage `json:"events"`
			NextToken string            `json:"nextToken"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			return nil, fmt.Errorf("GetExecutionHistory answer: %w", err)
		}
		for _, e := range out.Events {
			events = append(events, e)
		}
		if out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	// Joined by hand: json.Marshal would re-escape the members' text.
	return append(append([]byte("["), bytes.Join(events, []byte(","))...), ']'), nil
}

// call POSTs one action as the AWS JSON 1.0 protocol does and returns the
// answer's body; a non-200 answer is an error.
func (a *apiClient) call(ctx context.Context, action string, in any) ([]byte, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/", bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %s", action, resp.StatusCode, body)
	}
	return body, nil
}
