package api

import (
	"bytes"
	"context"
	"errors"

	"github.com/cairn-sfn/cairn/store"
)

// activityARN checks that s is an activity ARN.
func activityARN(s string) error {
	a, ok := ParseARN(s)
	if !ok || a.Resource != "activity" || a.Qualifier != "" {
		return invalidArn(s)
	}
	return nil
}

func (s *Server) CreateActivity(ctx context.Context, in *CreateActivityInput) (*CreateActivityOutput, error) {
	var v violations
	v.required("name", in.Name == "")
	checkTags(in.Tags, &v)
	encryption, encErr := checkEncryption(in.EncryptionConfiguration, &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !ValidName(in.Name) {
		return nil, invalidName(in.Name)
	}
	if len(in.Tags) > s.cfg.MaxTagsPerResource {
		return nil, tooManyTags(in.Name)
	}
	if encErr != nil {
		return nil, encErr
	}
	now := s.now()
	a := store.Activity{ARN: s.cfg.arnPrefix() + "activity:" + in.Name, Name: in.Name, EncryptionConfiguration: mustJSON(encryption), CreatedAt: now}
	err := s.deps.Store.CreateActivity(ctx, a, storeTags(in.Tags))
	if errors.Is(err, store.ErrAlreadyExists) {
		// Idempotent on the name; differing tags are ignored as on AWS.
		have, gerr := s.deps.Store.GetActivity(ctx, a.ARN)
		if gerr != nil {
			return nil, storeErr(gerr)
		}
		if !bytes.Equal(have.EncryptionConfiguration, a.EncryptionConfiguration) {
			return nil, Errorf(ActivityAlreadyExists, "Activity already exists with a different encryption configuration: '%s'", a.ARN)
		}
		return &CreateActivityOutput{ActivityArn: have.ARN, CreationDate: At(have.CreatedAt)}, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &CreateActivityOutput{ActivityArn: a.ARN, CreationDate: At(now)}, nil
}

func (s *Server) DescribeActivity(ctx context.Context, in *DescribeActivityInput) (*DescribeActivityOutput, error) {
	var v violations
	v.required("activityArn", in.ActivityArn == "")
	v.maxLen("activityArn", in.ActivityArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := activityARN(in.ActivityArn); err != nil {
		return nil, err
	}
	a, err := s.deps.Store.GetActivity(ctx, in.ActivityArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, activityDoesNotExist(in.ActivityArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &DescribeActivityOutput{ActivityArn: a.ARN, Name: a.Name, CreationDate: At(a.CreatedAt),
		EncryptionConfiguration: fromJSON[EncryptionConfiguration](a.EncryptionConfiguration)}, nil
}

func (s *Server) DeleteActivity(ctx context.Context, in *DeleteActivityInput) (*DeleteActivityOutput, error) {
	var v violations
	v.required("activityArn", in.ActivityArn == "")
	v.maxLen("activityArn", in.ActivityArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := activityARN(in.ActivityArn); err != nil {
		return nil, err
	}
	// Deleting a missing activity succeeds, as on AWS.
	if err := s.deps.Store.DeleteActivity(ctx, in.ActivityArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, storeErr(err)
	}
	return &DeleteActivityOutput{}, nil
}

func (s *Server) ListActivities(ctx context.Context, in *ListActivitiesInput) (*ListActivitiesOutput, error) {
	var v violations
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, maxTokenLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	cursor, err := decodeToken("activities", in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.deps.Store.ListActivities(ctx, store.Page{After: cursor, Limit: pageSize(in.MaxResults)})
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ListActivitiesOutput{Activities: make([]ActivityListItem, len(items)), NextToken: encodeToken("activities", next)}
	for i, a := range items {
		out.Activities[i] = ActivityListItem{ActivityArn: a.ARN, Name: a.Name, CreationDate: At(a.CreatedAt)}
	}
	return out, nil
}
