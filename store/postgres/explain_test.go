package postgres_test

import (
	"encoding/json"
	"testing"

	"github.com/cairn-sfn/cairn/store/postgres"
)

// TestClaimReadsLittle: with 20,000 executions running on 10 live nodes,
// a claim reads a few index entries per owner and the rows it takes, not
// every running execution, whatever the planner's statistics say about
// the dead owner (here its executions come last and ANALYZE never saw
// it).
func TestClaimReadsLittle(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	pool := postgres.Pool(s)
	_, err := pool.Exec(ctx, `
		INSERT INTO executions (arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output, error,
			cause, trace_header, seed, start_date, stop_date, version, redrive_count, owner, fence)
		SELECT 'arn:' || i, 'sm', '', '', 'x' || i, CASE WHEN i % 5 = 0 THEN 'SUCCEEDED' ELSE 'RUNNING' END,
			'', '', '', '', '', 0, i, 0, 1, 0, 'node' || (i % 10), 1
		FROM generate_series(1, 25000) i;
		INSERT INTO execution_specs SELECT id, '{}', '{}' FROM executions;
		INSERT INTO cluster_nodes SELECT 'node' || i, (extract(epoch FROM clock_timestamp()) * 1e9)::bigint + 600e9
		FROM generate_series(0, 9) i;
		ANALYZE`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		setup  string
		claims int
	}{
		{"all live", ``, 0},
		{"a lapsed node", `UPDATE cluster_nodes SET lease_until = 0 WHERE node = 'node3'`, 16},
		{"the last executions held by an unknown node", `UPDATE executions SET owner = 'gone' WHERE id > 24900 AND status = 'RUNNING'`, 16},
	} {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.setup != "" {
			if _, err := tx.Exec(ctx, c.setup); err != nil {
				t.Fatal(err)
			}
		}
		var out []byte
		if err := tx.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+postgres.ClaimSQL, "me", 16).Scan(&out); err != nil {
			t.Fatal(err)
		}
		tx.Rollback(ctx)
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
			t.Fatalf("%s: %v %s", c.name, err, out)
		}
		if got := int(plans[0].Plan.ActualRows); got != c.claims {
			t.Errorf("%s: claimed %d, want %d", c.name, got, c.claims)
		}
		if read := plans[0].Plan.executionRows(); read > 200 {
			t.Errorf("%s: the claim read %.0f execution rows:\n%s", c.name, read, out)
		}
	}
}

type planNode struct {
	Relation    string     `json:"Relation Name"`
	ActualRows  float64    `json:"Actual Rows"`
	ActualLoops float64    `json:"Actual Loops"`
	Removed     float64    `json:"Rows Removed by Filter"`
	Plans       []planNode `json:"Plans"`
}

// executionRows sums the rows the scans of executions under n read.
func (n planNode) executionRows() float64 {
	sum := 0.0
	if n.Relation == "executions" {
		sum += (n.ActualRows + n.Removed) * n.ActualLoops
	}
	for _, c := range n.Plans {
		sum += c.executionRows()
	}
	return sum
}
