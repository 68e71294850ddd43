package intrinsic

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// maxRangeItems is the most items States.ArrayRange may produce.
const maxRangeItems = 1000

// evalArray implements States.Array(values...).
func evalArray(_ *callEnv, args []any) (any, error) {
	return slices.Clone(args), nil
}

// evalArrayPartition implements States.ArrayPartition(array, size): the array
// cut into chunks of size items, the last one possibly shorter.
func evalArrayPartition(e *callEnv, args []any) (any, error) {
	arr, err := arrayArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	size, err := intArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, failf("The chunk size of States.ArrayPartition must be a positive integer, but it is %d", size)
	}
	out := make([]any, 0, (int64(len(arr))+size-1)/size)
	for i := 0; i < len(arr); i += int(size) {
		out = append(out, slices.Clone(arr[i:min(len(arr), i+int(size))]))
	}
	return out, nil
}

// evalArrayContains implements States.ArrayContains(array, value).
func evalArrayContains(e *callEnv, args []any) (any, error) {
	arr, err := arrayArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	want := identity(args[1])
	for _, v := range arr {
		if identity(v) == want {
			return true, nil
		}
	}
	return false, nil
}

// evalArrayRange implements States.ArrayRange(first, last, step): first,
// first+step, ... up to and including last.
func evalArrayRange(e *callEnv, args []any) (any, error) {
	var n [3]int64
	for i := range n {
		v, err := intArg(e, args, i)
		if err != nil {
			return nil, err
		}
		n[i] = v
	}
	first, last, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, failf("The step of States.ArrayRange must not be 0")
	}
	var count int64
	switch {
	case step > 0 && first <= last:
		count = (last-first)/step + 1
	case step < 0 && first >= last:
		count = (first-last)/-step + 1
	}
	if count > maxRangeItems {
		return nil, failf("States.ArrayRange can produce at most %d items, but these arguments produce %d", maxRangeItems, count)
	}
	out := make([]any, count)
	for i := range out {
		out[i] = value.Int(first + int64(i)*step)
	}
	return out, nil
}

// evalArrayGetItem implements States.ArrayGetItem(array, index).
func evalArrayGetItem(e *callEnv, args []any) (any, error) {
	arr, err := arrayArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	i, err := intArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= int64(len(arr)) {
		return nil, failf("The index %d given to States.ArrayGetItem is out of bounds for an array of length %d", i, len(arr))
	}
	return arr[i], nil
}

// evalArrayLength implements States.ArrayLength(array).
func evalArrayLength(e *callEnv, args []any) (any, error) {
	arr, err := arrayArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	return value.Int(int64(len(arr))), nil
}

// evalArrayUnique implements States.ArrayUnique(array): the first occurrence
// of each distinct value, in order.
func evalArrayUnique(e *callEnv, args []any) (any, error) {
	arr, err := arrayArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(arr))
	out := make([]any, 0, len(arr))
	for _, v := range arr {
		k := identity(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// identity returns a key that two values share exactly when Jackson's
// JsonNode.equals holds between them: object member order does not matter,
// and numbers are equal when they have the same value and the same kind
// (an integer never equals a number written with a fraction or exponent).
func identity(v any) string {
	var b strings.Builder
	writeIdentity(&b, v)
	return b.String()
}

func writeIdentity(b *strings.Builder, v any) {
	switch x := v.(type) {
	case value.Number:
		if x.IsInteger() {
			b.WriteByte('i')
			b.WriteString(javaNumber(x))
		} else {
			b.WriteByte('f')
			b.WriteString(strconv.FormatFloat(x.Float(), 'g', -1, 64))
		}
		b.WriteByte(';')
	case []any:
		b.WriteByte('[')
		for _, e := range x {
			writeIdentity(b, e)
		}
		b.WriteByte(']')
	case *value.Object:
		keys := slices.Clone(x.Keys())
		slices.Sort(keys)
		b.WriteByte('{')
		for _, k := range keys {
			e, _ := x.Get(k)
			b.Write(value.AppendString(nil, k))
			writeIdentity(b, e)
		}
		b.WriteByte('}')
	default: // null, booleans and strings: their JSON text is unambiguous
		b.Write(value.Marshal(x))
	}
}
