package teststate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// loneName is the name a state given alone runs under; AWS's context
// object calls it so ($$.State.Name).
const loneName = "StateName"

// target is the state under test, ready to run.
type target struct {
	sm    *asl.StateMachine // the wrapping machine
	state *asl.State        // the state under test, inside sm
}

// compile finds the state to test in definition (the state itself, or with
// stateName a state machine holding it at any depth) and wraps it into a
// machine of its own.
func compile(definition, stateName string) (*target, error) {
	raw, err := value.ParseString(definition)
	if err != nil {
		return nil, api.Errorf(api.InvalidDefinition, "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: %s'", err.Error())
	}
	obj, ok := raw.(*value.Object)
	if !ok {
		return nil, api.Errorf(api.InvalidDefinition, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: the definition must be a JSON object'")
	}
	name, ql := loneName, ""
	state := obj
	if stateName != "" {
		if _, err := asl.ParseFor([]byte(definition), asl.Standard); err != nil {
			return nil, definitionError(err, "")
		}
		ql = stringField(obj, "QueryLanguage")
		if state = findState(obj, stateName, 0); state == nil {
			return nil, api.Errorf(api.ValidationException, "State '%s' not found in the state machine definition", stateName)
		}
		name = stateName
	} else if !obj.Has("Type") {
		return nil, api.Errorf(api.InvalidDefinition, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: a state definition needs a Type (to test a state of a state machine, name it in stateName)'")
	}
	if own := stringField(state, "QueryLanguage"); own != "" {
		ql = own
	}
	wrapped := wrap(state, name, ql)
	sm, err := asl.ParseFor(value.Marshal(wrapped), asl.Standard)
	if err != nil {
		return nil, definitionError(err, "/States/"+name)
	}
	return &target{sm: sm, state: sm.States[name]}, nil
}

// wrap builds {"StartAt": name, "States": {name: state, …}} with a Succeed
// placeholder for every state that state may go to.
func wrap(state *value.Object, name, ql string) *value.Object {
	states := value.NewObject(2)
	states.Set(name, state)
	for _, next := range targets(state) {
		if !states.Has(next) {
			states.Set(next, value.ObjectOf("Type", "Succeed"))
		}
	}
	m := value.NewObject(3)
	if ql != "" {
		m.Set("QueryLanguage", ql)
	}
	m.Set("StartAt", name)
	m.Set("States", states)
	return m
}

// targets lists the states a state names as its Next, Default, or a
// choice's or catcher's Next.
func targets(state *value.Object) []string {
	var out []string
	add := func(o *value.Object) {
		if s := stringField(o, "Next"); s != "" {
			out = append(out, s)
		}
	}
	add(state)
	if s := stringField(state, "Default"); s != "" {
		out = append(out, s)
	}
	for _, field := range []string{"Choices", "Catch"} {
		list, _ := get(state, field).([]any)
		for _, v := range list {
			if o, ok := v.(*value.Object); ok {
				add(o)
			}
		}
	}
	return out
}

// findState looks for the state called name in a machine or graph, also
// inside Parallel branches and Map item processors.
func findState(graph *value.Object, name string, depth int) *value.Object {
	if depth > 64 { // asl has refused deeper definitions already
		return nil
	}
	states, _ := get(graph, "States").(*value.Object)
	if s, ok := get(states, name).(*value.Object); ok {
		return s
	}
	for _, v := range states.All() {
		s, ok := v.(*value.Object)
		if !ok {
			continue
		}
		var inner []any
		if branches, ok := get(s, "Branches").([]any); ok {
			inner = append(inner, branches...)
		}
		for _, field := range []string{"ItemProcessor", "Iterator"} {
			if p, ok := get(s, field).(*value.Object); ok {
				inner = append(inner, p)
			}
		}
		for _, g := range inner {
			if g, ok := g.(*value.Object); ok {
				if found := findState(g, name, depth+1); found != nil {
					return found
				}
			}
		}
	}
	return nil
}

// definitionError words asl's diagnostics as AWS's InvalidDefinition,
// with locations inside the wrapper made relative to the state.
func definitionError(err error, prefix string) error {
	var ve *asl.ValidationError
	if !errors.As(err, &ve) {
		return api.Errorf(api.InvalidDefinition, "Invalid State Machine Definition: '%s'", err.Error())
	}
	parts := make([]string, 0, len(ve.Diagnostics))
	for _, d := range ve.Diagnostics {
		loc := d.Location
		if prefix != "" {
			if rest, ok := strings.CutPrefix(loc, prefix); ok {
				loc = rest
				if loc == "" {
					loc = "/"
				}
			}
		}
		p := fmt.Sprintf("%s: %s", d.Code, d.Message)
		if loc != "" {
			p += " at " + loc
		}
		parts = append(parts, p)
	}
	return api.Errorf(api.InvalidDefinition, "Invalid State Machine Definition: '%s'", strings.Join(parts, ", "))
}

func get(o *value.Object, key string) any {
	if o == nil {
		return nil
	}
	v, _ := o.Get(key)
	return v
}

func stringField(o *value.Object, key string) string {
	s, _ := get(o, key).(string)
	return s
}
