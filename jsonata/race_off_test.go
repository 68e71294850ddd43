//go:build !race

package jsonata

const raceEnabled = false
