package jsonata

import (
	"github.com/cairn-sfn/cairn/value"
)

// objectLibrary holds the boolean, type and object functions.
func objectLibrary() []builtin {
	return []builtin{
		{"boolean", "<x-:b>", fnBoolean},
		{"not", "<x-:b>", fnNot},
		{"type", "<x:s>", fnType},
		{"exists", "<x:b>", fnExists},
		{"keys", "<x-:a<s>>", fnKeys},
		{"lookup", "<x-s:x>", fnLookup},
		{"spread", "<x-:a<o>>", fnSpread},
		{"merge", "<a<o>:o>", fnMerge},
	}
}

// arrayLibrary holds the array functions that need no function argument.
// It is apart so that the registry can leave it out if the evaluator
// provides its own versions.
func arrayLibrary() []builtin {
	return []builtin{
		{"count", "<a:n>", fnCount},
		{"append", "<xx:a>", fnAppend},
		{"reverse", "<a:a>", fnReverse},
		{"distinct", "<x:x>", fnDistinct},
	}
}

// effectiveBoolean is $boolean (JSONata's truthiness): empty strings,
// zero, null, empty arrays and objects, functions and arrays of only
// false values are false. Undefined stays undefined (ok is false).
func effectiveBoolean(v any) (result, ok bool) {
	switch x := v.(type) {
	case undefinedType:
		return false, false
	case nil:
		return false, true
	case bool:
		return x, true
	case string:
		return x != "", true
	case float64, value.Number:
		f, _ := toFloat(x)
		return f != 0 && f == f, true
	case []any:
		if len(x) == 1 {
			return effectiveBoolean(x[0])
		}
		for _, e := range x {
			if b, _ := effectiveBoolean(e); b {
				return true, true
			}
		}
		return false, true
	case *value.Object:
		return x.Len() > 0, true
	}
	return false, true // functions
}

func fnBoolean(args []any) (any, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	b, ok := effectiveBoolean(args[0])
	if !ok {
		return undefined, nil
	}
	return b, nil
}

func fnNot(args []any) (any, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	b, ok := effectiveBoolean(args[0])
	if !ok {
		return undefined, nil
	}
	return !b, nil
}

// typeName is $type: the JSON type of v, or "function".
func typeName(v any) (string, bool) {
	switch v.(type) {
	case undefinedType:
		return "", false
	case nil:
		return "null", true
	case float64, value.Number:
		return "number", true
	case string:
		return "string", true
	case bool:
		return "boolean", true
	case []any:
		return "array", true
	case *value.Object:
		return "object", true
	}
	return "function", true
}

func fnType(args []any) (any, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	t, ok := typeName(args[0])
	if !ok {
		return undefined, nil
	}
	return t, nil
}

func fnExists(args []any) (any, error) {
	return argDefined(args, 0), nil
}

// objectKeys is $keys: an object's keys, or the union of the keys of the
// objects in an array, in first-seen order.
func objectKeys(v any) []string {
	switch x := v.(type) {
	case *value.Object:
		return x.Keys()
	case []any:
		seen := map[string]bool{}
		var keys []string
		for _, e := range x {
			for _, k := range objectKeys(e) {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		return keys
	}
	return nil
}

func fnKeys(args []any) (any, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	keys := objectKeys(args[0])
	items := make([]any, len(keys))
	for i, k := range keys {
		items[i] = k
	}
	return libSequence(items), nil
}

// lookupKey is $lookup: the key's value in an object; over an array, the
// flattened values of every object that has it.
func lookupKey(v any, key string) any {
	switch x := v.(type) {
	case *value.Object:
		if e, ok := x.Get(key); ok {
			return e
		}
		return undefined
	case []any:
		var items []any
		for _, e := range x {
			r := lookupKey(e, key)
			switch rv := r.(type) {
			case undefinedType:
			case []any:
				items = append(items, rv...)
			default:
				items = append(items, rv)
			}
		}
		return libSequence(items)
	}
	return undefined
}

func fnLookup(args []any) (any, error) {
	if len(args) < 2 {
		return undefined, nil
	}
	key, ok := args[1].(string)
	if !ok {
		return undefined, nil
	}
	return lookupKey(args[0], key), nil
}

// spreadObjects is $spread: each key/value pair of an object (or of every
// object in an array) as an object of its own; other values pass through.
func spreadObjects(v any) any {
	switch x := v.(type) {
	case *value.Object:
		items := make([]any, 0, x.Len())
		for k, e := range x.All() {
			items = append(items, value.ObjectOf(k, e))
		}
		return libSequence(items)
	case []any:
		var items []any
		for _, e := range x {
			switch r := spreadObjects(e).(type) {
			case undefinedType:
			case []any:
				items = append(items, r...)
			default:
				items = append(items, r)
			}
		}
		return items
	}
	return v
}

func fnSpread(args []any) (any, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	return spreadObjects(args[0]), nil
}

// mergeObjects is $merge: later keys win; a key keeps its first position.
func mergeObjects(objs []any) *value.Object {
	out := value.NewObject(0)
	for _, o := range objs {
		if obj, ok := o.(*value.Object); ok {
			for k, e := range obj.All() {
				out.Set(k, e)
			}
		}
	}
	return out
}

func fnMerge(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	switch x := args[0].(type) {
	case []any:
		for _, e := range x {
			if _, ok := e.(*value.Object); !ok {
				return nil, libError("T0412", args[0], "argument 1 of function $merge must be an array of objects")
			}
		}
		return mergeObjects(x), nil
	case *value.Object:
		return mergeObjects([]any{x}), nil
	}
	return nil, libError("T0412", args[0], "argument 1 of function $merge must be an array of objects")
}

func fnCount(args []any) (any, error) {
	if !argDefined(args, 0) {
		return 0.0, nil
	}
	if a, ok := args[0].([]any); ok {
		return float64(len(a)), nil
	}
	return 1.0, nil
}

// appendValues is $append: both sides as arrays, concatenated; an
// undefined side leaves the other as it is.
func appendValues(a, b any) any {
	if libIsUndefined(b) {
		return a
	}
	if libIsUndefined(a) {
		return b
	}
	left, ok := a.([]any)
	if !ok {
		left = []any{a}
	}
	right, ok := b.([]any)
	if !ok {
		right = []any{b}
	}
	out := make([]any, 0, len(left)+len(right))
	out = append(out, left...)
	return append(out, right...)
}

func fnAppend(args []any) (any, error) {
	return appendValues(argOrUndefined(args, 0), argOrUndefined(args, 1)), nil
}

func fnReverse(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	a, ok := args[0].([]any)
	if !ok {
		return args[0], nil
	}
	out := make([]any, len(a))
	for i, e := range a {
		out[len(a)-1-i] = e
	}
	return out, nil
}

func fnDistinct(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	a, ok := args[0].([]any)
	if !ok {
		return args[0], nil
	}
	var out []any
	for _, e := range a {
		dup := false
		for _, seen := range out {
			if deepEqualValues(e, seen) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// deepEqualValues compares two values structurally, numbers by value
// whichever form they are in.
func deepEqualValues(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !deepEqualValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case *value.Object:
		y, ok := b.(*value.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for k, e := range x.All() {
			f, ok := y.Get(k)
			if !ok || !deepEqualValues(e, f) {
				return false
			}
		}
		return true
	case nil, bool, string, undefinedType:
		return a == b
	}
	return false
}
