package jsonpath

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

const (
	// maxWalkDepth bounds how deep a deep scan descends. Decoded documents
	// nest at most value.MaxDepth; values built in Go could nest deeper.
	maxWalkDepth = 2 * value.MaxDepth
	// workLimit bounds the steps one evaluation may take, so that paths
	// such as $..*..*..* over a large document fail instead of running
	// for minutes.
	workLimit = 1 << 21
)

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
			return nil, &NotFoundError{Path: p.src, Reason: UndefinedVariable, At: "$" + p.variable}
		}
	}
	return p.Query(root)
}

// Query evaluates p with doc as the root, whatever p.Root() is (for "$$.a"
// the root is doc too).
func (p *Path) Query(doc any) (any, error) {
	return p.query(doc, workLimit)
}

// query is Query with a bound on the steps it may take.
func (p *Path) query(doc any, limit int) (any, error) {
	if p.simple {
		return p.evalSimple(doc)
	}
	e := evaluator{root: doc, sh: &shared{limit: limit}}
	err := e.run(p, doc)
	if err == nil {
		var v any
		if v, err = p.result(e.out); err == nil {
			return v, nil
		}
	}
	// Errors raised by paths inside filters and arguments name the path
	// the caller evaluated.
	var nf *NotFoundError
	var ee *EvalError
	switch {
	case errors.As(err, &nf):
		if !p.IsDefinite() {
			// Jayway fails "$.missing[*]" at the missing member; Step
			// Functions answers [] (recorded: "$.item.items[*]" on {}).
			return []any{}, nil
		}
		nf.Path = p.src
	case errors.As(err, &ee):
		ee.Path = p.src
	}
	return nil, err
}

