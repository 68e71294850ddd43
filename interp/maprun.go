package interp

import "time"

// MapRunInfo is a Distributed Map run as the interpreter sees it: what
// DescribeMapRun reports. Counts are of child executions (one per item, or
// per batch with an ItemBatcher).
type MapRunInfo struct {
	ARN         string
	Status      string // RUNNING, SUCCEEDED, FAILED or ABORTED
	Start, Stop time.Time
	// MaxConcurrency is 0 when unlimited; the tolerances are 0 when unset.
	MaxConcurrency             int
	ToleratedFailureCount      int
	ToleratedFailurePercentage float64
	Pending, Running           int64
	Succeeded, Failed, Aborted int64
	Total                      int64
}

// mapRun is a run's record; fan is its Map's fanout while the run runs.
type mapRun struct {
	info MapRunInfo
	fan  *fanout
}

// MapRuns returns the execution's Map Runs in the order they started. It
// only reads state, so replaying the journal gives an ended execution's.
func (x *Execution) MapRuns() []MapRunInfo {
	out := make([]MapRunInfo, len(x.mapRuns))
	for i, r := range x.mapRuns {
		out[i] = r.info
		if fan := r.fan; fan != nil {
			out[i].Total = int64(len(fan.items))
			out[i].Running = int64(len(fan.children))
			out[i].Pending = int64(len(fan.items) - fan.next)
		}
	}
	return out
}

// startMapRun records the run fan's Map starts now.
func (x *Execution) startMapRun(fan *fanout) {
	r := &mapRun{fan: fan, info: MapRunInfo{
		ARN: fan.runArn, Status: "RUNNING", Start: x.now, MaxConcurrency: fan.maxConc,
		ToleratedFailureCount: max(fan.tolerateN, 0), ToleratedFailurePercentage: fan.toleratePct,
	}}
	fan.run = r
	x.mapRuns = append(x.mapRuns, r)
}

// endMapRun records the end of fan's run, if it has one still running.
// Children not started count as aborted unless the run succeeded.
func (x *Execution) endMapRun(fan *fanout, status string) {
	if fan == nil || fan.run == nil || fan.run.fan == nil {
		return
	}
	r := fan.run
	r.info.Status, r.info.Stop, r.fan = status, x.now, nil
	r.info.Total = int64(len(fan.items))
	if status != "SUCCEEDED" {
		r.info.Aborted += int64(len(fan.items) - fan.next)
	}
}

// abortMapRuns ends the runs still running when the execution ends: their
// running and pending children count as aborted.
func (x *Execution) abortMapRuns() {
	for _, r := range x.mapRuns {
		if fan := r.fan; fan != nil {
			r.info.Aborted += int64(len(fan.children))
			x.endMapRun(fan, "ABORTED")
		}
	}
}
