package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/cairn-sfn/cairn/value"
)

// Case is one recorded case, one line of cases.jsonl. Free-form parts stay
// raw JSON; decode them with value.Parse where numbers and key order matter.
type Case struct {
	ID                 string            `json:"id"`
	Kind               string            `json:"kind"` // execution, output_only, test_state, express_sync, describe_only, express_async
	TestFile           string            `json:"test_file"`
	Test               string            `json:"test"`
	Params             *string           `json:"params"`
	SnapshotKeys       []string          `json:"snapshot_keys"`
	AWSMarker          string            `json:"aws_marker"`
	AWSValidated       bool              `json:"aws_validated"`
	RecordedDate       string            `json:"recorded_date"`
	LastValidatedDate  string            `json:"last_validated_date"`
	StateMachineType   string            `json:"state_machine_type"` // STANDARD or EXPRESS; empty for test_state
	StartAPI           string            `json:"start_api"`
	Definition         json.RawMessage   `json:"definition"`
	Input              *string           `json:"input"` // nil only when the test sent no input at all
	InputDefaulted     bool              `json:"input_defaulted"`
	InputCheck         string            `json:"input_check"`
	RecordedInput      json.RawMessage   `json:"recorded_input"`
	InputPlaceholders  []string          `json:"input_placeholders"`
	Expected           Expected          `json:"expected"`
	History            json.RawMessage   `json:"history"` // the events array, normalised; null when not recorded
	HistoryRequest     *HistoryRequest   `json:"history_request"`
	Describe           json.RawMessage   `json:"describe"`
	SyncResponse       json.RawMessage   `json:"sync_response"`
	ExpressEndEvent    json.RawMessage   `json:"express_end_event"`
	ExtraRecorded      json.RawMessage   `json:"extra_recorded"`
	TestStateRequest   json.RawMessage   `json:"test_state_request"`
	Response           json.RawMessage   `json:"response"`
	Services           []string          `json:"services"`
	Features           []string          `json:"features"`
	LambdaFunctions    map[string]string `json:"lambda_functions"`
	OtherStateMachines json.RawMessage   `json:"other_state_machines"`
	AWSSetupCalls      json.RawMessage   `json:"aws_setup_calls"`
	Normalizers        []Normalizer      `json:"normalizers"`
	SkipVerifyPaths    []string          `json:"localstack_skip_verify_paths"`
	Issues             []string          `json:"issues"`
}

// Expected is what AWS answered.
type Expected struct {
	Status         string          `json:"status"` // SUCCEEDED, FAILED, TIMED_OUT, ABORTED, INCOMPLETE_HISTORY; TestState adds RETRIABLE, CAUGHT_ERROR
	Output         json.RawMessage `json:"output"`
	OutputValue    json.RawMessage `json:"output_value"`
	Error          *string         `json:"error"`
	Cause          json.RawMessage `json:"cause"` // a string, or an object when the cause was a JSON object
	NextState      string          `json:"nextState"`
	DescribeStatus string          `json:"describe_status"`
}

// HistoryRequest is how the history was fetched.
type HistoryRequest struct {
	ReverseOrder         bool `json:"reverseOrder"`
	IncludeExecutionData bool `json:"includeExecutionData"`
}

// Normalizer is one of the test's own normalisation rules.
type Normalizer struct {
	Type             string `json:"type"` // regex, jsonpath, key_value, other, generic
	Name             string `json:"name"` // for other and generic
	Pattern          string `json:"pattern"`
	Replacement      string `json:"replacement"`
	Path             string `json:"path"`
	Key              string `json:"key"`
	ReplaceReference bool   `json:"replace_reference"`
}

// Load reads a cases.jsonl file.
func Load(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	var cases []Case
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var c Case
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("load cases: %s line %d: %w", path, line, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	return cases, nil
}

// DefaultPath returns ../shared/conformance/cases.jsonl next to the
// repository root (the directory holding go.mod, found by walking up from
// this package's source directory, or from the working directory), or ""
// when the file is absent.
func DefaultPath() string {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				p := filepath.Join(d, "..", "shared", "conformance", "cases.jsonl")
				if _, err := os.Stat(p); err == nil {
					return filepath.Clean(p)
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return ""
}

// Pure reports whether the definition calls no service.
func (c *Case) Pure() bool { return len(c.Services) == 0 }

// HasFeature reports whether the case carries feature tag f.
func (c *Case) HasFeature(f string) bool { return slices.Contains(c.Features, f) }

// HasHistory reports whether a full history was recorded (kind execution).
func (c *Case) HasHistory() bool {
	return len(c.History) > 0 && !bytes.Equal(bytes.TrimSpace(c.History), []byte("null"))
}

// InputText is the input to start the execution with ("{}" when none).
func (c *Case) InputText() string {
	if c.Input == nil {
		return "{}"
	}
	return *c.Input
}

// DefinitionText is the definition as the test sent it: Python's
// json.dumps of the parsed definition, members in their recorded order.
func (c *Case) DefinitionText() (string, error) {
	v, err := value.Parse(c.Definition)
	if err != nil {
		return "", fmt.Errorf("case %s: definition: %w", c.ID, err)
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return pyDumps(v), nil
}

// Filter returns the cases for which keep is true.
func Filter(cases []Case, keep func(*Case) bool) []Case {
	var out []Case
	for i := range cases {
		if keep(&cases[i]) {
			out = append(out, cases[i])
		}
	}
	return out
}

// PureJSONPath selects pure execution and output_only cases that use only
// JSONPath: no JSONata and no variables.
func PureJSONPath(c *Case) bool {
	return c.Pure() && (c.Kind == "execution" || c.Kind == "output_only") &&
		!c.HasFeature("ql:JSONata") && !c.HasFeature("variables:Assign")
}

// PureJSONataOrAssign selects pure execution and output_only cases that use
// JSONata or variables (Assign).
func PureJSONataOrAssign(c *Case) bool {
	return c.Pure() && (c.Kind == "execution" || c.Kind == "output_only") &&
		(c.HasFeature("ql:JSONata") || c.HasFeature("variables:Assign"))
}

// ExecutionKinds selects the cases that run an execution and record its
// outcome (execution and output_only), pure or not.
func ExecutionKinds(c *Case) bool { return c.Kind == "execution" || c.Kind == "output_only" }
