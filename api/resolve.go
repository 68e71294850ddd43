package api

import (
	"context"
	"errors"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

// Target is the state machine revision a start request runs, with how the
// request addressed it.
type Target struct {
	StateMachineARN string // always unqualified
	VersionARN      string // set when started through a version or an alias
	AliasARN        string // set when started through an alias
	// MockTestCase is the "#Case" suffix of the ARN (Step Functions Local's
	// SFN_MOCK_CONFIG convention), without the "#".
	MockTestCase string
	Name         string
	Type         string // STANDARD or EXPRESS
	Definition   string
	RoleARN      string
	RevisionID   string
}

// ResolveTarget finds what StartExecution, StartSyncExecution and friends
// run for a stateMachineArn: the current revision for an unqualified ARN,
// the version for a version ARN, and for an alias ARN one of its versions,
// chosen by pick in [0, 1) against the routing weights (callers pass a
// recorded random number, keeping the choice replayable). Errors are AWS's
// (*Error): InvalidArn, StateMachineDoesNotExist.
func ResolveTarget(ctx context.Context, r store.Resources, arn string, pick float64) (*Target, error) {
	arnText, testCase, _ := strings.Cut(arn, "#")
	a, err := stateMachineARN(arnText)
	if err != nil {
		return nil, invalidArn(arn)
	}
	t := &Target{StateMachineARN: a.Base(), MockTestCase: testCase}
	versionARN := ""
	switch {
	case a.IsAlias():
		alias, err := r.GetAlias(ctx, arnText)
		if errors.Is(err, store.ErrNotFound) {
			return nil, stateMachineDoesNotExist(arnText)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		t.AliasARN = alias.ARN
		versionARN = chooseRoute(alias.Routes, pick)
	case a.IsVersion():
		versionARN = arnText
	}
	if versionARN == "" {
		sm, err := r.GetStateMachine(ctx, t.StateMachineARN)
		if errors.Is(err, store.ErrNotFound) {
			return nil, stateMachineDoesNotExist(arnText)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		t.Name, t.Type, t.Definition, t.RoleARN, t.RevisionID = sm.Name, sm.Type, sm.Definition, sm.RoleARN, sm.RevisionID
		return t, nil
	}
	v, err := r.GetVersion(ctx, versionARN)
	if errors.Is(err, store.ErrNotFound) {
		return nil, stateMachineDoesNotExist(versionARN)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	t.VersionARN = v.ARN
	t.Name, t.Type, t.Definition, t.RoleARN, t.RevisionID = v.Name, v.Type, v.Definition, v.RoleARN, v.RevisionID
	return t, nil
}

// chooseRoute picks the route whose cumulative weight band holds pick.
func chooseRoute(routes []store.Route, pick float64) string {
	if len(routes) == 0 {
		return ""
	}
	at := pick * 100
	var sum float64
	for _, rt := range routes {
		sum += float64(rt.Weight)
		if at < sum {
			return rt.VersionARN
		}
	}
	return routes[len(routes)-1].VersionARN
}

// StateMachineARN is the ARN of the state machine called name.
func (c Config) StateMachineARN(name string) string {
	return c.WithDefaults().arnPrefix() + "stateMachine:" + name
}

// ActivityARN is the ARN of the activity called name.
func (c Config) ActivityARN(name string) string {
	return c.WithDefaults().arnPrefix() + "activity:" + name
}

// ExecutionARN is the ARN of a Standard execution.
func (c Config) ExecutionARN(stateMachineName, executionName string) string {
	return c.WithDefaults().arnPrefix() + "execution:" + stateMachineName + ":" + executionName
}

// ExpressExecutionARN is the ARN of an Express execution; AWS appends a
// unique id after the execution name.
func (c Config) ExpressExecutionARN(stateMachineName, executionName, id string) string {
	return c.WithDefaults().arnPrefix() + "express:" + stateMachineName + ":" + executionName + ":" + id
}
