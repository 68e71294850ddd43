package interp_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// benchRun runs def on input b.N times and reports the cost per state
// transition (states entered), the unit AWS bills and the brief compares.
func benchRun(b *testing.B, def, input string) {
	sm := parse(b, def)
	in := info(input)
	in.Input = value.MustParse(input)
	// One run to count transitions.
	x := interp.New(sm, in)
	events := drive(b, x, identity)
	if x.Status() != interp.Succeeded {
		b.Fatalf("status %s: %s %s", x.Status(), x.Error(), x.Cause())
	}
	transitions := 0
	for _, e := range events {
		if strings.HasSuffix(e.Type, "StateEntered") {
			transitions++
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		x := interp.New(sm, in)
		drive(b, x, identity)
	}
	b.StopTimer()
	cpu = processCPU() - cpu
	runtime.ReadMemStats(&after)
	n := float64(b.N) * float64(transitions)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/1000, "µs/transition")
	if cpu > 0 {
		// CPU time of the whole process (GC included): steadier than wall
		// time when other work shares the machine.
		b.ReportMetric(float64(cpu.Nanoseconds())/n/1000, "cpu-µs/transition")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/transition")
}

func passChain(n int) string {
	var sb strings.Builder
	sb.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		if i == n-1 {
			fmt.Fprintf(&sb, `"S%d":{"Type":"Pass","End":true}`, i)
		} else {
			fmt.Fprintf(&sb, `"S%d":{"Type":"Pass","Next":"S%d"}`, i, i+1)
		}
	}
	sb.WriteString("}}")
	return sb.String()
}

func BenchmarkPass10(b *testing.B) { benchRun(b, passChain(10), `{}`) }

func BenchmarkPass10Input1KiB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < 1000; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"id":%d,"name":"item-%d","ok":true}`, i, i)
	}
	sb.WriteString("]}")
	benchRun(b, passChain(10), sb.String())
}

func BenchmarkChoiceLoop1000(b *testing.B) {
	benchRun(b, `{"StartAt":"Check","States":{
		"Check":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericGreaterThanEquals":1000,"Next":"Done"}],"Default":"Inc"},
		"Inc":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"Check"},
		"Done":{"Type":"Succeed"}}}`, `{"i":0}`)
}

func BenchmarkMap1000(b *testing.B) {
	items := make([]string, 1000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	benchRun(b, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
		`{"items":[`+strings.Join(items, ",")+`]}`)
}

func BenchmarkParallel10(b *testing.B) {
	branches := make([]string, 10)
	for i := range branches {
		branches[i] = fmt.Sprintf(`{"StartAt":"B%d","States":{"B%d":{"Type":"Pass","End":true}}}`, i, i)
	}
	benchRun(b, `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[`+strings.Join(branches, ",")+`],"End":true}}}`, `{"x":1}`)
}

func BenchmarkTask10(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"StartAt":"T0","States":{`)
	for i := 0; i < 10; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		next := fmt.Sprintf(`"Next":"T%d"`, i+1)
		if i == 9 {
			next = `"End":true`
		}
		fmt.Fprintf(&sb, `"T%d":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",%s}`, i, next)
	}
	sb.WriteString("}}")
	benchRun(b, sb.String(), `{"x":1}`)
}
