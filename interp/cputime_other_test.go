//go:build !unix

package interp_test

import "time"

// processCPU is not measured here; benchmarks then leave out the metric.
func processCPU() time.Duration { return 0 }
