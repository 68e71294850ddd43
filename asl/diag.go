package asl

import (
	"fmt"
	"strings"
)

// Diagnostic codes, as AWS's ValidateStateMachineDefinition reports them.
const (
	CodeSchema            = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTarget     = "MISSING_TRANSITION_TARGET"
	CodeMissingEnd        = "MISSING_END_STATE"
	CodeInvalidJSON       = "INVALID_JSON_DESCRIPTION"
	CodeMissingDefinition = "MISSING_DESCRIPTION"
	CodeDuplicateState    = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName  = "INVALID_STATE_NAME"
	CodeInvalidLabel      = "INVALID_LABEL_NAME"
	CodeDuplicateLabel    = "DUPLICATE_LABEL_NAME"
	CodeInvalidResource   = "INVALID_RESOURCE"
	CodeTooDeeplyNested   = "TOO_DEEPLY_NESTED"
	CodeJSONataValidation = "JSONATA_VALIDATION_FAILED"
)

// Diagnostic is one problem in a definition.
type Diagnostic struct {
	Code     string // e.g. SCHEMA_VALIDATION_FAILED
	Location string // JSON-pointer-like path, e.g. /States/A/Next or "/" for the top level; "" when AWS gives none
	Message  string
}

// String words the diagnostic as it appears inside AWS's InvalidDefinition
// message: "CODE: message at /location".
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

// Error words the problems as AWS's InvalidDefinition message does. There a
// diagnostic without a location still ends "at null".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		if d.Location == "" {
			d.Location = "null"
		}
		parts[i] = d.String()
	}
	return "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'"
}

// diagnostics collects problems in the order they are found. Validation
// runs in stages, as AWS's does: the schema first (every problem in
// document order), and only a definition that passes it is checked for
// duplicate names and transitions.
type diagnostics struct {
	list []Diagnostic
}

func (d *diagnostics) add(code, loc, msg string) {
	d.list = append(d.list, Diagnostic{Code: code, Location: loc, Message: msg})
}

func (d *diagnostics) empty() bool { return len(d.list) == 0 }

func (d *diagnostics) err() error {
	if len(d.list) == 0 {
		return nil
	}
	return &ValidationError{Diagnostics: d.list}
}
