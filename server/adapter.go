package server

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/teststate"
	"github.com/cairn-sfn/cairn/value"
)

// executions serves the API's execution actions with the engine.
type executions struct {
	e *engine.Engine
	// closing ends when the server stops: sync Express executions then
	// end at once instead of holding up the shutdown.
	closing context.Context
}

var _ api.Executions = executions{}

// apiError maps the engine's errors onto AWS's.
func apiError(err error) error {
	var ae *api.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.Is(err, engine.ErrStateMachineNotFound):
		return api.Errorf(api.StateMachineDoesNotExist, "%s", err.Error())
	case errors.Is(err, engine.ErrExecutionNotFound), errors.Is(err, store.ErrNotFound):
		return api.Errorf(api.ExecutionDoesNotExist, "%s", err.Error())
	case errors.Is(err, engine.ErrExecutionExists):
		return api.Errorf(api.ExecutionAlreadyExists, "%s", err.Error())
	case errors.Is(err, engine.ErrInvalidDefinition):
		return api.Errorf(api.InvalidDefinition, "%s", err.Error())
	case errors.Is(err, engine.ErrNotRedrivable):
		_, why, _ := strings.Cut(err.Error(), ": ")
		return api.Errorf(api.ExecutionNotRedrivable, "%s", why)
	case errors.Is(err, engine.ErrNotExpress):
		return api.Errorf(api.StateMachineTypeNotSupported, "This operation is not supported by this type of state machine")
	}
	return err
}

func (a executions) StartExecution(ctx context.Context, in *api.StartExecutionInput) (*api.StartExecutionOutput, error) {
	ex, err := a.e.StartExecution(ctx, engine.StartRequest{StateMachineARN: in.StateMachineArn, Name: in.Name, Input: in.Input, TraceHeader: in.TraceHeader})
	if err != nil {
		return nil, apiError(err)
	}
	return &api.StartExecutionOutput{ExecutionArn: ex.ARN, StartDate: api.At(ex.StartDate)}, nil
}

func (a executions) StartSyncExecution(ctx context.Context, in *api.StartSyncExecutionInput) (*api.StartSyncExecutionOutput, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(a.closing, cancel)()
	res, err := a.e.StartSyncExecution(ctx, engine.StartRequest{StateMachineARN: in.StateMachineArn, Name: in.Name, Input: in.Input, TraceHeader: in.TraceHeader})
	if err != nil {
		return nil, apiError(err)
	}
	if a.closing.Err() != nil && res.Status == "TIMED_OUT" {
		return nil, errors.New("the server stopped before the execution ended")
	}
	out := &api.StartSyncExecutionOutput{
		ExecutionArn: res.ExecutionARN, StateMachineArn: res.StateMachineARN, Name: res.Name,
		StartDate: api.At(res.StartDate), StopDate: api.At(res.StopDate), Status: res.Status,
		Error: res.Error, Cause: res.Cause, TraceHeader: res.TraceHeader,
		BillingDetails: &api.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: billedMillis(res)},
	}
	if in.IncludedData != "METADATA_ONLY" {
		out.Input, out.Output = res.Input, res.Output
		out.InputDetails = &api.CloudWatchEventsExecutionDataDetails{Included: true}
		out.OutputDetails = &api.CloudWatchEventsExecutionDataDetails{Included: true}
	}
	return out, nil
}

// billedMillis rounds the run time up to the next 100 ms, as AWS bills
// Express executions.
func billedMillis(r engine.SyncResult) int64 {
	ms := r.Billed.Milliseconds()
	return (ms/100 + 1) * 100
}

func (a executions) StopExecution(ctx context.Context, in *api.StopExecutionInput) (*api.StopExecutionOutput, error) {
	at, err := a.e.StopExecution(ctx, in.ExecutionArn, in.Error, in.Cause)
	if err != nil {
		return nil, apiError(err)
	}
	return &api.StopExecutionOutput{StopDate: api.At(at)}, nil
}

