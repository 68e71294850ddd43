package jsonata

import "github.com/cairn-sfn/cairn/value"

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseShortNumber reads plain decimal text such as "-15.25" without
// strconv: when the digits fit in 2^53 and the fraction is at most 22
// digits, one IEEE division gives the correctly rounded value, the same
// as strconv.ParseFloat. Anything else (exponents, long text) reports
// false and the caller parses in full.
func parseShortNumber(n value.Number) (float64, bool) {
	if len(n) == 0 || len(n) > 17 {
		return 0, false
	}
	i := 0
	neg := false
	if n[0] == '-' {
		neg = true
		i++
	}
	var mant uint64
	digits, frac := 0, -1
	for ; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(mant)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}
