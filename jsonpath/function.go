package jsonpath

import (
	"fmt"
	"math"

	"github.com/cairn-sfn/cairn/value"
)

// function is one of Jayway's path functions.
type function uint8

const (
	fnLength function = iota + 1 // length() and size()
	fnMin
	fnMax
	fnAvg
	fnStddev
	fnSum
	fnKeys
	fnConcat
	fnAppend
	fnFirst
	fnLast
	fnIndex
)

func functionByName(name string) (function, bool) {
	switch name {
	case "length", "size":
		return fnLength, true
	case "min":
		return fnMin, true
	case "max":
		return fnMax, true
	case "avg":
		return fnAvg, true
	case "stddev":
		return fnStddev, true
	case "sum":
		return fnSum, true
	case "keys":
		return fnKeys, true
	case "concat":
		return fnConcat, true
	case "append":
		return fnAppend, true
	case "first":
		return fnFirst, true
	case "last":
		return fnLast, true
	case "index":
		return fnIndex, true
	}
	return 0, false
}

const emptyAggregation = "Aggregation function attempted to calculate value using empty array"

// fatalf makes an error that fails the whole evaluation, filters included,
// as Jayway's JsonPathException does.
func fatalf(format string, args ...any) error {
	return &EvalError{Msg: fmt.Sprintf(format, args...)}
}

// args evaluates the arguments: paths against the root document, with
// Jayway's read semantics (a definite path that matches nothing fails).
func (e *evaluator) args(s *step) ([]any, error) {
	out := make([]any, len(s.args))
	for i, a := range s.args {
		if a.path == nil {
			out[i] = a.lit
			continue
		}
		res, err := e.sub(a.path, e.root, false)
		if err != nil {
			if _, ok := err.(*NotFoundError); ok && !a.path.IsDefinite() {
				out[i] = []any{}
				continue
			}
			return nil, err
		}
		if out[i], err = a.path.result(res); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// call applies function step s to model.
func (e *evaluator) call(s *step, model any) (any, error) {
	switch s.fn {
	case fnLength:
		return e.length(s, model)
	case fnKeys:
		obj, ok := model.(*value.Object)
		if !ok {
			return nil, nil
		}
		keys := make([]any, obj.Len())
		for i, k := range obj.Keys() {
			keys[i] = k
		}
		return keys, nil
	}
	args, err := e.args(s)
	if err != nil {
		return nil, err
	}
	arr, isArr := model.([]any)
	switch s.fn {
	case fnMin, fnMax, fnAvg, fnStddev, fnSum:
		var nums []float64
		if isArr {
			nums = appendNumbers(nums, arr)
		}
		for _, a := range args {
			if l, ok := a.([]any); ok {
				nums = appendNumbers(nums, l)
			} else if n, ok := a.(value.Number); ok {
				nums = append(nums, n.Float())
			}
		}
		if len(nums) == 0 {
			return nil, fatalf(emptyAggregation)
		}
		return doubleNumber(aggregate(s.fn, nums)), nil
	case fnConcat:
		var b []byte
		if isArr {
			for _, v := range arr {
				if str, ok := v.(string); ok {
					b = append(b, str...)
				}
			}
		}
		for _, a := range args {
			if l, ok := a.([]any); ok {
				for _, v := range l {
					b = append(b, javaToString(v)...)
				}
			} else {
				b = append(b, javaToString(a)...)
			}
		}
		return string(b), nil
	case fnAppend:
		if !isArr || len(args) == 0 {
			return model, nil
		}
		out := make([]any, len(arr), len(arr)+len(args))
		copy(out, arr)
		return append(out, args...), nil
	case fnFirst, fnLast, fnIndex:
		if !isArr {
			return nil, fatalf(emptyAggregation)
		}
		target := 0
		switch s.fn {
		case fnLast:
			target = -1
		case fnIndex:
			var nums []float64
			for _, a := range args {
				if l, ok := a.([]any); ok {
					nums = appendNumbers(nums, l)
				} else if n, ok := a.(value.Number); ok {
					nums = append(nums, n.Float())
				}
			}
			if len(nums) == 0 {
				return nil, fatalf("index() needs a number")
			}
			target = javaIntValue(nums[0])
		}
		at := target
		if at < 0 {
			at += len(arr)
		}
		if at < 0 || at >= len(arr) {
			return nil, fatalf("Target index:%d larger than object count:%d", target, len(arr))
		}
		return arr[at], nil
	}
	return nil, fatalf("unknown function")
}

// length counts the elements of an array or the members of an object;
// anything else has no length (null). With a path argument, as in the
// rewritten "$..a.length()", it counts what the path's values contain.
func (e *evaluator) length(s *step, model any) (any, error) {
	if len(s.args) > 0 {
		a := s.args[0]
		if a.path == nil {
			return nil, fatalf("length() takes a path, not a value")
		}
		res, err := e.sub(a.path, model, false)
		if err != nil {
			return nil, err
		}
		if a.path.isFunctionPath() {
			v, err := a.path.result(res)
			if err != nil {
				return nil, err
			}
			if l, ok := v.([]any); ok {
				return value.Int(int64(len(l))), nil
			}
		} else {
			// Jayway appends [*] to the argument path and counts the
			// matches.
			n := 0
			for _, v := range res {
				switch x := v.(type) {
				case []any:
					n += len(x)
				case *value.Object:
					n += x.Len()
				}
			}
			return value.Int(int64(n)), nil
		}
	}
	switch x := model.(type) {
	case []any:
		return value.Int(int64(len(x))), nil
	case *value.Object:
		return value.Int(int64(x.Len())), nil
	}
	return nil, nil
}

func (p *Path) isFunctionPath() bool {
	return len(p.steps) > 0 && p.steps[len(p.steps)-1].kind == stepFunction
}

func appendNumbers(nums []float64, l []any) []float64 {
	for _, v := range l {
		if n, ok := v.(value.Number); ok {
			nums = append(nums, n.Float())
		}
	}
	return nums
}

// aggregate computes in doubles, as Jayway does.
func aggregate(fn function, nums []float64) float64 {
	switch fn {
	case fnMin:
		m := math.Inf(1)
		for _, n := range nums {
			m = math.Min(m, n)
		}
		return m
	case fnMax:
		// Jayway starts from Double.MIN_VALUE, the smallest positive
		// double, so its max of negative numbers is 4.9E-324. We return
		// the maximum.
		m := math.Inf(-1)
		for _, n := range nums {
			m = math.Max(m, n)
		}
		return m
	}
	var sum, sumSq float64
	for _, n := range nums {
		sum += n
		sumSq += n * n
	}
	count := float64(len(nums))
	switch fn {
	case fnAvg:
		return sum / count
	case fnStddev:
		return math.Sqrt(sumSq/count - sum*sum/count/count)
	}
	return sum
}

// javaIntValue is Java's (int) conversion of a double: truncation,
// saturating at the int range.
func javaIntValue(f float64) int {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int(f)
}

// javaToString is how concat() writes a non-string value: Java's toString
// of the value Jackson holds.
func javaToString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case value.Number:
		return javaNumberText(x)
	}
	return javaString(v)
}
