package intrinsic

import (
	"math/rand/v2"

	"github.com/cairn-sfn/cairn/jsonpath"
)

// Error is a runtime failure of an intrinsic function: an argument of the
// wrong type or out of range, text that is not JSON, and so on. The
// interpreter reports it as States.IntrinsicFailure with Cause as the cause.
type Error struct {
	Cause string
}

func (e *Error) Error() string { return "intrinsic: " + e.Cause }

// Eval runs the call and returns its value, built fresh (arguments read from
// env are shared, never modified).
//
// Path arguments read env. A path that fails (a *jsonpath.NotFoundError when
// it names nothing) returns package jsonpath's error unchanged, so the caller
// can report it the way it reports any other path; every other failure is an
// *Error. rnd supplies randomness for States.UUID and States.MathRandom
// without a seed; with a nil rnd those two fail.
func (c *Call) Eval(env *jsonpath.Env, rnd *rand.Rand) (any, error) {
	args := make([]any, len(c.args))
	for i := range c.args {
		a := &c.args[i]
		switch a.kind {
		case argLiteral:
			if a.bad != "" {
				return nil, &Error{Cause: a.bad}
			}
			args[i] = a.lit
		case argPath:
			v, err := a.path.Eval(env)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case argCall:
			v, err := a.call.Eval(env, rnd)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
	}
	return c.fn.eval(&callEnv{call: c, rnd: rnd}, args)
}

// callEnv is what a function implementation sees besides its arguments.
type callEnv struct {
	call *Call
	rnd  *rand.Rand
}
