package memory_test

import (
	"testing"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Resources { return memory.New() })
}

func TestExecutions(t *testing.T) {
	storetest.RunExecutions(t, func(t *testing.T) store.Executions { return memory.New() })
}

func TestCluster(t *testing.T) {
	storetest.RunCluster(t, func(t *testing.T) interface {
		store.Executions
		store.Cluster
	} {
		return memory.New()
	})
}
