package server

import (
	"testing"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
)

// TestMetricsStoreKeepsCluster: the store the engine and API get is the
// metrics wrapper, and it still offers store.Cluster.
func TestMetricsStoreKeepsCluster(t *testing.T) {
	t.Parallel()
	mem := memory.New()
	srv, err := New(Config{Addr: "127.0.0.1:0", WaitScale: -1}, Deps{Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	if srv.deps.Store == mem {
		t.Fatal("the store is not wrapped")
	}
	if _, ok := srv.deps.Store.(store.Cluster); !ok {
		t.Error("the wrapped store hides store.Cluster")
	}
}

func TestIsExpressARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn  string
		want bool
	}{
		{"arn:aws:states:us-east-1:123456789012:express:m:n:0b1c", true},
		{"arn:aws:states:us-east-1:123456789012:execution:m:n", false},
		{"arn:aws:states:us-east-1:123456789012:execution:express:n", false}, // a machine named express
		{"express", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isExpressARN(tt.arn); got != tt.want {
			t.Errorf("isExpressARN(%q) = %v, want %v", tt.arn, got, tt.want)
		}
	}
}
