package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"

	"github.com/cairn-sfn/cairn/jsonata"
	"github.com/cairn-sfn/cairn/value"
)

// awsFunctions are the functions Step Functions adds to JSONata. Random
// values come from the execution's seeded source, so a replay repeats them.
func awsFunctions(env *Env) map[string]jsonata.Function {
	return map[string]jsonata.Function{
		"partition": {Signature: "<an:a>", Fn: fnPartition},
		"range":     {Signature: "<nnn?:a>", Fn: fnRange},
		"hash":      {Signature: "<s-s?:s>", Fn: fnHash},
		"random":    {Signature: "<n?:n>", Fn: func(args []any) (any, error) { return fnRandom(env, args) }},
		"uuid":      {Signature: "<:s>", Fn: func([]any) (any, error) { return fnUUID(env) }},
		"parse":     {Signature: "<s-:x>", Fn: fnParse},
		"eval": {Fn: func([]any) (any, error) {
			return nil, &jsonata.Error{Code: "D3121", Position: -1, Message: "The $eval function is not supported by Step Functions"}
		}},
	}
}

func argError(name, msg string) error {
	return &jsonata.Error{Code: "D3137", Position: -1, Message: fmt.Sprintf("$%s: %s", name, msg)}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case value.Number:
		return n.Float(), true
	}
	return 0, false
}

func fnPartition(args []any) (any, error) {
	arr, _ := args[0].([]any)
	size, ok := number(args[1])
	if !ok || size <= 0 || size != math.Trunc(size) {
		return nil, argError("partition", "the chunk size must be a positive integer")
	}
	n := int(size)
	out := make([]any, 0, (len(arr)+n-1)/n)
	for i := 0; i < len(arr); i += n {
		out = append(out, append([]any(nil), arr[i:min(i+n, len(arr))]...))
	}
	return out, nil
}

func fnRange(args []any) (any, error) {
	start, ok1 := number(args[0])
	end, ok2 := number(args[1])
	step := 1.0
	if len(args) > 2 && !jsonata.IsUndefined(args[2]) {
		var ok bool
		if step, ok = number(args[2]); !ok {
			return nil, argError("range", "the step must be a number")
		}
	}
	if !ok1 || !ok2 || step == 0 || math.IsNaN(step) {
		return nil, argError("range", "start, end and a non-zero step are required")
	}
	var out []any
	for x := start; (step > 0 && x <= end) || (step < 0 && x >= end); x += step {
		if len(out) >= 1000 {
			return nil, argError("range", "the range has more than 1000 items")
		}
		out = append(out, value.Float(x))
	}
	switch len(out) {
	case 0:
		return []any{}, nil
	case 1:
		// A one-item range is a singleton sequence, which JSONata
		// unwraps; AWS's $range answers the item itself.
		return out[0], nil
	}
	return out, nil
}

func fnHash(args []any) (any, error) {
	s, _ := args[0].(string)
	alg := "SHA-256"
	if len(args) > 1 {
		if a, ok := args[1].(string); ok {
			alg = a
		}
	}
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, argError("hash", fmt.Sprintf("unsupported algorithm %q: use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", alg))
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fnRandom(env *Env, args []any) (any, error) {
	if len(args) > 0 && !jsonata.IsUndefined(args[0]) {
		seed, ok := number(args[0])
		if !ok {
			return nil, argError("random", "the seed must be a number")
		}
		r := rand.New(rand.NewPCG(uint64(int64(seed)), 0))
		return r.Float64(), nil
	}
	if env.Rand == nil {
		return nil, argError("random", "no random source")
	}
	return env.Rand.Float64(), nil
}

func fnUUID(env *Env) (any, error) {
	if env.Rand == nil {
		return nil, argError("uuid", "no random source")
	}
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := env.Rand.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

func fnParse(args []any) (any, error) {
	s, _ := args[0].(string)
	v, err := value.ParseString(s)
	if err != nil {
		return nil, argError("parse", err.Error())
	}
	return v, nil
}
