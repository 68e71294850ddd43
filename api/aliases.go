package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

// checkRouting validates a routing configuration: one or two distinct
// versions of one state machine with weights summing to 100. It returns the
// state machine ARN. Messages are AWS's.
func checkRouting(routes []RoutingConfigurationListItem, v *violations) (string, error) {
	if len(routes) < 1 || len(routes) > 2 {
		items := make([]string, len(routes))
		for i, r := range routes {
			items[i] = fmt.Sprintf("RoutingConfigurationListItem(stateMachineVersionArn=%s, weight=%d)", r.StateMachineVersionArn, r.Weight)
		}
		bound := "less than or equal to 2"
		if len(routes) < 1 {
			bound = "greater than or equal to 1"
		}
		v.add("Value '[%s]' at 'routingConfiguration' failed to satisfy constraint: Member must have length %s", strings.Join(items, ", "), bound)
		return "", nil
	}
	for i, r := range routes {
		v.between("routingConfiguration."+itoa(i+1)+".member.weight", int64(r.Weight), 0, 100)
		v.maxLen("routingConfiguration."+itoa(i+1)+".member.stateMachineVersionArn", r.StateMachineVersionArn, 2000)
	}
	if len(*v) > 0 {
		return "", nil
	}
	routingErr := func(format string, args ...any) error {
		e := Errorf(ValidationException, format, args...)
		e.Reason = "INVALID_ROUTING_CONFIGURATION"
		return e
	}
	arns := make([]string, len(routes))
	weights := make([]string, len(routes))
	for i, r := range routes {
		arns[i], weights[i] = r.StateMachineVersionArn, itoa(int(r.Weight))
	}
	received := "[" + strings.Join(arns, ", ") + "]"
	var machine string
	var sum int32
	for _, r := range routes {
		a, ok := ParseARN(r.StateMachineVersionArn)
		if !ok || !a.IsVersion() || a.Extra != "" {
			return "", routingErr("Routing configuration must contain state machine version ARNs. Received: %s", received)
		}
		if machine != "" && a.Base() != machine {
			return "", routingErr("Routing configuration must contain versions of the same state machine. Received: %s", received)
		}
		machine = a.Base()
		sum += r.Weight
	}
	if len(routes) == 2 && routes[0].StateMachineVersionArn == routes[1].StateMachineVersionArn {
		return "", routingErr("Routing configuration must contain distinct state machine version ARNs. Received: %s", received)
	}
	if sum != 100 {
		return "", routingErr("Sum of routing configuration weights must equal 100. Received: [%s]", strings.Join(weights, ", "))
	}
	return machine, nil
}

// checkAliasName applies the model's constraints on an alias name.
func checkAliasName(name string, v *violations) {
	v.maxLen("name", name, 80)
	if name != "" && !validAliasName(name) && len(name) <= 80 {
		v.add(`Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`, clip(name))
	}
}

func storeRoutes(routes []RoutingConfigurationListItem) []store.Route {
	out := make([]store.Route, len(routes))
	for i, r := range routes {
		out[i] = store.Route{VersionARN: r.StateMachineVersionArn, Weight: r.Weight}
	}
	return out
}

func apiRoutes(routes []store.Route) []RoutingConfigurationListItem {
	out := make([]RoutingConfigurationListItem, len(routes))
	for i, r := range routes {
		out[i] = RoutingConfigurationListItem{StateMachineVersionArn: r.VersionARN, Weight: r.Weight}
	}
	return out
}

// aliasARN checks that s is a state machine ARN qualified by an alias.
func aliasARN(s string) (ARN, error) {
	a, ok := ParseARN(s)
	if !ok || !a.IsAlias() || a.Extra != "" {
		return ARN{}, invalidArn(s)
	}
	return a, nil
}

