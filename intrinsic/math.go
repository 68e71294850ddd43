package intrinsic

import (
	"math"

	"github.com/cairn-sfn/cairn/value"
)

// evalMathAdd implements States.MathAdd(a, b) over integers; numbers with a
// fraction are rounded first, as AWS documents and the recordings show
// (1.49 + 1.5 is 1 + 2).
func evalMathAdd(e *callEnv, args []any) (any, error) {
	a, err := intArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	b, err := intArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	return value.Int(a + b), nil
}

// evalMathRandom implements States.MathRandom(start, end[, seed]): an integer
// from start (inclusive) to end (exclusive). Without a seed the number comes
// from the caller's random source; with one it is what Java's
// new Random(seed).nextInt(end - start) + start gives, so the same seed
// always gives the same number.
func evalMathRandom(e *callEnv, args []any) (any, error) {
	start, err := intArg(e, args, 0)
	if err != nil {
		return nil, err
	}
	end, err := intArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	if end <= start {
		return nil, failf("The end of States.MathRandom (%d) must be greater than its start (%d)", end, start)
	}
	span := end - start
	if len(args) == 3 {
		seed, err := intArg(e, args, 2)
		if err != nil {
			return nil, err
		}
		if span > math.MaxInt32 {
			return nil, failf("The range of States.MathRandom, from %d to %d, is larger than %d", start, end, math.MaxInt32)
		}
		r := newJavaRandom(seed)
		return value.Int(start + int64(r.nextInt(int32(span)))), nil
	}
	if e.rnd == nil {
		return nil, failf("States.MathRandom has no source of randomness")
	}
	return value.Int(start + e.rnd.Int64N(span)), nil
}

// javaRandom is java.util.Random's 48-bit linear congruential generator.
type javaRandom struct{ seed uint64 }

const (
	javaMultiplier = 0x5DEECE66D
	javaMask       = 1<<48 - 1
)

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (uint64(seed) ^ javaMultiplier) & javaMask}
}

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + 0xB) & javaMask
	return int32(r.seed >> (48 - bits))
}

// nextInt returns a number in [0, bound) exactly as Random.nextInt(bound).
func (r *javaRandom) nextInt(bound int32) int32 {
	x := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(x)) >> 31)
	}
	for u := x; ; u = r.next(31) {
		x = u % bound
		if u-x+m >= 0 { // int32 overflow here means "reject and draw again"
			return x
		}
	}
}
