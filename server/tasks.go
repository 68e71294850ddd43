package server

import (
	"context"
	"errors"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/engine"
)

// activityTasks serves GetActivityTask and SendTask* with the engine.
type activityTasks struct {
	e *engine.Engine
	// closing ends when the server stops: long polls then end at once
	// instead of holding up the HTTP shutdown for up to a minute.
	closing context.Context
}

var _ api.ActivityTasks = activityTasks{}

func taskError(err error) error {
	switch {
	case errors.Is(err, engine.ErrInvalidToken):
		return api.Errorf(api.InvalidToken, "Invalid Token: '%s'", err.Error())
	case errors.Is(err, engine.ErrTaskDoesNotExist):
		return api.Errorf(api.TaskDoesNotExist, "%s", err.Error())
	}
	return apiError(err)
}

func (a activityTasks) GetActivityTask(ctx context.Context, in *api.GetActivityTaskInput) (*api.GetActivityTaskOutput, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(a.closing, cancel)()
	token, input, err := a.e.GetActivityTask(ctx, in.ActivityArn, in.WorkerName)
	if err != nil {
		return nil, apiError(err)
	}
	return &api.GetActivityTaskOutput{TaskToken: token, Input: input}, nil
}

func (a activityTasks) SendTaskSuccess(ctx context.Context, in *api.SendTaskSuccessInput) (*api.SendTaskSuccessOutput, error) {
	if err := a.e.SendTaskSuccess(ctx, in.TaskToken, in.Output); err != nil {
		return nil, taskError(err)
	}
	return &api.SendTaskSuccessOutput{}, nil
}

func (a activityTasks) SendTaskFailure(ctx context.Context, in *api.SendTaskFailureInput) (*api.SendTaskFailureOutput, error) {
	if err := a.e.SendTaskFailure(ctx, in.TaskToken, in.Error, in.Cause); err != nil {
		return nil, taskError(err)
	}
	return &api.SendTaskFailureOutput{}, nil
}

func (a activityTasks) SendTaskHeartbeat(ctx context.Context, in *api.SendTaskHeartbeatInput) (*api.SendTaskHeartbeatOutput, error) {
	if err := a.e.SendTaskHeartbeat(ctx, in.TaskToken); err != nil {
		return nil, taskError(err)
	}
	return &api.SendTaskHeartbeatOutput{}, nil
}
