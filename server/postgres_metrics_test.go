package server_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/store/postgres"
	"github.com/cairn-sfn/cairn/store/postgres/pgtest"
)

// pg starts a throwaway PostgreSQL only when a test asks for a database,
// so the package's other tests pay nothing for it.
var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg, pgtest.Options{})) }

// TestMetricsOverPostgres: with a PostgreSQL store the engine still gets
// store.Cluster although its store is wrapped for metrics (the execution
// is leased to this node), and the wrapper counts what the engine writes.
func TestMetricsOverPostgres(t *testing.T) {
	t.Parallel()
	cs := pg.Database(t)
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Store: cs, DataDir: t.TempDir(), Node: "metrics-1"}, server.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	c := client(t, srv.Addr())
	ctx := t.Context()
	sm := create(t, c, "waits", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, types.StateMachineTypeStandard)
	run, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	expectMetrics(t, srv, []sample{
		{"cairn_executions_started_total", "type=STANDARD", 1},
		{"cairn_executions_active", "", 1},
	})

	st, err := postgres.Open(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ex, err := st.GetExecution(ctx, *run.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Lease.Node != "metrics-1" || ex.Lease.Fence < 1 {
		t.Errorf("lease %+v: want the execution held by metrics-1 (the engine runs without store.Cluster)", ex.Lease)
	}

	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: run.ExecutionArn}); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, *run.ExecutionArn)
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: run.ExecutionArn, MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	expectMetrics(t, srv, []sample{
		{"cairn_executions_ended_total", "status=ABORTED,type=STANDARD", 1},
		{"cairn_executions_active", "", 0},
		{"cairn_store_history_events_total", "", float64(len(hist.Events))},
		{"cairn_store_steps_refused_total", "reason=stale", 0},
		{"cairn_api_requests_total", "action=StopExecution,outcome=OK", 1},
	})
}
