//go:build !unix

package main

import "time"

// processCPU is not measured off unix; the CPU column stays empty.
func processCPU() time.Duration { return 0 }
