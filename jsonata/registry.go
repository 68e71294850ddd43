package jsonata

import (
	"fmt"
	"sync"

	"github.com/cairn-sfn/cairn/value"
)

// libraryTables lists the function library's tables (lib_*.go).
func libraryTables() [][]builtin {
	return [][]builtin{
		stringLibrary(), encodingLibrary(), numericLibrary(), formatLibrary(),
		objectLibrary(), arrayLibrary(), dateLibrary(),
	}
}

// registry maps names (without '$') to the functions every evaluation sees.
// It is built once and never changed.
var registry = sync.OnceValues(buildRegistry)

// evaluatorOverrides are library names whose entries the evaluator wraps,
// because their regex or function forms need the evaluator.
// The sequence functions are the evaluator's own because jsonata-js's
// versions hand back sequences (flagged arrays) that the evaluator treats
// differently from plain arrays.
var evaluatorOverrides = map[string]bool{
	"contains": true, "split": true, "replace": true, "random": true, "toMillis": true,
	"count": true, "append": true, "reverse": true, "distinct": true, "lookup": true, "keys": true,
}

func buildRegistry() (map[string]*native, error) {
	reg := map[string]*native{}
	add := func(name, sig string, fn func(*callCtx, []any) (any, error)) error {
		if _, dup := reg[name]; dup {
			return fmt.Errorf("jsonata: function $%s registered twice", name)
		}
		s, err := parseSignature(sig)
		if err != nil {
			return fmt.Errorf("jsonata: signature of $%s: %w", name, err)
		}
		reg[name] = &native{name: name, sig: s, fn: fn}
		return nil
	}
	libFns := map[string]builtin{}
	for _, table := range libraryTables() {
		for _, b := range table {
			if _, dup := libFns[b.name]; dup {
				return nil, fmt.Errorf("jsonata: library function $%s registered twice", b.name)
			}
			libFns[b.name] = b
			if evaluatorOverrides[b.name] {
				continue
			}
			if err := add(b.name, b.signature, wrapLibrary(b.fn)); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range evaluatorFunctions(libFns) {
		if err := add(b.name, b.signature, b.fn); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// wrapLibrary adapts a library function: its arguments are converted to
// plain arrays first.
func wrapLibrary(fn func([]any) (any, error)) func(*callCtx, []any) (any, error) {
	return func(_ *callCtx, args []any) (any, error) {
		plainArgs := make([]any, len(args))
		for i, a := range args {
			plainArgs[i], _ = plain(a)
		}
		return fn(plainArgs)
	}
}

// plain converts the evaluator's internal arrays inside v to []any,
// copying only what changes; changed reports whether it copied.
func plain(v any) (any, bool) {
	switch x := v.(type) {
	case *array:
		// Shared when no item changes: values are never modified in place,
		// and the capacity is clipped so that appends copy.
		p, _ := plain(x.items)
		items := p.([]any)
		return items[:len(items):len(items)], true
	case []any:
		var out []any
		for i, it := range x {
			p, ch := plain(it)
			if ch && out == nil {
				out = make([]any, len(x))
				copy(out, x[:i])
			}
			if out != nil {
				out[i] = p
			}
		}
		if out != nil {
			return out, true
		}
		return x, false
	case *value.Object:
		var out *value.Object
		for i := 0; i < x.Len(); i++ {
			k, it := x.At(i)
			p, ch := plain(it)
			if ch && out == nil {
				out = value.NewObject(x.Len())
				for j := 0; j < i; j++ {
					kk, vv := x.At(j)
					out.Set(kk, vv)
				}
			}
			if out != nil {
				out.Set(k, p)
			}
		}
		if out != nil {
			return out, true
		}
		return x, false
	}
	return v, false
}

// evalBuiltin is one of the evaluator's own functions.
type evalBuiltin struct {
	name      string
	signature string
	fn        func(*callCtx, []any) (any, error)
}
