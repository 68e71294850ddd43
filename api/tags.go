package api

import (
	"context"
	"errors"

	"github.com/cairn-sfn/cairn/store"
)

func tooManyTags(resource string) *Error {
	e := Errorf(TooManyTags, "Too many tags on resource: '%s'", resource)
	e.ResourceName = resource
	return e
}

// taggableARN checks that s names a state machine (unqualified) or an
// activity, the resources that carry tags.
func taggableARN(s string) error {
	a, ok := ParseARN(s)
	if !ok || (a.Resource != "stateMachine" && a.Resource != "activity") || a.Extra != "" {
		return invalidArn(s)
	}
	if a.Qualifier != "" {
		return resourceNotFound(s)
	}
	return nil
}

func (s *Server) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	var v violations
	v.required("resourceArn", in.ResourceArn == "")
	v.required("tags", in.Tags == nil)
	v.maxLen("resourceArn", in.ResourceArn, maxArnLength)
	checkTags(in.Tags, &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := taggableARN(in.ResourceArn); err != nil {
		return nil, err
	}
	err := s.deps.Store.TagResource(ctx, in.ResourceArn, storeTags(in.Tags), s.cfg.MaxTagsPerResource)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, resourceNotFound(in.ResourceArn)
	case errors.Is(err, store.ErrConflict):
		return nil, tooManyTags(in.ResourceArn)
	case err != nil:
		return nil, storeErr(err)
	}
	return &TagResourceOutput{}, nil
}

func (s *Server) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	var v violations
	v.required("resourceArn", in.ResourceArn == "")
	v.required("tagKeys", in.TagKeys == nil)
	v.maxLen("resourceArn", in.ResourceArn, maxArnLength)
	for i, k := range in.TagKeys {
		v.maxLen("tagKeys."+itoa(i+1)+".member", k, 128)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := taggableARN(in.ResourceArn); err != nil {
		return nil, err
	}
	err := s.deps.Store.UntagResource(ctx, in.ResourceArn, in.TagKeys)
	if errors.Is(err, store.ErrNotFound) {
		return nil, resourceNotFound(in.ResourceArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return &UntagResourceOutput{}, nil
}

func (s *Server) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	var v violations
	v.required("resourceArn", in.ResourceArn == "")
	v.maxLen("resourceArn", in.ResourceArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := taggableARN(in.ResourceArn); err != nil {
		return nil, err
	}
	tags, err := s.deps.Store.ListTags(ctx, in.ResourceArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, resourceNotFound(in.ResourceArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ListTagsForResourceOutput{Tags: make([]Tag, len(tags))}
	for i, t := range tags {
		out.Tags[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}
