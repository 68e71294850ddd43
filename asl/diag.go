package asl

import (
	"fmt"
	"sort"
	"strings"
)

// Diagnostic codes, as AWS's ValidateStateMachineDefinition reports them.
const (
	CodeSchema            = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTarget     = "MISSING_TRANSITION_TARGET"
	CodeMissingEnd        = "MISSING_END_STATE"
	CodeInvalidJSON       = "INVALID_JSON_DESCRIPTION"
	CodeDuplicateState    = "DUPLICATE_STATE_NAME"
	CodeInvalidResource   = "INVALID_RESOURCE"
	CodeTooManyStates     = "TOO_MANY_STATES" // not used by AWS's catalogue; kept for clarity
	CodeJSONataValidation = "JSONATA_VALIDATION_FAILED"
)

// Diagnostic is one problem in a definition.
type Diagnostic struct {
	Code     string // e.g. SCHEMA_VALIDATION_FAILED
	Location string // JSON pointer-like path, e.g. /States/A/Next; "" for the whole definition
	Message  string
}

func (d Diagnostic) String() string {
	if d.Location == "" {
		return d.Code + ": " + d.Message
	}
	return fmt.Sprintf("%s: %s at %s", d.Code, d.Message, d.Location)
}

// ValidationError lists every problem found in a definition.
type ValidationError struct {
	Diagnostics []Diagnostic
}

// Error words the problems as AWS's InvalidDefinition message does.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		parts[i] = d.String()
	}
	return "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'"
}

type diagnostics struct {
	list []Diagnostic
}

func (d *diagnostics) add(code, loc, msg string) {
	d.list = append(d.list, Diagnostic{Code: code, Location: loc, Message: msg})
}

func (d *diagnostics) err() error {
	if len(d.list) == 0 {
		return nil
	}
	// Schema problems first, then transition problems, each in location
	// order, so the message is stable.
	sort.SliceStable(d.list, func(i, j int) bool {
		ri, rj := codeRank(d.list[i].Code), codeRank(d.list[j].Code)
		if ri != rj {
			return ri < rj
		}
		return false
	})
	return &ValidationError{Diagnostics: d.list}
}

func codeRank(code string) int {
	switch code {
	case CodeInvalidJSON:
		return 0
	case CodeSchema, CodeJSONataValidation:
		return 1
	case CodeMissingTarget:
		return 2
	case CodeMissingEnd:
		return 3
	}
	return 4
}
