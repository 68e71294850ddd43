package teststate

import (
	"math"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// recorder is the interp.Inspector of one TestState run. It watches the
// state under test only, and only its first pass: a state that loops to
// itself is not followed.
type recorder struct {
	state *asl.State
	mock  *mock
	// retried is stateConfiguration.retrierRetryCount.
	retried int
	// failed is stateConfiguration.mapIterationFailureCount.
	failed int
	// readerItems is stateConfiguration.mapItemReaderData, decoded.
	readerItems any

	seen   [interp.StageAssigned + 1]bool
	values [interp.StageAssigned + 1]any

	routed  bool
	failure *asl.Failure
	route   interp.Route
	done    bool // the state left, failed, or waits to be retried
}

var _ interp.Inspector = (*recorder)(nil)

func (r *recorder) Inspect(s *asl.State, stage interp.Stage, v any) {
	if s != r.state || r.done || r.seen[stage] {
		return
	}
	r.seen[stage], r.values[stage] = true, v
	if stage == interp.StageNext {
		r.done = true
	}
}

// Fanout answers for the children of a mocked Parallel or Map: the mock's
// result is the state's result, its error the state's failure.
func (r *recorder) Fanout(s *asl.State, items []any) (any, *asl.Failure, bool) {
	if s != r.state || r.mock == nil {
		return nil, nil, false
	}
	if r.mock.failure != nil {
		return nil, r.mock.failure, true
	}
	if s.Type == asl.TypeMap && r.exceedsTolerance(items) {
		return nil, asl.Fail("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded"), true
	}
	return r.mock.result, nil, true
}

// exceedsTolerance applies mapIterationFailureCount. AWS counts it only
// against a tolerance the Map sets: without one, failures pass.
func (r *recorder) exceedsTolerance(items []any) bool {
	if r.failed <= 0 {
		return false
	}
	tolerated := false
	if r.seen[interp.StageToleratedFailureCount] {
		tolerated = true
		if n, ok := r.values[interp.StageToleratedFailureCount].(value.Number); ok {
			if c, _ := n.Int(); int64(r.failed) <= c {
				return false
			}
		}
	}
	if r.seen[interp.StageToleratedFailurePercentage] {
		tolerated = true
		if n, ok := r.values[interp.StageToleratedFailurePercentage].(value.Number); ok && len(items) > 0 {
			if float64(r.failed)*100/float64(len(items)) <= n.Float() {
				return false
			}
		}
	}
	return tolerated
}

// ReaderItems gives a Map with an ItemReader the items of
// stateConfiguration.mapItemReaderData.
func (r *recorder) ReaderItems(s *asl.State) (any, bool) {
	if s != r.state || r.readerItems == nil {
		return nil, false
	}
	return r.readerItems, true
}

func (r *recorder) Retries(s *asl.State, retrier int) int {
	if s != r.state {
		return 0
	}
	return r.retried
}

func (r *recorder) Routed(s *asl.State, f *asl.Failure, route interp.Route) {
	if s != r.state || r.done || r.routed {
		return
	}
	r.routed, r.failure, r.route = true, f, route
	// A catch leaves the state (StageNext ends the run); anything else
	// ends it now.
	if route.Catcher < 0 {
		r.done = true
	}
}

// value returns what the state passed at stage, if it got there.
func (r *recorder) value(stage interp.Stage) (any, bool) {
	return r.values[stage], r.seen[stage]
}

// inspectionData assembles what AWS reports at DEBUG and TRACE. AWS's
// choices, as recorded:
//   - JSONata states report no JSONPath stages (afterInputPath,
//     afterParameters, afterResultSelector, afterResultPath), and a JSONata
//     Map no items; JSONPath states report afterParameters even without
//     Parameters.
//   - A Pass state with a Result reports result but neither afterInputPath
//     nor afterParameters; one without reports no result.
//   - A Parallel state reports no afterInputPath or afterParameters.
//   - A JSONPath Fail state reports its input as afterInputPath.
//   - A Map reports maxConcurrency (0 when unset), and its tolerated
//     failure count or percentage when set.
//   - variables are the variables after the state, when there are any.
func (r *recorder) inspectionData(vars *value.Object) *api.InspectionData {
	s := r.state
	d := &api.InspectionData{}
	text := func(stage interp.Stage) string {
		if v, ok := r.value(stage); ok {
			return value.String(v)
		}
		return ""
	}
	d.Input = text(interp.StageInput)
	jsonPath := s.QueryLanguage != asl.JSONata
	if jsonPath {
		d.AfterInputPath = text(interp.StageAfterInputPath)
		d.AfterParameters = text(interp.StageAfterParameters)
		d.AfterResultSelector = text(interp.StageAfterResultSelector)
		d.AfterResultPath = text(interp.StageAfterResultPath)
	} else {
		d.AfterArguments = text(interp.StageAfterArguments)
	}
	d.Result = text(interp.StageResult)
	switch s.Type {
	case asl.TypePass:
		if s.HasResult {
			d.AfterInputPath, d.AfterParameters = "", ""
		}
	case asl.TypeParallel:
		d.AfterInputPath, d.AfterParameters = "", ""
	case asl.TypeFail:
		if jsonPath {
			d.AfterInputPath = d.Input
		}
	case asl.TypeMap:
		if jsonPath {
			d.AfterItemsPath = text(interp.StageAfterItemsPath)
		}
		if v, ok := r.value(interp.StageMaxConcurrency); ok {
			d.MaxConcurrency = int32Of(v)
		}
		if v, ok := r.value(interp.StageToleratedFailureCount); ok {
			d.ToleratedFailureCount = int32Of(v)
		}
		if v, ok := r.value(interp.StageToleratedFailurePercentage); ok {
			if n, isNum := v.(value.Number); isNum {
				pct := float32(n.Float())
				d.ToleratedFailurePercentage = &pct
			}
		}
	}
	if vars.Len() > 0 {
		d.Variables = value.String(vars)
	}
	if r.routed {
		ed := &api.InspectionErrorDetails{}
		if r.route.Retrier >= 0 {
			ed.RetryIndex = int32Of(value.Int(int64(r.route.Retrier)))
			if r.route.Retry {
				// A long backoff is beyond the API's int32.
				secs := int32(min(math.Round(r.route.Delay.Seconds()), math.MaxInt32))
				ed.RetryBackoffIntervalSeconds = &secs
			}
		}
		if r.route.Catcher >= 0 {
			ed.CatchIndex = int32Of(value.Int(int64(r.route.Catcher)))
		}
		if ed.RetryIndex != nil || ed.CatchIndex != nil {
			d.ErrorDetails = ed
		}
	}
	return d
}

func int32Of(v any) *int32 {
	n, ok := v.(value.Number)
	if !ok {
		return nil
	}
	i, _ := n.Int()
	i32 := int32(max(min(i, math.MaxInt32), math.MinInt32))
	return &i32
}
