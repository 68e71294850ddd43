package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store/postgres/pgtest"
)

func TestParseWorkloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"all", benchWorkloads, false},
		{"ceiling,express", []string{"express", "ceiling"}, false},
		{"latency, latency", []string{"latency"}, false},
		{"standard,all", benchWorkloads, false},
		{"sync", nil, true},
		{"", nil, true},
	}
	for _, tt := range tests {
		got, err := parseWorkloads(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("parseWorkloads(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{d, 50, 100 * time.Millisecond},
		{d, 99, 198 * time.Millisecond},
		{d, 100, 200 * time.Millisecond},
		{d[:1], 99, time.Millisecond},
		{d[:3], 50, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("p%v of %d = %v, want %v", tt.p, len(tt.sorted), got, tt.want)
		}
	}
}

// TestBenchAllWorkloads runs every workload briefly against an in-process
// server and checks each produced plausible figures.
func TestBenchAllWorkloads(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := dispatch([]string{"bench", "--workload", "all", "--duration", "200ms", "--concurrency", "4", "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var results []benchResult
	if err := json.Unmarshal(out.Bytes(), &results); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	var got []string
	for _, r := range results {
		got = append(got, r.Workload)
		if r.Ops <= 0 || r.PerSecond <= 0 || r.Errors != 0 || r.P99Ms < r.P50Ms || r.P50Ms <= 0 {
			t.Errorf("%s: implausible figures %+v", r.Workload, r)
		}
		switch r.Workload {
		case "standard", "latency":
			if r.Listed != r.Ops || r.TransitionsPerSecond != 10*r.PerSecond || r.EventsPerSecond <= r.TransitionsPerSecond {
				t.Errorf("%s: listed %d of %d, %v transitions/s, %v events/s", r.Workload, r.Listed, r.Ops, r.TransitionsPerSecond, r.EventsPerSecond)
			}
		case "ceiling":
			if r.Ops%ceilingPerTx != 0 {
				t.Errorf("ceiling: %d rows is not whole transactions", r.Ops)
			}
		}
		if want := map[string]int{"latency": 1}[r.Workload]; want != 0 && r.Concurrency != want {
			t.Errorf("%s ran at concurrency %d", r.Workload, r.Concurrency)
		}
	}
	if !slices.Equal(got, benchWorkloads) {
		t.Fatalf("workloads %v, want %v", got, benchWorkloads)
	}
	if results[1].PercentOfCeiling <= 0 {
		t.Errorf("standard has no share of the ceiling: %+v", results[1])
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.3.4.5", true},
		{"::1", true},
		{"LocalHost", true},
		{"10.0.0.1", false},
		{"192.168.1.10", false},
		{"example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isLoopback(tt.host); got != tt.want {
			t.Errorf("isLoopback(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestBenchTable(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	printBench(&out, []benchResult{
		{Workload: "express", Concurrency: 64, Ops: 1000, Unit: "executions", PerSecond: 100, P50Ms: 1.5, P99Ms: 4, Note: "three Pass states", Store: "postgres", Nodes: 2},
		{Workload: "ceiling", Concurrency: 1, Ops: 500, Unit: "rows", PerSecond: 50, Store: "postgres"},
	})
	for _, want := range []string{"store: postgres, 2 in-process nodes", "workload", "express", "1000 executions", "1.500", "4.000", "500 rows", "express: three Pass states"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBenchFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bench", "--workload", "nope"},
		{"bench", "--concurrency", "0"},
		{"bench", "--duration", "-1s"},
		{"bench", "extra"},
		{"bench", "--endpoint", "http://10.0.0.1:8083", "--workload", "express"},
		{"bench", "--endpoint", "not a url", "--workload", "express"},
		{"bench", "--nodes", "2", "--workload", "standard"},
		{"bench", "--nodes", "0", "--store", "postgres://127.0.0.1:1/db"},
		{"bench", "--store", "sqlite:///tmp/x", "--workload", "ceiling"},
		{"bench", "--store", "postgres://127.0.0.1:1/db", "--endpoint", "http://127.0.0.1:8083"},
		{"bench", "--nodes", "2", "--endpoint", "http://127.0.0.1:8083"},
	} {
		var out, errOut bytes.Buffer
		if code := dispatch(args, &out, &errOut); code == 0 || out.Len() != 0 {
			t.Errorf("%v: exit %d, output %q; want a failure", args, code, out.String())
		}
	}
}

// TestBenchPostgres runs the standard workload briefly on one and on two
// nodes sharing a PostgreSQL database, and the PostgreSQL ceiling once.
func TestBenchPostgres(t *testing.T) {
	t.Parallel()
	pg, err := pgtest.Start(pgtest.Options{})
	if errors.Is(err, pgtest.ErrNotInstalled) {
		t.Skip(err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	for _, tc := range []struct {
		nodes     int
		workloads string
	}{
		{1, "standard,ceiling"},
		{2, "standard"},
	} {
		t.Run(fmt.Sprint(tc.nodes, "nodes"), func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			args := []string{"bench", "--store", pg.Database(t), "--nodes", fmt.Sprint(tc.nodes), "--workload", tc.workloads,
				"--duration", "300ms", "--concurrency", "4", "--json"}
			if code := dispatch(args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var results []benchResult
			if err := json.Unmarshal(out.Bytes(), &results); err != nil {
				t.Fatalf("decode %s: %v", out.String(), err)
			}
			var got []string
			for _, r := range results {
				got = append(got, r.Workload)
				if r.Ops <= 0 || r.Errors != 0 || r.Store != "postgres" {
					t.Errorf("%s: %+v", r.Workload, r)
				}
				switch r.Workload {
				case "standard":
					if r.Nodes != tc.nodes || r.Listed != r.Ops {
						t.Errorf("standard: %d nodes, listed %d of %d; want %d nodes", r.Nodes, r.Listed, r.Ops, tc.nodes)
					}
				case "ceiling":
					if r.Ops%ceilingPerTx != 0 || !strings.Contains(r.Note, "PostgreSQL") {
						t.Errorf("ceiling: %d rows, note %q", r.Ops, r.Note)
					}
				}
			}
			if want := strings.Split(tc.workloads, ","); !slices.Equal(got, want) {
				t.Fatalf("workloads %v, want %v", got, want)
			}
		})
	}
}
