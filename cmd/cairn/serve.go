package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/tracing"
)

func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8083", "listen `address` (Step Functions Local's port by default); Prometheus metrics at GET /metrics there")
	fs.StringVar(&cfg.DataDir, "data-dir", "cairn-data", "`directory` of the embedded SQLite database (created if missing)")
	fs.StringVar(&cfg.Region, "region", "us-east-1", "region in ARNs")
	fs.StringVar(&cfg.Account, "account", "123456789012", "account id in ARNs")
	fs.Float64Var(&cfg.WaitScale, "wait-scale", 1, "scale real waiting for Wait states, retries and timeouts (0: do not wait)")
	fs.DurationVar(&cfg.Retention, "retention", 0, "delete ended executions older than this `duration` (0: keep them)")
	fs.StringVar(&cfg.Store, "store", "", "store `URL`: empty for SQLite in --data-dir, or postgres://user:password@host:5432/db")
	fs.StringVar(&cfg.Node, "node", "", "this server's `name` among those sharing a PostgreSQL store (default: host name and a random suffix)")
	fs.DurationVar(&cfg.LeaseTTL, "lease", 15*time.Second, "with a PostgreSQL store: how long a server's hold on an execution lasts unless renewed (how soon others take over from a dead server)")
	fs.BoolVar(&cfg.Tracing, "otel", tracing.Enabled(os.Getenv), "emit OpenTelemetry traces over OTLP/HTTP to $OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); on by default when that or OTEL_TRACES_EXPORTER=otlp is set")
	credentials := fs.String("credentials", os.Getenv("CAIRN_CREDENTIALS"), "`file` of the access keys API requests must be SigV4-signed with, one 'ACCESS_KEY_ID SECRET [SESSION_TOKEN]' a line (default $CAIRN_CREDENTIALS; none: no authentication)")
	tasks := addIntegrationFlags(fs)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil || fs.NArg() != 0 {
		return 2
	}
	if cfg.WaitScale == 0 {
		cfg.WaitScale = -1 // the engine's "do not wait"
	}
	if *credentials != "" {
		creds, err := server.LoadCredentials(*credentials)
		if err != nil {
			fmt.Fprintf(stderr, "cairn: %v\n", err)
			return 2
		}
		cfg.Credentials = creds
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	router, err := tasks.router(os.Getenv, cfg.Region)
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	srv, err := server.New(cfg, server.Deps{Logger: logger, Invoker: router})
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 1
	}
	where := cfg.DataDir
	if cfg.Store != "" {
		where = "PostgreSQL, node " + srv.Node()
	}
	fmt.Fprintf(stdout, "cairn serving the Step Functions API on %s (data in %s)\n", srv.URL(), where)
	<-ctx.Done()
	if err := srv.Stop(); err != nil {
		fmt.Fprintf(stderr, "cairn: stop: %v\n", err)
		return 1
	}
	return 0
}