// result turns the matches into what Jayway's read returns: the last match
// of a definite path, or the list of matches.
func (p *Path) result(out []any) (any, error) {
	if p.IsDefinite() {
		if len(out) == 0 {
			return nil, &NotFoundError{Path: p.src, Reason: NoResults, At: p.canonical}
		}
		return out[len(out)-1], nil
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// evalSimple walks a path of single members and indexes. It allocates
// nothing unless it fails, and fails exactly as the general evaluator.
func (p *Path) evalSimple(cur any) (any, error) {
	if v, ok := p.lookup(cur); ok {
		return v, nil
	}
	return nil, p.simpleError(cur)
}

// lookup walks a simple path and reports whether it names a value.
func (p *Path) lookup(cur any) (any, bool) {
	for i := range p.steps {
		s := &p.steps[i]
		switch s.kind {
		case stepMember:
			obj, ok := cur.(*value.Object)
			if !ok {
				return nil, false
			}
			if cur, ok = obj.Get(s.name); !ok {
				return nil, false
			}
		case stepIndex:
			arr, ok := cur.([]any)
			if !ok {
				return nil, false
			}
			idx := s.index
			if idx < 0 {
				idx += len(arr)
			}
			if idx < 0 || idx >= len(arr) {
				return nil, false
			}
			cur = arr[idx]
		}
	}
	return cur, true
}

// simpleError walks a simple path that lookup failed on again, to say why
// in Jayway's words.
func (p *Path) simpleError(cur any) error {
	last := len(p.steps) - 1
	for i := range p.steps {
		s := &p.steps[i]
		switch s.kind {
		case stepMember:
			obj, ok := cur.(*value.Object)
			if !ok {
				return p.notObject(i, cur)
			}
			v, ok := obj.Get(s.name)
			if !ok {
				if i == last {
					break
				}
				return &NotFoundError{Path: p.src, Reason: MissingProperty, At: p.canonicalPrefix(i + 1)}
			}
			cur = v
			continue
		case stepIndex:
			arr, ok := cur.([]any)
			if !ok {
				return p.notArray(i, cur)
			}
			idx := s.index
			if idx < 0 {
				idx += len(arr)
			}
			if idx >= 0 && idx < len(arr) {
				cur = arr[idx]
				continue
			}
		}
		break
	}
	return &NotFoundError{Path: p.src, Reason: NoResults, At: p.canonical}
}

func (p *Path) notObject(i int, cur any) error {
	return &NotFoundError{Path: p.src, Reason: NotAnObject, At: p.canonicalPrefix(i), Step: p.stepText(i), Found: cur}
}

func (p *Path) stepText(i int) string {
	var b strings.Builder
	p.steps[i].writeCanonical(&b)
	return b.String()
}

func (p *Path) notArray(i int, cur any) error {
	return &NotFoundError{Path: p.src, Reason: NotAnArray, At: p.canonicalPrefix(i), Step: p.canonicalFrom(i), Found: cur}
}

// evaluator runs a path the way Jayway's path tokens do, collecting
// matches in out.
type evaluator struct {
	root any // the document "$" names inside filters and function arguments
	// require is Jayway's REQUIRE_PROPERTIES option, on while a filter
	// tests whether a path exists: missing members are then errors.
	require bool
	out     []any
	sh      *shared
}

// shared is the state all evaluators of one Query share.
type shared struct {
	work      int
	limit     int
	rootCache map[*Path]node
}

func (e *evaluator) tick() error {
	if e.sh.work++; e.sh.work > e.sh.limit {
		return &EvalError{Msg: fmt.Sprintf("evaluation exceeded %d steps", e.sh.limit)}
	}
	return nil
}

// sub evaluates a path inside a filter or an argument against doc.
func (e *evaluator) sub(p *Path, doc any, require bool) ([]any, error) {
	s := evaluator{root: e.root, require: require, sh: e.sh}
	if err := s.run(p, doc); err != nil {
		return nil, err
	}
	return s.out, nil
}

func (e *evaluator) run(p *Path, doc any) error {
	if len(p.steps) == 0 {
		e.out = append(e.out, doc)
		return nil
	}
	return e.step(p, 0, doc, 0)
}

// next hands v to the step after i, or records it when i is the last.
func (e *evaluator) next(p *Path, i int, v any, depth int) error {
	if i == len(p.steps)-1 {
		e.out = append(e.out, v)
		return nil
	}
	return e.step(p, i+1, v, depth)
}

// step applies step i to cur. depth counts deep-scan levels.
func (e *evaluator) step(p *Path, i int, cur any, depth int) error {
	if err := e.tick(); err != nil {
		return err
	}
	s := &p.steps[i]
	leaf := i == len(p.steps)-1
	switch s.kind {
	case stepMember:
		obj, ok := cur.(*value.Object)
		if !ok {
			return e.notObject(p, i, cur)
		}
		return e.member(p, i, obj, s.name, true, depth)
	case stepMembers:
		obj, ok := cur.(*value.Object)
		if !ok {
			return e.notObject(p, i, cur)
		}
		if !leaf {
			for _, name := range s.names {
				if err := e.member(p, i, obj, name, false, depth); err != nil {
					return err
				}
			}
			return nil
		}
		// As the last step, several names merge into one object of the
		// members present.
		merged := value.NewObject(len(s.names))
		for _, name := range s.names {
			if v, ok := obj.Get(name); ok {
				merged.Set(name, v)
			} else if e.require {
				return &NotFoundError{Reason: MissingProperty, At: p.canonicalPrefix(i + 1)}
			}
		}
		e.out = append(e.out, merged)
		return nil
	case stepIndex, stepIndexes, stepSlice:
		arr, ok := cur.([]any)
		if !ok {
			if !p.defs[i] {
				return nil
			}
			return p.notArray(i, cur)
		}
		switch s.kind {
		case stepIndex:
			return e.index(p, i, arr, s.index, depth)
		case stepIndexes:
			for _, n := range s.indexes {
				if err := e.index(p, i, arr, n, depth); err != nil {
					return err
				}
			}
			return nil
		}
		return e.slice(p, i, arr, s, depth)
	case stepWildcard:
		switch x := cur.(type) {
		case *value.Object:
			for _, v := range x.All() {
				if err := e.next(p, i, v, depth); err != nil {
					return err
				}
			}
		case []any:
			for _, v := range x {
				if err := e.next(p, i, v, depth); err != nil {
					return err
				}
			}
		}
		return nil
	case stepScan:
		return e.walk(p, i+1, cur, depth)
	case stepFilter:
		switch x := cur.(type) {
		case *value.Object:
			ok, err := e.accept(s.filter, x)
			if err != nil || !ok {
				return err
			}
			return e.next(p, i, x, depth)
		case []any:
			for _, v := range x {
				ok, err := e.accept(s.filter, v)
				if err != nil {
					return err
				}
				if ok {
					if err := e.next(p, i, v, depth); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if p.defs[i] {
			return &EvalError{Msg: fmt.Sprintf("Filter: %s can not be applied to primitives. Current context is: %s",
				p.canonicalFrom(i), javaString(cur)), invalid: true}
		}
		return nil
	case stepFunction:
		v, err := e.call(s, cur)
		if err != nil {
			return err
		}
		// Jayway records a function's result even when steps follow it.
		e.out = append(e.out, v)
		if leaf {
			return nil
		}
		return e.step(p, i+1, v, depth)
	}
	return nil
}

func (e *evaluator) notObject(p *Path, i int, cur any) error {
	if !p.defs[i] {
		return nil
	}
	return p.notObject(i, cur)
}

// member handles one name at step i, as Jayway's handleObjectProperty.
// definite is whether the step itself is definite (a single name).
func (e *evaluator) member(p *Path, i int, obj *value.Object, name string, definite bool, depth int) error {
	v, ok := obj.Get(name)
	if ok {
		return e.next(p, i, v, depth)
	}
	if i == len(p.steps)-1 {
		if e.require {
			return &NotFoundError{Reason: NoResults, At: p.canonicalPrefix(i + 1)}
		}
		return nil
	}
	if !(p.defs[i] && definite) && !e.require {
		return nil
	}
	return &NotFoundError{Reason: MissingProperty, At: p.canonicalPrefix(i + 1)}
}

func (e *evaluator) index(p *Path, i int, arr []any, n, depth int) error {
	if n < 0 {
		n += len(arr)
	}
	if n < 0 || n >= len(arr) {
		return nil
	}
	return e.next(p, i, arr[n], depth)
}

// slice follows Jayway's ArraySliceToken: a negative start counts from the
// end only when there is no end; [from:to] with a negative from reaches
// round to the end of the array.
func (e *evaluator) slice(p *Path, i int, arr []any, s *step, depth int) error {
	n := len(arr)
	from, to := 0, n
	switch {
	case s.hasFrom && !s.hasTo:
		from = s.from
		if from < 0 {
			from += n
		}
		from = max(from, 0)
	case s.hasFrom && s.hasTo:
		from, to = s.from, min(n, s.to)
	default:
		to = s.to
		if to < 0 {
			to += n
		}
		to = min(n, to)
	}
	for k := from; k < to; k++ {
		if err := e.index(p, i, arr, k, depth); err != nil {
			return err
		}
	}
	return nil
}

// walk is the deep scan: the step t is applied to cur and to every value
// below it that its kind can match, in document order, parents first.
func (e *evaluator) walk(p *Path, t int, cur any, depth int) error {
	if depth > maxWalkDepth {
		return &EvalError{Msg: fmt.Sprintf("deep scan deeper than %d levels", maxWalkDepth)}
	}
	if err := e.tick(); err != nil {
		return err
	}
	switch x := cur.(type) {
	case *value.Object:
		if ok, err := e.scanMatches(p, t, x); err != nil {
			return err
		} else if ok {
			if err := e.step(p, t, x, depth); err != nil {
				return err
			}
		}
		for _, v := range x.All() {
			if err := e.walk(p, t, v, depth+1); err != nil {
				return err
			}
		}
	case []any:
		if ok, err := e.scanMatches(p, t, x); err != nil {
			return err
		} else if ok {
			if err := e.step(p, t, x, depth); err != nil {
				return err
			}
		}
		for _, v := range x {
			if err := e.walk(p, t, v, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanMatches is Jayway's scan predicate: which containers the scanned
// step is applied to.
func (e *evaluator) scanMatches(p *Path, t int, cur any) (bool, error) {
	s := &p.steps[t]
	switch s.kind {
	case stepMember, stepMembers:
		obj, ok := cur.(*value.Object)
		if !ok {
			return false, nil
		}
		if s.kind == stepMember {
			return obj.Has(s.name), nil
		}
		if t < len(p.steps)-1 {
			return true, nil
		}
		for _, n := range s.names {
			if !obj.Has(n) {
				return false, nil
			}
		}
		return true, nil
	case stepIndex, stepIndexes, stepSlice:
		_, ok := cur.([]any)
		return ok, nil
	case stepWildcard:
		return true, nil
	case stepFilter:
		return e.accept(s.filter, cur)
	}
	return false, nil
}

// accept tests a filter against one item. Jayway treats an invalid-path
// failure inside a filter as "no match".
func (e *evaluator) accept(f expr, item any) (bool, error) {
	ok, err := f.eval(e, item)
	if err != nil {
		if isInvalid(err) {
			return false, nil
		}
		return false, err
	}
	return ok, nil
}

// isInvalid reports Jayway's InvalidPathException family, which includes
// PathNotFoundException.
func isInvalid(err error) bool {
	var nf *NotFoundError
	var ee *EvalError
	return errors.As(err, &nf) || (errors.As(err, &ee) && ee.invalid)
}
