package engine

import (
	"fmt"
	"sync"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// maxCompiled bounds the compiled-definition cache; past it the cache
// starts over, which costs only re-parsing.
const maxCompiled = 1024

// compiledDefs keeps parsed definitions by their text, so that starting an
// execution does not parse its definition again. A parsed StateMachine is
// immutable and shared by every execution of it.
type compiledDefs struct {
	mu   sync.Mutex
	defs map[string]*asl.StateMachine
}

func (c *compiledDefs) get(def string) (*asl.StateMachine, error) {
	c.mu.Lock()
	sm, ok := c.defs[def]
	c.mu.Unlock()
	if ok {
		return sm, nil
	}
	sm, err := asl.Parse([]byte(def))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDefinition, err)
	}
	c.mu.Lock()
	if c.defs == nil || len(c.defs) >= maxCompiled {
		c.defs = make(map[string]*asl.StateMachine)
	}
	c.defs[def] = sm
	c.mu.Unlock()
	return sm, nil
}

// parseStart decodes what an execution needs from a request.
func (e *Engine) parseStart(def, input string) (*asl.StateMachine, any, error) {
	sm, err := e.compiled.get(def)
	if err != nil {
		return nil, nil, err
	}
	if input == "" {
		input = "{}"
	}
	in, err := value.ParseString(input)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid input: %w", err)
	}
	return sm, in, nil
}