func (a executions) DescribeExecution(ctx context.Context, in *api.DescribeExecutionInput) (*api.DescribeExecutionOutput, error) {
	ex, err := a.e.DescribeExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, apiError(err)
	}
	redrive, err := a.e.RedriveState(ctx, ex)
	if err != nil {
		return nil, apiError(err)
	}
	count := int32(ex.RedriveCount)
	out := &api.DescribeExecutionOutput{
		ExecutionArn: ex.ARN, StateMachineArn: ex.StateMachineARN, Name: ex.Name, Status: ex.Status,
		StartDate: api.At(ex.StartDate), TraceHeader: ex.TraceHeader, Error: ex.Error, Cause: ex.Cause,
		StateMachineVersionArn: ex.VersionARN, StateMachineAliasArn: ex.AliasARN, RedriveCount: &count,
		RedriveStatus: redrive.Status, RedriveStatusReason: redrive.Reason,
	}
	if !redrive.Date.IsZero() {
		out.RedriveDate = api.At(redrive.Date)
	}
	if !ex.StopDate.IsZero() {
		out.StopDate = api.At(ex.StopDate)
	}
	if in.IncludedData != "METADATA_ONLY" {
		out.Input = ex.Input
		out.InputDetails = &api.CloudWatchEventsExecutionDataDetails{Included: true}
		if ex.Status == "SUCCEEDED" {
			out.Output = ex.Output
			out.OutputDetails = &api.CloudWatchEventsExecutionDataDetails{Included: true}
		}
	}
	return out, nil
}

func (a executions) ListExecutions(ctx context.Context, in *api.ListExecutionsInput) (*api.ListExecutionsOutput, error) {
	f := store.ExecutionFilter{StateMachineARN: in.StateMachineArn, Status: in.StatusFilter, RedriveFilter: in.RedriveFilter}
	if arn, ok := api.ParseARN(in.StateMachineArn); ok && arn.Qualifier != "" {
		base := in.StateMachineArn[:len(in.StateMachineArn)-len(arn.Qualifier)-1]
		f.StateMachineARN = base
		if arn.Qualifier[0] >= '0' && arn.Qualifier[0] <= '9' {
			f.VersionARN = in.StateMachineArn
		} else {
			f.AliasARN = in.StateMachineArn
		}
	}
	list, next, err := a.e.ListExecutions(ctx, f, store.Page{After: in.NextToken, Limit: int(in.MaxResults)})
	if err != nil {
		return nil, apiError(err)
	}
	out := &api.ListExecutionsOutput{Executions: make([]api.ExecutionListItem, 0, len(list)), NextToken: next}
	for _, ex := range list {
		item := api.ExecutionListItem{
			ExecutionArn: ex.ARN, StateMachineArn: ex.StateMachineARN, Name: ex.Name, Status: ex.Status,
			StartDate: api.At(ex.StartDate), StateMachineVersionArn: ex.VersionARN, StateMachineAliasArn: ex.AliasARN,
		}
		if !ex.StopDate.IsZero() {
			item.StopDate = api.At(ex.StopDate)
		}
		if ex.RedriveCount > 0 {
			count := int32(ex.RedriveCount)
			item.RedriveCount = &count
			if redrive, err := a.e.RedriveState(ctx, ex); err == nil && !redrive.Date.IsZero() {
				item.RedriveDate = api.At(redrive.Date)
			}
		}
		out.Executions = append(out.Executions, item)
	}
	return out, nil
}

func (a executions) GetExecutionHistory(ctx context.Context, in *api.GetExecutionHistoryInput) (*api.GetExecutionHistoryOutput, error) {
	var after int64
	if in.NextToken != "" {
		n, err := strconv.ParseInt(in.NextToken, 10, 64)
		if err != nil {
			return nil, api.Errorf(api.ValidationException, "Invalid pagination token")
		}
		after = n
	}
	limit := int(in.MaxResults)
	if limit <= 0 {
		limit = 1000
	}
	events, err := a.e.History(ctx, in.ExecutionArn, after, limit+1, in.ReverseOrder)
	if err != nil {
		return nil, apiError(err)
	}
	out := &api.GetExecutionHistoryOutput{Events: make([]api.HistoryEvent, 0, len(events))}
	if len(events) > limit {
		events = events[:limit]
		out.NextToken = strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	include := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	for _, ev := range events {
		data := ev.JSON
		if !include {
			data = withoutExecutionData(data)
		}
		var h api.HistoryEvent
		if err := json.Unmarshal(data, &h); err != nil {
			return nil, err
		}
		out.Events = append(out.Events, h)
	}
	return out, nil
}

func (a executions) DescribeStateMachineForExecution(ctx context.Context, in *api.DescribeStateMachineForExecutionInput) (*api.DescribeStateMachineForExecutionOutput, error) {
	ex, err := a.e.DescribeExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, apiError(err)
	}
	return &api.DescribeStateMachineForExecutionOutput{
		StateMachineArn: ex.StateMachineARN, Name: nameOf(ex.StateMachineARN), Definition: ex.Definition,
		RoleArn: ex.RoleARN, UpdateDate: api.At(ex.StartDate),
	}, nil
}

