package postgres_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/postgres"
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
	for _, w := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) { benchCommitSteps(b, w) })
	}
}

func benchCommitSteps(b *testing.B, writers int) {
	ctx := b.Context()
	s, err := postgres.OpenWriters(ctx, pg.Database(b), writers)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A 10 KiB definition, so each step's update of the summary row is
	// measured beside a realistic row.
	definition := `{"Comment":"` + strings.Repeat("d", 10<<10) + `","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	var next atomic.Int64
	b.SetParallelism(max(1, benchConcurrency/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start, batches := time.Now(), postgres.Batches(s)
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
	b.ReportMetric(float64(b.N)/float64(postgres.Batches(s)-batches), "steps/tx")
}

// BenchmarkBaseline100Rows is what BenchmarkCommitSteps is measured
// against: the same event rows into the same table (made by the store's
// own migrations) on the same server, inserted by one goroutine, 100 rows
// per transaction, either as one pipelined batch of single-row INSERTs
// that also carries BEGIN ("batch") or with COPY ("copy"). One op is one
// row.
func BenchmarkBaseline100Rows(b *testing.B) {
	const perTx = 100
	bodies := make([][]byte, perTx)
	for i := range bodies {
		bodies[i] = benchEvent(int64(i + 1))
	}
	for _, mode := range []string{"batch", "copy"} {
		b.Run(mode, func(b *testing.B) {
			ctx := b.Context()
			s, cs := open(b)
			s.Close() // only its schema is wanted
			conn, err := pgx.Connect(ctx, cs)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close(ctx)
			rows := make([][]any, perTx)
			b.ResetTimer()
			start := time.Now()
			n := 0
			for tx := int64(1); n < b.N; tx++ {
				switch mode {
				case "batch":
					batch := &pgx.Batch{}
					batch.BeginTx(pgx.TxOptions{})
					for i, body := range bodies {
						batch.Queue(`INSERT INTO execution_events (execution_id, id, body) VALUES ($1, $2, $3)`, tx, int64(i+1), body)
					}
					br := conn.SendBatch(ctx, batch)
					if err := br.Close(); err != nil {
						b.Fatal(err)
					}
					if err := br.Tx().Commit(ctx); err != nil {
						b.Fatal(err)
					}
				case "copy":
					for i, body := range bodies {
						rows[i] = []any{tx, int64(i + 1), body}
					}
					t, err := conn.Begin(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := t.CopyFrom(ctx, pgx.Identifier{"execution_events"}, []string{"execution_id", "id", "body"}, pgx.CopyFromRows(rows)); err != nil {
						b.Fatal(err)
					}
					if err := t.Commit(ctx); err != nil {
						b.Fatal(err)
					}
				}
				n += perTx
			}
			sec := time.Since(start).Seconds()
			b.ReportMetric(float64(n)/sec, "events/s")
			b.ReportMetric(float64(n)/benchEvents/sec, "steps/s")
		})
	}
}
