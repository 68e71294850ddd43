package jsonata

import (
	"errors"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

var fuzzSeeds = []string{
	`Account.Order.Product[Price > 30].{"name": $."Product Name"}`,
	`$map([1..5], function($v, $i) { $v * $i })`,
	`items#$i@$x[$i > 0].%.name`,
	`$ ~> |items|{"x": 1}, ["y"]|`,
	`($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5))`,
	`a ?? b ?: c`,
	`items^(>price, id){id: $sum(price)}`,
	`$replace("abc", /(b)/i, "$1$1")`,
	`/* c */ "s" & 'q' & ` + "`n`",
	`function($a, $b)<n-n?:n>{ $a }`,
	`[1, [2], [[3]]][0][]`,
	`**.*[%]`,
	`(((((((((((1)))))))))))`,
}

func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("%q: error %T is not *Error: %v", src, err, err)
			}
			if je.Code == "" {
				t.Fatalf("%q: error without a code: %v", src, err)
			}
			return
		}
		if e == nil {
			t.Fatalf("%q: nil expression without error", src)
		}
	})
}

func FuzzEval(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	doc := value.MustParse(testDoc)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			return
		}
		opts := &Options{MaxDepth: 200, Timeout: 200 * time.Millisecond, Now: now}
		_, err = e.Eval(doc, opts)
		var je *Error
		if err != nil && errors.As(err, &je) && je.Code == "U1000" {
			t.Fatalf("%q: internal error: %v", src, err)
		}
	})
}
