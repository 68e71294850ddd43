package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

const (
	benchConcurrency = 64
	benchEvents      = 12 // per step
)

// benchEvent is a ~300-byte history event.
func benchEvent(id int64) []byte {
	s := fmt.Sprintf(`{"id":%d,"previousEventId":%d,"timestamp":"2026-01-01T00:00:00.000Z","type":"TaskStateEntered","stateEnteredEventDetails":{"name":"Work","input":"`, id, id-1)
	s += strings.Repeat("x", 300-len(s)-4) + `"}}`
	return []byte(s)
}

// BenchmarkCommitSteps commits steps of 12 ~300-byte events from 64
// goroutines, each advancing its own execution: one op is one step.
func BenchmarkCommitSteps(b *testing.B) {
	ctx := b.Context()
	s, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A 10 KiB definition, so each step's update of the summary row is
	// measured beside a realistic row.
	definition := `{"Comment":"` + strings.Repeat("d", 10<<10) + `","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	var next atomic.Int64
	b.SetParallelism(max(1, benchConcurrency/runtimeProcs()))
	b.ResetTimer()
	start, batches := time.Now(), sqlite.Batches(s)
	b.RunParallel(func(pb *testing.PB) {
		arn := fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:bench:e%d", next.Add(1))
		v, last := int64(0), int64(0)
		for pb.Next() {
			v++
			st := store.Step{ExecutionARN: arn, Version: v, Input: []byte(`{"type":"TaskSucceeded","output":{}}`)}
			for range benchEvents {
				last++
				st.Events = append(st.Events, store.Event{ID: last, JSON: benchEvent(last)})
			}
			if v == 1 {
				e := store.Execution{ARN: arn, StateMachineARN: "sm", Name: arn, Status: "RUNNING", StartDate: time.Now(), Definition: definition, Input: `{"n":1}`}
				if err := s.CreateExecution(ctx, e, st); err != nil {
					b.Error(err)
					return
				}
				continue
			}
			errs, err := s.CommitSteps(ctx, []store.Step{st})
			if err == nil {
				err = errs[0]
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	sec := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/sec, "steps/s")
	b.ReportMetric(float64(b.N*benchEvents)/sec, "events/s")
	b.ReportMetric(float64(b.N)/float64(sqlite.Batches(s)-batches), "steps/tx")
}

// BenchmarkCeiling100Rows is the raw SQLite ceiling to compare
// BenchmarkCommitSteps with: the same event rows into the same table (made
// by the store's own migrations) with the same pragmas, inserted by one
// goroutine with multi-row INSERTs, one transaction per 100 rows. One op is
// one row.
func BenchmarkCeiling100Rows(b *testing.B) {
	dir := b.TempDir()
	s, err := sqlite.Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	const perTx, perInsert = 100, 20
	ins, err := db.Prepare(`INSERT INTO execution_events (execution_id, id, body) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", perInsert), ", "))
	if err != nil {
		b.Fatal(err)
	}
	defer ins.Close()
	bodies := make([]string, perTx)
	for i := range bodies {
		bodies[i] = string(benchEvent(int64(i + 1)))
	}
	args := make([]any, 0, 3*perInsert)
	b.ResetTimer()
	start := time.Now()
	rows := 0
	for tx := int64(0); rows < b.N; tx++ {
		t, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		st := t.Stmt(ins)
		for i := 0; i < perTx; i += perInsert {
			args = args[:0]
			for k := range perInsert {
				args = append(args, tx, i+k, bodies[i+k])
			}
			if _, err := st.Exec(args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := t.Commit(); err != nil {
			b.Fatal(err)
		}
		rows += perTx
	}
	sec := time.Since(start).Seconds()
	b.ReportMetric(float64(rows)/sec, "events/s")
	b.ReportMetric(float64(rows)/benchEvents/sec, "steps/s")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
