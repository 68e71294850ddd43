package value

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
)

// Equal reports whether a and b are the same JSON value. Numbers compare by
// numeric value (1 equals 1.0); object member order does not matter.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case Number:
		y, ok := b.(Number)
		return ok && CompareNumbers(x, y) == 0
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], yv) {
				return false
			}
		}
		return true
	}
	return false
}

// CompareNumbers returns -1, 0 or 1 as a is less than, equal to or greater
// than b. Integers compare exactly however long they are.
func CompareNumbers(a, b Number) int {
	if a == b {
		return 0
	}
	if ai, ok := a.Int(); ok && a.IsInteger() {
		if bi, ok := b.Int(); ok && b.IsInteger() {
			switch {
			case ai < bi:
				return -1
			case ai > bi:
				return 1
			}
			return 0
		}
	}
	af, bf := a.Float(), b.Float()
	switch {
	case af < bf:
		return -1
	case af > bf:
		return 1
	case af == bf && (len(a) > 15 || len(b) > 15):
		// Long literals can be distinct yet round to the same float.
		ar, aok := new(big.Rat).SetString(string(a))
		br, bok := new(big.Rat).SetString(string(b))
		if aok && bok {
			return ar.Cmp(br)
		}
	}
	return 0
}

// FromGo converts a value as encoding/json decodes it into `any`
// (map[string]any, []any, float64, json.Number, string, bool, nil), or one
// already in this package's model, into the model. Map keys are sorted,
// since Go maps have no order. Other Go types are an error.
func FromGo(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, Number, *Object:
		return x, nil
	case float64:
		return Float(x), nil
	case int:
		return Int(int64(x)), nil
	case int64:
		return Int(x), nil
	case json.Number:
		return Number(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := FromGo(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject(len(keys))
		for _, k := range keys {
			c, err := FromGo(x[k])
			if err != nil {
				return nil, err
			}
			o.Set(k, c)
		}
		return o, nil
	}
	return nil, fmt.Errorf("value: cannot convert %T", v)
}

// MustParse is Parse for literals in tests and tables; it panics on bad JSON.
func MustParse(s string) any {
	v, err := ParseString(s)
	if err != nil {
		panic(err)
	}
	return v
}