func (a executions) RedriveExecution(ctx context.Context, in *api.RedriveExecutionInput) (*api.RedriveExecutionOutput, error) {
	at, err := a.e.RedriveExecution(ctx, in.ExecutionArn, in.ClientToken)
	if err != nil {
		return nil, apiError(err)
	}
	return &api.RedriveExecutionOutput{RedriveDate: api.At(at)}, nil
}

// withoutExecutionData drops the input and output of an event's details,
// as GetExecutionHistory does when includeExecutionData is false.
func withoutExecutionData(event []byte) []byte {
	v, err := value.Parse(event)
	o, ok := v.(*value.Object)
	if err != nil || !ok {
		return event
	}
	for _, k := range o.Keys() {
		if d, ok := o.Get(k); ok {
			if details, ok := d.(*value.Object); ok {
				details.Delete("input")
				details.Delete("output")
			}
		}
	}
	return value.Marshal(o)
}

func nameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}

// stateTester serves TestState: the state runs in the teststate package,
// its unmocked tasks through the server's Invoker.
func stateTester(cfg Config, invoker engine.Invoker) api.StateTester {
	return teststate.New(teststate.Config{Region: cfg.Region, Account: cfg.Account}, invoker)
}

// mapRuns serves DescribeMapRun and ListMapRuns from the interpreter's
// state (replayed when this node does not run the execution);
// UpdateMapRun is not supported yet.
type mapRuns struct{ e *engine.Engine }

var _ api.MapRuns = mapRuns{}

func mapRunError(err error) error {
	if errors.Is(err, engine.ErrMapRunNotFound) {
		return api.Errorf(api.ResourceNotFound, "Map Run does not exist: %s", strings.TrimPrefix(err.Error(), engine.ErrMapRunNotFound.Error()+": "))
	}
	return apiError(err)
}

func (m mapRuns) DescribeMapRun(ctx context.Context, in *api.DescribeMapRunInput) (*api.DescribeMapRunOutput, error) {
	r, err := m.e.DescribeMapRun(ctx, in.MapRunArn)
	if err != nil {
		return nil, mapRunError(err)
	}
	items := &api.MapRunItemCounts{
		Pending: r.Pending, Running: r.Running, Succeeded: r.Succeeded, Failed: r.Failed, Aborted: r.Aborted, Total: r.Total,
	}
	execs := *items // one child execution per item (per batch with an ItemBatcher, counted alike)
	out := &api.DescribeMapRunOutput{
		MapRunArn: r.ARN, ExecutionArn: r.ExecutionARN, Status: r.Status, StartDate: api.At(r.Start),
		MaxConcurrency: int32(min(r.MaxConcurrency, 10000)), ToleratedFailureCount: int64(r.ToleratedFailureCount),
		ToleratedFailurePercentage: float32(r.ToleratedFailurePercentage), ItemCounts: items, ExecutionCounts: &execs,
	}
	if !r.Stop.IsZero() {
		out.StopDate = api.At(r.Stop)
	}
	return out, nil
}

func (m mapRuns) ListMapRuns(ctx context.Context, in *api.ListMapRunsInput) (*api.ListMapRunsOutput, error) {
	runs, next, err := m.e.ListMapRuns(ctx, in.ExecutionArn, in.NextToken, int(in.MaxResults))
	if errors.Is(err, engine.ErrBadPageToken) {
		return nil, api.Errorf(api.InvalidToken, "Invalid pagination token")
	}
	if err != nil {
		return nil, apiError(err)
	}
	out := &api.ListMapRunsOutput{MapRuns: make([]api.MapRunListItem, 0, len(runs)), NextToken: next}
	for _, r := range runs {
		item := api.MapRunListItem{ExecutionArn: r.ExecutionARN, MapRunArn: r.ARN, StateMachineArn: r.StateMachineARN, StartDate: api.At(r.Start)}
		if !r.Stop.IsZero() {
			item.StopDate = api.At(r.Stop)
		}
		out.MapRuns = append(out.MapRuns, item)
	}
	return out, nil
}

func (m mapRuns) UpdateMapRun(ctx context.Context, in *api.UpdateMapRunInput) (*api.UpdateMapRunOutput, error) {
	if _, err := m.e.DescribeMapRun(ctx, in.MapRunArn); err != nil {
		return nil, mapRunError(err)
	}
	return nil, api.Errorf(api.NotImplemented, "UpdateMapRun is not supported yet: a Map Run's settings cannot change while it runs")
}
