package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/server"
)

// TestAWSCLI runs scripts/e2e-cli.sh, the commands a user types with the
// AWS CLI, against an in-process server over SQLite. Each command starts
// the CLI's Python anew, so this is the package's slowest test; -short
// skips it.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: the AWS CLI run takes about a minute (one Python start per command)")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH: install the AWS CLI (pip install awscli, or apt-get install awscli) to run the CLI end-to-end test")
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "e2e-cli.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// A short Wait state in the script should not hold the test up.
	srv, _ := start(t, t.TempDir(), server.Config{WaitScale: 0.1})
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script, srv.URL())
	// The CLI writes a cache under HOME; keep it in the test's directory.
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		t.Fatalf("e2e-cli.sh: %v\n%s", err, text)
	}
	if !strings.Contains(text, "all steps passed") {
		t.Fatalf("e2e-cli.sh ended without its closing line:\n%s", text)
	}
	t.Log(text[strings.LastIndex(text, "\n")+1:])
}