func (s *Server) CreateStateMachineAlias(ctx context.Context, in *CreateStateMachineAliasInput) (*CreateStateMachineAliasOutput, error) {
	var v violations
	v.required("name", in.Name == "")
	checkAliasName(in.Name, &v)
	v.required("routingConfiguration", in.RoutingConfiguration == nil)
	v.maxLen("description", in.Description, maxDescription)
	var machine string
	var routeErr error
	if in.RoutingConfiguration != nil {
		machine, routeErr = checkRouting(in.RoutingConfiguration, &v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if routeErr != nil {
		return nil, routeErr
	}
	now := s.now()
	a := store.Alias{ARN: machine + ":" + in.Name, StateMachineARN: machine, Name: in.Name, Description: in.Description,
		Routes: storeRoutes(in.RoutingConfiguration), CreatedAt: now, UpdatedAt: now}
	err := s.deps.Store.CreateAlias(ctx, a)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		// Idempotent for an identical request.
		have, gerr := s.deps.Store.GetAlias(ctx, a.ARN)
		if gerr == nil && have.Description == a.Description && slices.Equal(have.Routes, a.Routes) {
			return &CreateStateMachineAliasOutput{StateMachineAliasArn: have.ARN, CreationDate: At(have.CreatedAt)}, nil
		}
		return nil, Errorf(ConflictException, "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
	case errors.Is(err, store.ErrNotFound):
		if _, gerr := s.deps.Store.GetStateMachine(ctx, machine); errors.Is(gerr, store.ErrNotFound) {
			return nil, stateMachineDoesNotExist(machine)
		}
		return nil, s.missingVersion(ctx, in.RoutingConfiguration)
	case err != nil:
		return nil, storeErr(err)
	}
	return &CreateStateMachineAliasOutput{StateMachineAliasArn: a.ARN, CreationDate: At(now)}, nil
}

// missingVersion names the first routed version that does not exist.
func (s *Server) missingVersion(ctx context.Context, routes []RoutingConfigurationListItem) error {
	for _, r := range routes {
		if _, err := s.deps.Store.GetVersion(ctx, r.StateMachineVersionArn); errors.Is(err, store.ErrNotFound) {
			return aliasNotFound(r.StateMachineVersionArn)
		}
	}
	return aliasNotFound(routes[0].StateMachineVersionArn)
}

func (s *Server) DescribeStateMachineAlias(ctx context.Context, in *DescribeStateMachineAliasInput) (*DescribeStateMachineAliasOutput, error) {
	var v violations
	v.required("stateMachineAliasArn", in.StateMachineAliasArn == "")
	v.maxLen("stateMachineAliasArn", in.StateMachineAliasArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := aliasARN(in.StateMachineAliasArn); err != nil {
		return nil, err
	}
	a, err := s.deps.Store.GetAlias(ctx, in.StateMachineAliasArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, aliasNotFound(in.StateMachineAliasArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &DescribeStateMachineAliasOutput{
		StateMachineAliasArn: a.ARN, Name: a.Name, Description: a.Description, RoutingConfiguration: apiRoutes(a.Routes),
		CreationDate: At(a.CreatedAt), UpdateDate: At(a.UpdatedAt),
	}, nil
}

func (s *Server) UpdateStateMachineAlias(ctx context.Context, in *UpdateStateMachineAliasInput) (*UpdateStateMachineAliasOutput, error) {
	var v violations
	v.required("stateMachineAliasArn", in.StateMachineAliasArn == "")
	v.maxLen("stateMachineAliasArn", in.StateMachineAliasArn, maxArnLength)
	if in.Description != nil {
		v.maxLen("description", *in.Description, maxDescription)
	}
	var machine string
	var routeErr error
	if in.RoutingConfiguration != nil {
		machine, routeErr = checkRouting(in.RoutingConfiguration, &v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	alias, err := aliasARN(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		e := Errorf(ValidationException, "Either the description or the routing configuration must be specified")
		e.Reason = "MISSING_REQUIRED_PARAMETER"
		return nil, e
	}
	if routeErr != nil {
		return nil, routeErr
	}
	if in.RoutingConfiguration != nil && machine != alias.Base() {
		e := Errorf(ValidationException, "Routing configuration must contain versions of the alias's state machine")
		e.Reason = "INVALID_ROUTING_CONFIGURATION"
		return nil, e
	}
	now := s.now()
	_, err = s.deps.Store.UpdateAlias(ctx, in.StateMachineAliasArn, func(a *store.Alias) error {
		if in.Description != nil {
			a.Description = *in.Description
		}
		if in.RoutingConfiguration != nil {
			a.Routes = storeRoutes(in.RoutingConfiguration)
		}
		a.UpdatedAt = now
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		if _, gerr := s.deps.Store.GetAlias(ctx, in.StateMachineAliasArn); errors.Is(gerr, store.ErrNotFound) {
			return nil, aliasNotFound(in.StateMachineAliasArn)
		}
		return nil, s.missingVersion(ctx, in.RoutingConfiguration)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &UpdateStateMachineAliasOutput{UpdateDate: At(now)}, nil
}

func (s *Server) DeleteStateMachineAlias(ctx context.Context, in *DeleteStateMachineAliasInput) (*DeleteStateMachineAliasOutput, error) {
	var v violations
	v.required("stateMachineAliasArn", in.StateMachineAliasArn == "")
	v.maxLen("stateMachineAliasArn", in.StateMachineAliasArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := aliasARN(in.StateMachineAliasArn); err != nil {
		return nil, err
	}
	err := s.deps.Store.DeleteAlias(ctx, in.StateMachineAliasArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, aliasNotFound(in.StateMachineAliasArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &DeleteStateMachineAliasOutput{}, nil
}

func (s *Server) ListStateMachineAliases(ctx context.Context, in *ListStateMachineAliasesInput) (*ListStateMachineAliasesOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, maxTokenLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := unqualified(in.StateMachineArn); err != nil {
		return nil, err
	}
	cursor, err := decodeToken("aliases:"+in.StateMachineArn, in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.deps.Store.ListAliases(ctx, in.StateMachineArn, store.Page{After: cursor, Limit: pageSize(in.MaxResults)})
	if errors.Is(err, store.ErrNotFound) {
		return nil, stateMachineDoesNotExist(in.StateMachineArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ListStateMachineAliasesOutput{StateMachineAliases: make([]StateMachineAliasListItem, len(items)), NextToken: encodeToken("aliases:"+in.StateMachineArn, next)}
	for i, a := range items {
		out.StateMachineAliases[i] = StateMachineAliasListItem{StateMachineAliasArn: a.ARN, CreationDate: At(a.CreatedAt)}
	}
	return out, nil
}
