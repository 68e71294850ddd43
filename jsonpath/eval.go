package jsonpath

import "github.com/cairn-sfn/cairn/value"

// Env is what a path reads from.
type Env struct {
	Input   any
	Context any
	Vars    func(name string) (any, bool) // may be nil
}

// Eval evaluates p against the root p.Root() selects in env. A definite path
// returns the one value it names; a missing member or index is a
// *NotFoundError. An indefinite path returns []any of the matches (possibly
// empty), as Jayway does.
func (p *Path) Eval(env *Env) (any, error) {
	var root any
	switch p.root {
	case RootInput:
		root = env.Input
	case RootContext:
		root = env.Context
	case RootVariable:
		var ok bool
		if env.Vars != nil {
			root, ok = env.Vars(p.variable)
		}
		if !ok {
			return nil, &NotFoundError{Path: p.src, Reason: UndefinedVariable, At: p.rootText()}
		}
	}
	return p.Query(root)
}

// Query evaluates p with doc as the root, whatever p.Root() is.
func (p *Path) Query(doc any) (any, error) {
	if p.definite {
		return p.evalDefinite(doc)
	}
	return nil, &EvalError{Path: p.src, Msg: "indefinite paths are not supported yet"}
}

// evalDefinite walks a path of single members and indexes. It allocates
// nothing unless it fails.
func (p *Path) evalDefinite(cur any) (any, error) {
	last := len(p.steps) - 1
	for i := range p.steps {
		s := &p.steps[i]
		switch s.kind {
		case stepMember:
			obj, ok := cur.(*value.Object)
			if !ok {
				return nil, &NotFoundError{Path: p.src, Reason: NotAnObject, At: p.canonicalPrefix(i), Step: s.canonical(), Found: cur}
			}
			v, ok := obj.Get(s.name)
			if !ok {
				if i == last {
					return nil, &NotFoundError{Path: p.src, Reason: NoResults, At: p.canonical}
				}
				return nil, &NotFoundError{Path: p.src, Reason: MissingProperty, At: p.canonicalPrefix(i + 1)}
			}
			cur = v
		case stepIndex:
			arr, ok := cur.([]any)
			if !ok {
				if cur == nil {
					return nil, &NotFoundError{Path: p.src, Reason: NullValue, At: p.canonicalPrefix(i)}
				}
				return nil, &NotFoundError{Path: p.src, Reason: NotAnArray, At: p.canonicalPrefix(i), Step: s.canonical(), Found: cur}
			}
			idx := s.index
			if idx < 0 {
				idx += len(arr)
			}
			if idx < 0 || idx >= len(arr) {
				return nil, &NotFoundError{Path: p.src, Reason: NoResults, At: p.canonical}
			}
			cur = arr[idx]
		}
	}
	return cur, nil
}
