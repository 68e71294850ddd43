package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		def    string
		args   []string
		code   int
		stdout string
	}{
		{"valid", `{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`, nil, 0, "OK\n"},
		{"every diagnostic", `{"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": true}}}`, nil, 1,
			"MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next\n" +
				"MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2\n"},
		{"schema", `{}`, nil, 1, "SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /\n"},
		{"express", `{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "End": true}}}`,
			[]string{"--type", "EXPRESS"}, 1,
			"SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/A/Resource\n"},
		{"standard allows .sync", `{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "End": true}}}`,
			[]string{"--type", "standard"}, 0, "OK\n"},
		{"bad type", `{}`, []string{"--type", "FAST"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "def.json")
			if err := os.WriteFile(file, []byte(tt.def), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"validate"}, tt.args...), file)
			code := dispatch(args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout\n%s\nwant\n%s", stdout.String(), tt.stdout)
			}
		})
	}
}

func TestValidateCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"validate"}, {"validate", filepath.Join(t.TempDir(), "missing.json")}} {
		var stdout, stderr bytes.Buffer
		if code := dispatch(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
		if stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), "cairn") && !strings.HasPrefix(stderr.String(), "usage") {
			t.Errorf("%v: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
}
