//go:build race

package jsonata

// raceEnabled lets the suite skip its few very large cases under the race
// detector, which slows them tenfold.
const raceEnabled = true
