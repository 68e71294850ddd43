package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/jackc/pgx/v5"

	"github.com/cairn-sfn/cairn/store/postgres/pgtest"
)

// clusterDefinition waits, runs an activity task, waits in a Map and
// computes its output from the input and the worker's answer, so the
// output says every step ran once.
const clusterDefinition = `{"StartAt":"Nap","States":{
	"Nap":{"Type":"Wait","Seconds":20,"Next":"Work"},
	"Work":{"Type":"Task","Resource":"%s","ResultPath":"$.worked","Next":"Fan"},
	"Fan":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.items","ItemProcessor":{"StartAt":"W","States":{
		"W":{"Type":"Wait","Seconds":60,"Next":"D"},"D":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $)"},"End":true}}},
		"Next":"Done"},
	"Done":{"Type":"Pass","Parameters":{"n.$":"$.n","worked.$":"$.worked.by","items.$":"$.items[*].v"},"End":true}}}`

// TestClusterFailover runs three `cairn serve` processes on one PostgreSQL
// database, starts executions on all of them, and kills one with SIGKILL,
// then a second. An activity worker polls the survivor and answers through
// any live node. Every execution must end once, with the right output and
// a gap-free, duplicate-free history.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	pg, err := pgtest.Start(pgtest.Options{})
	if errors.Is(err, pgtest.ErrNotInstalled) {
		t.Skip(err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	db := pg.Database(t)

	type node struct {
		srv *serverProcess
		c   *sfn.Client
	}
	var nodes []*node
	for i := range 3 {
		srv := startServe(t, t.TempDir(), "--store", db, "--node", fmt.Sprint("n", i+1), "--lease", "1s")
		nodes = append(nodes, &node{srv: srv, c: sdkClient(t, srv.addr)})
	}
	var mu sync.Mutex
	alive := []*node{nodes[0], nodes[1], nodes[2]}
	anyAlive := func() *node {
		mu.Lock()
		defer mu.Unlock()
		return alive[rand.IntN(len(alive))]
	}
	defer func() {
		for _, n := range nodes {
			n.srv.kill()
		}
	}()

	ctx := t.Context()
	c := nodes[2].c
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("work")})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("failover"), Definition: aws.String(fmt.Sprintf(clusterDefinition, *act.ActivityArn)),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}

	// The worker polls the node that survives and answers through any.
	wctx, stopWorkers := context.WithCancel(ctx)
	var workers sync.WaitGroup
	defer workers.Wait()
	defer stopWorkers()
	poller := longPollClient(t, nodes[2].srv.addr)
	for range 4 {
		workers.Go(func() {
			for wctx.Err() == nil {
				task, err := poller.GetActivityTask(wctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w")})
				if err != nil || task.TaskToken == nil {
					continue
				}
				var in struct{ N int }
				json.Unmarshal([]byte(aws.ToString(task.Input)), &in)
				out := fmt.Sprintf(`{"by":%d}`, in.N*10)
				for try := 0; try < 50 && wctx.Err() == nil; try++ {
					_, err := anyAlive().c.SendTaskSuccess(wctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(out)})
					var gone *types.TaskDoesNotExist
					if err == nil || errors.As(err, &gone) { // gone: an earlier try went through before its node died
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}

	const total = 30
	var arns []string
	want := map[string]string{}
	for i := range total {
		out, err := nodes[i%3].c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn,
			Name: aws.String(fmt.Sprintf("e%02d", i)), Input: aws.String(fmt.Sprintf(`{"n":%d,"items":[%d,%d]}`, i, i, i+1))})
		if err != nil {
			t.Fatalf("start on n%d: %v", i%3+1, err)
		}
		arns = append(arns, *out.ExecutionArn)
		want[*out.ExecutionArn] = fmt.Sprintf(`{"n":%d,"worked":%d,"items":[%d,%d]}`, i, i*10, 2*i, 2*i+2)
	}
	kill := func(n *node) {
		mu.Lock()
		for i, a := range alive {
			if a == n {
				alive = append(alive[:i:i], alive[i+1:]...)
			}
		}
		mu.Unlock()
		n.srv.kill()
	}
	// Nap ends after 1s, the Map's waits 3s later (wait scale 0.05): the
	// first node dies with executions in their Nap or activity task, the
	// second while every execution waits in its Map.
	time.Sleep(1200 * time.Millisecond)
	kill(nodes[0])
	time.Sleep(1500 * time.Millisecond)
	kill(nodes[1])

	deadline := time.Now().Add(60 * time.Second)
	for _, arn := range arns {
		seen, n, ok := settledHistory(t, c, arn, want[arn], deadline)
		if !ok {
			continue
		}
		wantSeen := map[string]int{"ExecutionStarted": 1, "ExecutionSucceeded": 1, "ActivityScheduled": 1, "ActivityStarted": 1,
			"ActivitySucceeded": 1, "MapIterationSucceeded": 2, "WaitStateEntered": 3, "WaitStateExited": 3}
		for typ, n := range wantSeen {
			if seen[typ] != n {
				t.Errorf("%s: %d %s events, want %d (all: %v)", arn, seen[typ], typ, n, seen)
			}
		}
		if n != 27 {
			t.Errorf("%s: %d events, want 27", arn, n)
		}
	}
	// The killed nodes' executions were taken over, some twice.
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var moved, twice int
	if err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE fence > 1), count(*) FILTER (WHERE fence > 2) FROM executions`).Scan(&moved, &twice); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d executions changed node, %d of them twice", moved, total, twice)
	if moved < 2*total/3 {
		t.Errorf("only %d executions were taken over; the nodes that died held %d", moved, 2*total/3)
	}
}

// longPollClient is an SDK client whose requests may wait for
// GetActivityTask's long poll.
func longPollClient(t *testing.T, addr string) *sfn.Client {
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return sfn.New(sfn.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String("http://" + addr), HTTPClient: &http.Client{Transport: transport, Timeout: 70 * time.Second},
	})
}
