package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cairn-sfn/cairn/store/postgres"
)

// The PostgreSQL ceiling: the shape of BenchmarkBaseline100Rows in
// store/postgres. Transactions of 100 ~300-byte event rows go into a
// scratch copy of the store's execution_events table (same columns, same
// primary key), made in the --store database and dropped afterwards, so
// the store's own rows are never touched. Each of COPY and a pipelined
// batch of single-row INSERTs (BEGIN queued with them, COMMIT after) runs
// with one writer and with conc writers, each on its own connection; the
// fastest of the four is the ceiling.

// pgCeilingModes are the two ways of writing a transaction's rows.
var pgCeilingModes = []string{"copy", "batch"}

func benchCeilingPostgres(ctx context.Context, connString string, conc int, d time.Duration) (benchResult, error) {
	// Open applies the store's migrations, so execution_events exists even
	// when no server ran on this database.
	s, err := postgres.Open(ctx, connString)
	if err != nil {
		return benchResult{}, err
	}
	if err := s.Close(); err != nil {
		return benchResult{}, err
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return benchResult{}, fmt.Errorf("ceiling: %w", err)
	}
	cfg.MaxConns = int32(conc)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return benchResult{}, fmt.Errorf("ceiling: %w", err)
	}
	defer pool.Close()
	var b [6]byte
	rand.Read(b[:])
	table := "cairn_bench_ceiling_" + hex.EncodeToString(b[:])
	if _, err := pool.Exec(ctx, `CREATE TABLE `+table+` (LIKE execution_events INCLUDING ALL)`); err != nil {
		return benchResult{}, fmt.Errorf("ceiling: create scratch table: %w", err)
	}
	defer pool.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+table)

	writers := []int{1}
	if conc > 1 {
		writers = append(writers, conc)
	}
	var runs []benchResult
	for _, w := range writers {
		for _, mode := range pgCeilingModes {
			// Every run starts from an empty table, so none pays for a
			// bigger index than another.
			if _, err := pool.Exec(ctx, `TRUNCATE `+table); err != nil {
				return benchResult{}, fmt.Errorf("ceiling: %w", err)
			}
			r, err := pgCeilingRun(ctx, pool, table, mode, w, d)
			if err != nil {
				return benchResult{}, fmt.Errorf("ceiling %s, %d writer(s): %w", mode, w, err)
			}
			runs = append(runs, r)
		}
	}
	best := 0
	for i, r := range runs {
		if r.PerSecond > runs[best].PerSecond {
			best = i
		}
	}
	r := runs[best]
	var others []string
	for i, o := range runs {
		if i != best {
			others = append(others, fmt.Sprintf("%s %.0f", o.Note, o.PerSecond))
		}
	}
	r.Note = fmt.Sprintf("PostgreSQL, %d-row transactions into a copy of execution_events, %s; latency per transaction; the fastest of %d runs (rows/s of the others: %s)",
		ceilingPerTx, r.Note, len(runs), strings.Join(others, ", "))
	return r, nil
}

// pgCeilingRun writes 100-row transactions in mode ("copy" or "batch")
// from writers goroutines for d. Its Note names the mode and writers.
func pgCeilingRun(ctx context.Context, pool *pgxpool.Pool, table, mode string, writers int, d time.Duration) (benchResult, error) {
	bodies := make([][]byte, ceilingPerTx)
	for i := range bodies {
		bodies[i] = []byte(ceilingEvent(i + 1))
	}
	insert := `INSERT INTO ` + table + ` (execution_id, id, body) VALUES ($1, $2, $3)`
	var txID atomic.Int64
	l := drive(ctx, writers, d, func(ctx context.Context, _ int) error {
		id := txID.Add(1)
		if mode == "batch" {
			batch := &pgx.Batch{}
			batch.BeginTx(pgx.TxOptions{})
			for i, body := range bodies {
				batch.Queue(insert, id, int64(i+1), body)
			}
			br := pool.SendBatch(ctx, batch)
			tx := br.Tx()
			if err := br.Close(); err != nil {
				tx.Rollback(ctx)
				return err
			}
			return tx.Commit(ctx)
		}
		rows := make([][]any, len(bodies))
		for i, body := range bodies {
			rows[i] = []any{id, int64(i + 1), body}
		}
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, []string{"execution_id", "id", "body"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	r := benchResult{Workload: "ceiling", Concurrency: writers, Unit: "rows"}
	l.fill(&r)
	if err := errorIfNone(r, l); err != nil {
		return r, err
	}
	r.Ops *= ceilingPerTx
	r.PerSecond *= ceilingPerTx
	r.CPUMicrosPerOp /= ceilingPerTx
	r.Note = fmt.Sprintf("%s by %s", mode, plural(writers, "writer"))
	return r, nil
}
