package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLI runs `aws stepfunctions …` against a Cairn endpoint and decodes
// its JSON answer.
type awsCLI struct {
	t        *testing.T
	endpoint string
}

func (a awsCLI) run(args ...string) map[string]any {
	a.t.Helper()
	full := append([]string{"stepfunctions", "--endpoint-url", a.endpoint, "--region", "us-east-1", "--output", "json"}, args...)
	cmd := exec.Command("aws", full...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=cairn", "AWS_SECRET_ACCESS_KEY=cairn", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var m map[string]any
	if len(strings.TrimSpace(string(out))) > 0 {
		if err := json.Unmarshal(out, &m); err != nil {
			a.t.Fatalf("aws %s printed %q", strings.Join(args, " "), out)
		}
	}
	return m
}

// waitStatus polls describe-execution until the execution leaves RUNNING.
func (a awsCLI) waitStatus(arn string) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d := a.run("describe-execution", "--execution-arn", arn)
		if d["status"] != "RUNNING" {
			return d
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("%s still running", arn)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFile waits for a file a local Lambda function writes.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCLIActivityAndCallback drives activities and callbacks with the AWS
// CLI, and does both again across a kill -9 and restart while the
// executions are parked.
func TestCLIActivityAndCallback(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed (apt-get install awscli)")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	// A local Lambda function that hands the task token to the test by
	// writing its event to a file, as a real one would e-mail a link.
	functions := filepath.Join(dir, "functions.json")
	fn := map[string]any{"notify": map[string]any{"command": []string{"sh", "-c", `cat > "$TOKEN_DIR/$(date +%s%N).json"; echo '{}'`},
		"env": []string{"TOKEN_DIR=" + dir}}}
	b, _ := json.Marshal(fn)
	if err := os.WriteFile(functions, b, 0o644); err != nil {
		t.Fatal(err)
	}
	serve := func() *serverProcess { return startServe(t, data, "--lambda-functions", functions) }
	srv := serve()
	defer func() { srv.kill() }()
	cli := awsCLI{t: t, endpoint: "http://" + srv.addr}

	act := cli.run("create-activity", "--name", "approvals")["activityArn"].(string)
	worker := cli.run("create-state-machine", "--name", "worker-flow", "--role-arn", "arn:aws:iam::123456789012:role/cairn",
		"--definition", `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"`+act+`","End":true}}}`)["stateMachineArn"].(string)
	callback := cli.run("create-state-machine", "--name", "callback-flow", "--role-arn", "arn:aws:iam::123456789012:role/cairn",
		"--definition", `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"notify","Payload":{"token.$":"$$.Task.Token"}},"ResultPath":"$.approval","End":true}}}`)["stateMachineArn"].(string)

	tokenFiles := func() map[string]bool {
		m := map[string]bool{}
		entries, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, e := range entries {
			if filepath.Base(e) != "functions.json" {
				m[e] = true
			}
		}
		return m
	}
	// nextToken waits for a token file that was not there before.
	nextToken := func(seen map[string]bool) string {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			for f := range tokenFiles() {
				if !seen[f] {
					var ev struct{ Token string }
					if err := json.Unmarshal(waitFile(t, f), &ev); err == nil && ev.Token != "" {
						return ev.Token
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("no task token arrived")
		return ""
	}

	for _, restart := range []bool{false, true} {
		// An activity worker loop: poll, work, answer.
		exec1 := cli.run("start-execution", "--state-machine-arn", worker, "--input", `{"n":1}`)["executionArn"].(string)
		task := cli.run("get-activity-task", "--activity-arn", act, "--worker-name", "cli-worker")
		if task["input"] != `{"n":1}` {
			t.Fatalf("activity input %v", task["input"])
		}
		// A callback: the function received the token.
		seen := tokenFiles()
		exec2 := cli.run("start-execution", "--state-machine-arn", callback, "--input", `{"doc":"plan"}`)["executionArn"].(string)
		token := nextToken(seen)

		if restart {
			srv.kill()
			srv = serve()
			cli.endpoint = "http://" + srv.addr
		}
		cli.run("send-task-heartbeat", "--task-token", task["taskToken"].(string))
		cli.run("send-task-success", "--task-token", task["taskToken"].(string), "--task-output", `{"n":2}`)
		cli.run("send-task-success", "--task-token", token, "--task-output", `"approved"`)

		if d := cli.waitStatus(exec1); d["status"] != "SUCCEEDED" || d["output"] != `{"n":2}` {
			t.Fatalf("restart=%v: activity execution %v %v", restart, d["status"], d["output"])
		}
		if d := cli.waitStatus(exec2); d["status"] != "SUCCEEDED" || d["output"] != `{"doc":"plan","approval":"approved"}` {
			t.Fatalf("restart=%v: callback execution %v %v %v", restart, d["status"], d["output"], d["cause"])
		}
		hist := cli.run("get-execution-history", "--execution-arn", exec1)
		var types []string
		for _, e := range hist["events"].([]any) {
			types = append(types, e.(map[string]any)["type"].(string))
		}
		if got := strings.Join(types, " "); !strings.Contains(got, "ActivityScheduled ActivityStarted ActivitySucceeded") {
			t.Errorf("restart=%v: activity history %s", restart, got)
		}
	}
	t.Log("aws cli activity and callback scenario passed, with and without a restart")
}
