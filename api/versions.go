package api

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

func itoa(i int) string { return strconv.Itoa(i) }

func (s *Server) PublishStateMachineVersion(ctx context.Context, in *PublishStateMachineVersionInput) (*PublishStateMachineVersionOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	v.maxLen("description", in.Description, maxDescription)
	if in.RevisionId != nil {
		v.maxLen("revisionId", *in.RevisionId, 256)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := unqualified(in.StateMachineArn); err != nil {
		return nil, err
	}
	req := store.PublishRequest{StateMachineARN: in.StateMachineArn, Description: in.Description, CreatedAt: s.now()}
	if in.RevisionId != nil {
		rev := *in.RevisionId
		if rev == "INITIAL" { // AWS's name for "never updated"
			rev = ""
		}
		req.IfRevision = &rev
	}
	ver, _, err := s.deps.Store.PublishVersion(ctx, req)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, stateMachineDoesNotExist(in.StateMachineArn)
	case errors.Is(err, store.ErrConflict):
		current := "INITIAL"
		if sm, gerr := s.deps.Store.GetStateMachine(ctx, in.StateMachineArn); gerr == nil && sm.RevisionID != "" {
			current = sm.RevisionID
		}
		return nil, Errorf(ConflictException, "Failed to publish the State Machine version for revision %s. The current State Machine revision is %s.", *in.RevisionId, current)
	case err != nil:
		return nil, storeErr(err)
	}
	return &PublishStateMachineVersionOutput{StateMachineVersionArn: ver.ARN, CreationDate: At(ver.CreatedAt)}, nil
}

func (s *Server) ListStateMachineVersions(ctx context.Context, in *ListStateMachineVersionsInput) (*ListStateMachineVersionsOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, maxTokenLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if a, err := unqualified(in.StateMachineArn); err != nil {
		if a.Qualifier != "" {
			return &ListStateMachineVersionsOutput{StateMachineVersions: []StateMachineVersionListItem{}}, nil
		}
		return nil, err
	}
	cursor, err := decodeToken("versions:"+in.StateMachineArn, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &ListStateMachineVersionsOutput{StateMachineVersions: []StateMachineVersionListItem{}}
	items, next, err := s.deps.Store.ListVersions(ctx, in.StateMachineArn, store.Page{After: cursor, Limit: pageSize(in.MaxResults)})
	if errors.Is(err, store.ErrNotFound) {
		return out, nil // AWS lists nothing rather than failing
	}
	if err != nil {
		return nil, storeErr(err)
	}
	for _, ver := range items {
		out.StateMachineVersions = append(out.StateMachineVersions, StateMachineVersionListItem{StateMachineVersionArn: ver.ARN, CreationDate: At(ver.CreatedAt)})
	}
	out.NextToken = encodeToken("versions:"+in.StateMachineArn, next)
	return out, nil
}

func (s *Server) DeleteStateMachineVersion(ctx context.Context, in *DeleteStateMachineVersionInput) (*DeleteStateMachineVersionOutput, error) {
	var v violations
	v.required("stateMachineVersionArn", in.StateMachineVersionArn == "")
	v.maxLen("stateMachineVersionArn", in.StateMachineVersionArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	a, err := stateMachineARN(in.StateMachineVersionArn)
	if err != nil || !a.IsVersion() {
		return nil, invalidArn(in.StateMachineVersionArn)
	}
	err = s.deps.Store.DeleteVersion(ctx, in.StateMachineVersionArn)
	switch {
	case errors.Is(err, store.ErrConflict):
		names := s.aliasesRoutingTo(ctx, in.StateMachineVersionArn)
		return nil, Errorf(ConflictException, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", strings.Join(names, ", "))
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, storeErr(err)
	}
	return &DeleteStateMachineVersionOutput{}, nil
}

// aliasesRoutingTo names the aliases that route to a version.
func (s *Server) aliasesRoutingTo(ctx context.Context, versionARN string) []string {
	a, _ := ParseARN(versionARN)
	var names []string
	p := store.Page{Limit: 100}
	for {
		items, next, err := s.deps.Store.ListAliases(ctx, a.Base(), p)
		if err != nil {
			return names
		}
		for _, al := range items {
			for _, r := range al.Routes {
				if r.VersionARN == versionARN {
					names = append(names, al.Name)
				}
			}
		}
		if next == "" {
			return names
		}
		p.After = next
	}
}
