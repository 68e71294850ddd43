package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cairn-sfn/cairn/server"
)

// scrape GETs /metrics and parses the text format.
func scrape(t *testing.T, srv *server.Server) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(srv.URL() + server.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample is one expected series: name{labels} = value (a histogram's
// sample count).
type sample struct {
	name   string
	labels string // "k=v,k=v", sorted by key as the exposition writes them
	want   float64
}

// lookup returns the value of name{labels}, or -1 when absent.
func lookup(fams map[string]*dto.MetricFamily, name, labels string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	for _, m := range f.GetMetric() {
		var kv []string
		for _, l := range m.GetLabel() {
			kv = append(kv, l.GetName()+"="+l.GetValue())
		}
		if strings.Join(kv, ",") != labels {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// expectMetrics scrapes until every sample has its value: counters move
// just after the response or commit that the test observes.
func expectMetrics(t *testing.T, srv *server.Server, want []sample) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fams := scrape(t, srv)
		var wrong []string
		for _, w := range want {
			if got := lookup(fams, w.name, w.labels); got != w.want {
				wrong = append(wrong, w.name+"{"+w.labels+"}")
				if time.Now().After(deadline) {
					t.Errorf("%s{%s} = %v, want %v", w.name, w.labels, got, w.want)
				}
			}
		}
		if len(wrong) == 0 || time.Now().After(deadline) {
			return fams
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const (
	passOnly = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"Next":"Done"},"Done":{"Type":"Succeed"}}}`
	failOnly = `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"on purpose"}}}`
	choose   = `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Y"}],"Default":"N"},
		"Y":{"Type":"Succeed"},"N":{"Type":"Fail","Error":"No"}}}`
)

func TestMetricsScrape(t *testing.T) {
	t.Parallel()
	srv, c := start(t, t.TempDir(), server.Config{WaitScale: -1})
	ctx := t.Context()
	std := create(t, c, "std", passOnly, types.StateMachineTypeStandard)
	failing := create(t, c, "std-fail", failOnly, types.StateMachineTypeStandard)
	exp := create(t, c, "exp", choose, types.StateMachineTypeExpress)

	var events float64
	for _, sm := range []string{std, failing} {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, c, *out.ExecutionArn)
		hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: out.ExecutionArn, MaxResults: 1000})
		if err != nil {
			t.Fatal(err)
		}
		events += float64(len(hist.Events))
	}
	// A failing request.
	_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(std + "-missing")})
	var missing *types.StateMachineDoesNotExist
	if !errorsAs(err, &missing) {
		t.Fatalf("start on a missing machine: %v", err)
	}
	for _, in := range []string{`{"ok":true}`, `{"ok":false}`, `{"ok":true}`} {
		if _, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(exp), Input: aws.String(in)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(exp), Input: aws.String(`{"ok":true}`)}); err != nil {
		t.Fatal(err)
	}

	fams := expectMetrics(t, srv, []sample{
		{"cairn_api_requests_total", "action=CreateStateMachine,outcome=OK", 3},
		{"cairn_api_requests_total", "action=StartExecution,outcome=OK", 3},
		{"cairn_api_requests_total", "action=StartExecution,outcome=StateMachineDoesNotExist", 1},
		{"cairn_api_requests_total", "action=StartSyncExecution,outcome=OK", 3},
		{"cairn_api_request_duration_seconds", "action=CreateStateMachine", 3},
		{"cairn_api_request_duration_seconds", "action=StartExecution", 4},
		{"cairn_executions_started_total", "type=STANDARD", 2},
		{"cairn_executions_started_total", "type=EXPRESS", 4},
		{"cairn_executions_ended_total", "status=SUCCEEDED,type=STANDARD", 1},
		{"cairn_executions_ended_total", "status=FAILED,type=STANDARD", 1},
		{"cairn_executions_ended_total", "status=SUCCEEDED,type=EXPRESS", 2},
		{"cairn_executions_ended_total", "status=FAILED,type=EXPRESS", 1},
		{"cairn_store_history_events_total", "", events},
		{"cairn_store_steps_refused_total", "reason=stale", 0},
		{"cairn_store_write_duration_seconds", "op=create_execution", 2},
		{"cairn_executions_active", "", 0},
	})
	if steps := lookup(fams, "cairn_store_steps_committed_total", ""); steps < 2 {
		t.Errorf("steps committed = %v, want at least one per execution", steps)
	}
	if g := lookup(fams, "go_goroutines", ""); g <= 0 {
		t.Errorf("go_goroutines = %v", g)
	}
	if fams["process_cpu_seconds_total"] == nil && fams["process_start_time_seconds"] == nil {
		t.Error("no process metrics")
	}
}

// TestMetricsBesideTheAPI: only GET /metrics is taken from the API, which
// still answers POST on every path; each server counts only its own.
func TestMetricsBesideTheAPI(t *testing.T) {
	t.Parallel()
	a, _ := start(t, t.TempDir(), server.Config{WaitScale: -1})
	b, _ := start(t, t.TempDir(), server.Config{WaitScale: -1})
	req, err := http.NewRequest(http.MethodPost, a.URL()+server.MetricsPath, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /metrics as the API: %s", resp.Status)
	}
	expectMetrics(t, a, []sample{{"cairn_api_requests_total", "action=ListStateMachines,outcome=OK", 1}})
	if got := lookup(scrape(t, b), "cairn_api_requests_total", "action=ListStateMachines,outcome=OK"); got != -1 {
		t.Errorf("the other server counted %v ListStateMachines, want no series", got)
	}
}
