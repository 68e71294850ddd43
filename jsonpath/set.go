package jsonpath

import "github.com/cairn-sfn/cairn/value"

// Set returns a copy of doc with the value at reference path p replaced by
// v. doc is not modified: only the containers on the path are copied, the
// rest is shared. Missing intermediate members become empty objects, as
// ASL's ResultPath does. "$" returns v. Stepping through a value that is not
// an object, or an index outside an array (or on a non-array), is a
// *SetError. Only reference paths can be set.
func (p *Path) Set(doc, v any) (any, error) {
	if !p.reference {
		return nil, &SetError{Path: p.src, At: p.rootText(), Msg: "not a reference path"}
	}
	return p.set(doc, true, 0, v)
}

// set places v under cur at step i. exists is false when cur is a member
// that is missing, which the path creates as an object.
func (p *Path) set(cur any, exists bool, i int, v any) (any, error) {
	if i == len(p.steps) {
		return v, nil
	}
	s := &p.steps[i]
	switch s.kind {
	case stepMember:
		var obj *value.Object
		switch x := cur.(type) {
		case *value.Object:
			obj = x
		default:
			if exists {
				return nil, &SetError{Path: p.src, At: p.canonicalPrefix(i), Msg: "not an object: " + kindOf(cur)}
			}
			// A member that does not exist yet: ResultPath creates it.
		}
		child, ok := obj.Get(s.name)
		nv, err := p.set(child, ok, i+1, v)
		if err != nil {
			return nil, err
		}
		var out *value.Object
		if obj == nil {
			out = value.NewObject(1)
		} else {
			out = obj.Clone()
		}
		out.Set(s.name, nv)
		return out, nil
	case stepIndex:
		arr, ok := cur.([]any)
		if !ok {
			kind := kindOf(cur)
			if !exists {
				kind = "missing"
			}
			return nil, &SetError{Path: p.src, At: p.canonicalPrefix(i), Msg: "not an array: " + kind}
		}
		if s.index < 0 || s.index >= len(arr) {
			return nil, &SetError{Path: p.src, At: p.canonicalPrefix(i + 1), Msg: "index out of range"}
		}
		nv, err := p.set(arr[s.index], true, i+1, v)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(arr))
		copy(out, arr)
		out[s.index] = nv
		return out, nil
	}
	return nil, &SetError{Path: p.src, At: p.canonicalPrefix(i), Msg: "not a reference path"}
}

func kindOf(v any) string {
	switch v.(type) {
	case nil, bool, value.Number, string, []any, *value.Object:
		return value.Kind(v)
	}
	return "unknown"
}
