package intrinsic

import (
	"slices"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// evalStringToJSON implements States.StringToJson(text). Text that is empty
// or only white space gives null, as AWS does.
func evalStringToJSON(e *callEnv, args []any) (any, error) {
	s, err := stringArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := value.ParseString(s)
	if err != nil {
		return nil, failf("The argument of States.StringToJson is not valid JSON text: %v", err)
	}
	v, _ = canonicalZero(v)
	return v, nil
}

// canonicalZero rewrites the integer -0, which Jackson reads as 0. It copies
// only the containers it changes and reports whether it changed anything.
func canonicalZero(v any) (any, bool) {
	switch x := v.(type) {
	case value.Number:
		if x.IsInteger() && x != "0" && strings.TrimLeft(string(x), "-0") == "" {
			return value.Number("0"), true
		}
	case []any:
		var out []any
		for i, e := range x {
			if c, changed := canonicalZero(e); changed {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = c
			}
		}
		if out != nil {
			return out, true
		}
	case *value.Object:
		var out *value.Object
		for i, k := range x.Keys() {
			_, e := x.At(i)
			if c, changed := canonicalZero(e); changed {
				if out == nil {
					out = x.Clone()
				}
				out.Set(k, c)
			}
		}
		if out != nil {
			return out, true
		}
	}
	return v, false
}

// evalJSONToString implements States.JsonToString(value): compact JSON text.
func evalJSONToString(_ *callEnv, args []any) (any, error) {
	return string(value.Marshal(args[0])), nil
}

// evalJSONMerge implements States.JsonMerge(a, b, false): a shallow merge in
// which b's members replace a's. AWS supports only the shallow mode, so the
// third argument must be false.
func evalJSONMerge(e *callEnv, args []any) (any, error) {
	a, err := objectArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	b, err := objectArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	deep, ok := args[2].(bool)
	if !ok {
		return nil, typeError(e, 2, "a boolean", args[2])
	}
	if deep {
		return nil, failf("States.JsonMerge supports only a shallow merge: its third argument must be false")
	}
	out := value.NewObject(a.Len() + b.Len())
	for k, v := range a.All() {
		out.Set(k, v)
	}
	for k, v := range b.All() {
		out.Set(k, v)
	}
	return out, nil
}
