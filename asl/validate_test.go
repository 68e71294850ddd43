package asl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/asl"
)

// machine wraps states (the members of "States", as JSON text) in a
// definition starting at "A".
func machine(states string) string {
	return `{"StartAt": "A", "States": {` + states + `}}`
}

func TestValidationDiagnostics(t *testing.T) {
	t.Parallel()
	const end = `"End": true`
	tests := []struct {
		name string
		def  string
		want []string // Diagnostic.String() of each, in order
	}{
		// The definition as a whole.
		{"empty text", ``, []string{"SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object"}},
		{"not an object", `[1]`, []string{"SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object"}},
		{"empty object", `{}`, []string{"SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /"}},
		{"no StartAt", `{"States": {"A": {"Type": "Succeed"}}}`, []string{"SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /"}},
		{"no States", `{"StartAt": "A"}`, []string{"SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /"}},
		{"unknown top-level field", `{"Coment": "x", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Coment' is not supported at /"}},
		{"bad version", `{"Version": "2.0", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [1.0] at /Version"}},
		{"timeout not integer", `{"TimeoutSeconds": "10", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [INTEGER] at /TimeoutSeconds"}},
		{"bad query language", `{"QueryLanguage": "XPath", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSONPath, JSONata] at /QueryLanguage"}},
		{"comment not string", `{"Comment": 1, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] at /Comment"}},

		// States in general.
		{"no Type", machine(`"A": {"End": true}`), []string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Type] at /States/A"}},
		{"unknown Type", machine(`"A": {"Type": "Sleep", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/A/Type"}},
		{"unknown field", machine(`"A": {"Type": "Pass", "Foo": 1, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A"}},
		{"field of another type", machine(`"A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/A"}},
		{"Catch on Pass", machine(`"A": {"Type": "Pass", "Catch": [], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Catch' is not supported at /States/A"}},
		{"Retry on Wait", machine(`"A": {"Type": "Wait", "Seconds": 1, "Retry": [], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Retry' is not supported at /States/A"}},
		{"ResultPath on Succeed", machine(`"A": {"Type": "Succeed", "ResultPath": null}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'ResultPath' is not supported at /States/A"}},
		{"End on Choice", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'End' is not supported at /States/A"}},
		{"JSONata field in JSONPath state", machine(`"A": {"Type": "Pass", "Output": {}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/A"}},
		{"JSONPath field in JSONata state", `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$", "End": true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/A"}},
		{"JSONPath state in JSONata machine", `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/A"}},
		{"state name too long", machine(`"A": {"Type": "Pass", "Next": "` + strings.Repeat("n", 81) + `"}, "` + strings.Repeat("n", 81) + `": {"Type": "Succeed"}`),
			[]string{"INVALID_STATE_NAME: State name must be at most 80 characters long at /States/" + strings.Repeat("n", 81)}},
		{"Next and End", machine(`"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'Next' or 'End' may be set at /States/A/Next"}},
		{"neither Next nor End", machine(`"A": {"Type": "Pass"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Either 'Next' or 'End' must be set at /States/A"}},
		{"End not boolean", machine(`"A": {"Type": "Pass", "End": "true"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [BOOLEAN] at /States/A/End"}},
		{"InputPath not a path", machine(`"A": {"Type": "Pass", "InputPath": "x", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/A/InputPath"}},
		{"OutputPath not a path", machine(`"A": {"Type": "Pass", "OutputPath": "Test", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/A/OutputPath"}},
		{"ResultPath not a reference path", machine(`"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid Reference Path. at /States/A/ResultPath"}},
		{"payload path invalid", machine(`"A": {"Type": "Pass", "Parameters": {"deep": {"parsed.$": "States.StringToJson($.a"}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters"}},
		{"payload path not a string", machine(`"A": {"Type": "Pass", "Parameters": {"x.$": 1}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters"}},
		{"Assign not an object", machine(`"A": {"Type": "Pass", "Assign": [], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [OBJECT] at /States/A/Assign"}},

		// Task.
		{"Task without Resource", machine(`"A": {"Type": "Task", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/A"}},
		{"Task Resource not an ARN", machine(`"A": {"Type": "Task", "Resource": "createToken", "End": true}`),
			[]string{"INVALID_RESOURCE: The resource provided createToken is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/A/Resource"}},
		{"Task timeout zero", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 0, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/A/TimeoutSeconds"}},
		{"Task timeout and its path", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'TimeoutSeconds' or 'TimeoutSecondsPath' may be set at /States/A/TimeoutSeconds"}},
		{"heartbeat not below timeout", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5, "HeartbeatSeconds": 5, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: HeartbeatSeconds must be smaller than TimeoutSeconds at /States/A/HeartbeatSeconds"}},
		{"Credentials without RoleArn", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Credentials": {}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'RoleArn' is required but was missing at /States/A/Credentials"}},

		// Retry and Catch.
		{"retrier without ErrorEquals", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals] at /States/A/Retry[0]"}},
		{"empty ErrorEquals", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": []}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/A/Retry[0]/ErrorEquals"}},
		{"States.ALL not alone", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL", "X"]}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: States.ALL must appear alone in ErrorEquals, in the last retrier or catcher at /States/A/Retry[0]/ErrorEquals"}},
		{"States.ALL not last", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: States.ALL must appear alone in ErrorEquals, in the last retrier or catcher at /States/A/Retry[0]/ErrorEquals"}},
		{"retrier fields", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0, "BackoffRate": 0.5, "JitterStrategy": "SOME", "Foo": 1}], "End": true}`),
			[]string{
				"SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A/Retry[0]",
				"SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/A/Retry[0]/IntervalSeconds",
				"SCHEMA_VALIDATION_FAILED: Value must be greater than or equal to 1.0 at /States/A/Retry[0]/BackoffRate",
				"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [FULL, NONE] at /States/A/Retry[0]/JitterStrategy",
			}},
		{"catcher without Next", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/A/Catch[0]"}},

		// Choice.
		{"Choice without Choices", machine(`"A": {"Type": "Choice", "Default": "B"}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Choices] at /States/A"}},
		{"empty Choices", machine(`"A": {"Type": "Choice", "Choices": [], "Default": "B"}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/A/Choices"}},
		{"rule without Next", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$", "StringMatches": "Test"}], "Default": "B"}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/A/Choices[0]"}},
		{"rule without Variable", machine(`"A": {"Type": "Choice", "Choices": [{"StringEquals": "x", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Variable] at /States/A/Choices[0]"}},
		{"rule without operator", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one of the comparison operators, And, Or or Not at /States/A/Choices[0]"}},
		{"rule with two operators", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "IsString": true, "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one of the comparison operators, And, Or or Not at /States/A/Choices[0]"}},
		{"unknown operator", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringContains": "a", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{
				"SCHEMA_VALIDATION_FAILED: Field 'StringContains' is not supported at /States/A/Choices[0]",
				"SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one of the comparison operators, And, Or or Not at /States/A/Choices[0]",
			}},
		{"operand of the wrong type", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "1", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [NUMBER] at /States/A/Choices[0]/NumericEquals"}},
		{"timestamp operand", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "TimestampEquals": "yesterday", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/A/Choices[0]/TimestampEquals"}},
		{"operand path invalid", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEqualsPath": "y", "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/A/Choices[0]/StringEqualsPath"}},
		{"nested rule with Next", machine(`"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": true, "Next": "B"}, "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported at /States/A/Choices[0]/Not"}},
		{"empty And", machine(`"A": {"Type": "Choice", "Choices": [{"And": [], "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/A/Choices[0]/And"}},
		{"Variable beside And", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "And": [{"Variable": "$.x", "IsNull": true}], "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Variable' is not supported at /States/A/Choices[0]"}},

		// Wait.
		{"Wait without a time", machine(`"A": {"Type": "Wait", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' must be set at /States/A"}},
		{"Wait with two times", machine(`"A": {"Type": "Wait", "Seconds": 1, "TimestampPath": "$.t", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' must be set at /States/A"}},
		{"Wait negative seconds", machine(`"A": {"Type": "Wait", "Seconds": -1, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/A/Seconds"}},
		{"Wait bad timestamp", machine(`"A": {"Type": "Wait", "Timestamp": "2016-03-14 01:59:00Z", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/A/Timestamp"}},

		// Fail.
		{"Fail Error and ErrorPath", machine(`"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'Error' or 'ErrorPath' may be set at /States/A/Error"}},
		{"Fail Cause and CausePath", machine(`"A": {"Type": "Fail", "Cause": "C", "CausePath": "$.c"}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'Cause' or 'CausePath' may be set at /States/A/Cause"}},
		{"Fail CausePath invalid", machine(`"A": {"Type": "Fail", "CausePath": "States.Format("}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'CausePath' must be a valid JSONPath or a valid intrinsic function call at /States/A/CausePath"}},

		// Parallel.
		{"Parallel without Branches", machine(`"A": {"Type": "Parallel", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Branches] at /States/A"}},
		{"Parallel empty Branches", machine(`"A": {"Type": "Parallel", "Branches": [], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/A/Branches"}},
		{"branch without StartAt", machine(`"A": {"Type": "Parallel", "Branches": [{"States": {"B": {"Type": "Succeed"}}}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /States/A/Branches[0]"}},
		{"branch state problem", machine(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass"}}}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Either 'Next' or 'End' must be set at /States/A/Branches[0]/States/B"}},

		// Map.
		{"Map without processor", machine(`"A": {"Type": "Map", "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor] at /States/A"}},
		{"Map processor declares QueryLanguage", machine(`"A": {"Type": "Map", "ItemProcessor": {"QueryLanguage": "JSONPath", "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/A/ItemProcessor"}},
		{"Iterator declares QueryLanguage", machine(`"A": {"Type": "Map", "Iterator": {"QueryLanguage": "JSONPath", "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/A/Iterator"}},
		{"Map bad mode", machine(`"A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "FAST"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [INLINE, DISTRIBUTED] at /States/A/ItemProcessor/ProcessorConfig/Mode"}},
		{"Map both selectors", machine(`"A": {"Type": "Map", "ItemSelector": {}, "Parameters": {}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'ItemSelector' or 'Parameters' may be set at /States/A/ItemSelector"}},
		{"Map ItemsPath invalid", machine(`"A": {"Type": "Map", "ItemsPath": "items", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/A/ItemsPath"}},
		{"Map negative concurrency", machine(`"A": {"Type": "Map", "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/A/MaxConcurrency"}},
		{"Map tolerated percentage", machine(`"A": {"Type": "Map", "ToleratedFailurePercentage": 101, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Maximum value is 100 at /States/A/ToleratedFailurePercentage"}},
		{"Map label too long", machine(`"A": {"Type": "Map", "Label": "` + strings.Repeat("l", 41) + `", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"INVALID_LABEL_NAME: Label cannot exceed 40 characters at /States/A/Label"}},
		{"Map label empty", machine(`"A": {"Type": "Map", "Label": "", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"INVALID_LABEL_NAME: Label cannot be empty at /States/A/Label"}},
		{"Map label with a wildcard", machine(`"A": {"Type": "Map", "Label": "label_*", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"INVALID_LABEL_NAME: Label contains invalid character: '*' at /States/A/Label"}},
		{"Map label with a control character", machine(`"A": {"Type": "Map", "Label": "label_\u0085", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"INVALID_LABEL_NAME: Label contains invalid character: '\u0085' at /States/A/Label"}},
		{"ItemReader without Resource", machine(`"A": {"Type": "Map", "ItemReader": {"ReaderConfig": {"InputType": "XML"}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/A/ItemReader",
				"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [CSV, JSON, JSONL, MANIFEST, PARQUET] at /States/A/ItemReader/ReaderConfig/InputType",
			}},
		{"ItemBatcher unknown field", machine(`"A": {"Type": "Map", "ItemBatcher": {"MaxItems": 1}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'MaxItems' is not supported at /States/A/ItemBatcher"}},
		{"ResultWriter bad config", machine(`"A": {"Type": "Map", "ResultWriter": {"WriterConfig": {"OutputType": "CSV", "Transformation": "NONE"}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSON, JSONL] at /States/A/ResultWriter/WriterConfig/OutputType"}},

		// Transitions, checked once the schema holds.
		{"missing Next target and unreachable state", `{"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": true}}}`,
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next",
				`MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2`,
			}},
		{"missing StartAt target", `{"StartAt": "Not sure", "States": {"Pass One": {"Type": "Pass", "Next": "Success"}, "Success": {"Type": "Succeed"}}}`,
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: Not sure at /StartAt",
				`MISSING_TRANSITION_TARGET: State "Pass One" is not reachable. at /States/Pass One`,
			}},
		{"missing Default and Catch targets", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}], "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Y"}], "Default": "Z"}`),
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/A/Catch[0]/Next",
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: Y at /States/C/Choices[0]/Next",
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: Z at /States/C/Default",
				"MISSING_END_STATE: Workflow has no terminal state",
			}},
		{"no terminal state hides unreachable states", machine(`"A": {"Type": "Pass", "Next": "A"}, "B": {"Type": "Pass", "Next": "A"}`),
			[]string{"MISSING_END_STATE: Workflow has no terminal state"}},
		{"schema problems hide transition problems", machine(`"A": {"Type": "Pass", "Next": "Nowhere", "Foo": 1}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A"}},
		{"branch target is local to the branch", machine(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "Z"}}}], "Next": "Z"}, "Z": {"Type": "Succeed"}`),
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: Z at /States/A/Branches[0]/States/B/Next"}},
		{"duplicate across a Map", `{"StartAt": "Map", "States": {"Map": {"Type": "Map", "Next": "Final State", "Iterator": {"StartAt": "Final State", "States": {"Final State": {"Type": "Wait", "Seconds": 20, "End": true}}}}, "Final State": {"Type": "Pass", "End": true}}}`,
			[]string{"DUPLICATE_STATE_NAME: Duplicate State name: Final State at /States/Final State"}},
		{"duplicate across branches", machine(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "End": true}`),
			[]string{"DUPLICATE_STATE_NAME: Duplicate State name: B at /States/A/Branches[1]/States/B"}},
		{"duplicate Map label", machine(`"A": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "Next": "C"}, "C": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "D", "States": {"D": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"DUPLICATE_LABEL_NAME: Duplicate Label name: L at /States/C/Label"}},
		{"duplicate key in States", `{"StartAt": "Dup", "States": {"Dup": {"Type": "Pass", "Next": "S"}, "Dup": {"Type": "Pass", "Next": "S"}, "S": {"Type": "Succeed"}}}`,
			[]string{"DUPLICATE_STATE_NAME: Duplicate State name: Dup at /States/Dup"}},
		// Query languages, as AWS resolves them.
		{"lower-case JSONata on a state", machine(`"A": {"Type": "Pass", "QueryLanguage": "jsonata", "Output": {"v": "{% 1 %}"}, "InputPath": "$.a", "End": true}`),
			[]string{
				"SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/A",
				"SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSONPath, JSONata] at /States/A/QueryLanguage",
			}},
		{"QueryLanguage not a string", `{"QueryLanguage": 5, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] at /QueryLanguage"}},
		{"downgrade hides the other language's fields", `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "Output": {"v": "{% 1 %}"}, "End": true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/A"}},
		{"a Map's language does not reach its processor", machine(`"A": {"Type": "Map", "QueryLanguage": "JSONata", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {}, "End": true}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/A/ItemProcessor/States/P"}},
		{"a JSONata machine's processor states are JSONata", `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"d": "{% $states.input %}"}, "End": true}}}, "End": true}}}`, nil},
		{"branch declares QueryLanguage", machine(`"A": {"Type": "Parallel", "Branches": [{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/A/Branches[0]"}},
		{"JSONata Map with MaxConcurrencyPath", `{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrencyPath": "$.limit", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'MaxConcurrencyPath' is only supported for the 'JSONPath' QueryLanguage at /States/M"}},
		{"JSONata Map with MaxConcurrency expression", `{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": "{% $states.input.limit %}", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}`, nil},

		// Map limits and distributed parts.
		{"MaxConcurrency and its path", machine(`"A": {"Type": "Map", "MaxConcurrency": 2, "MaxConcurrencyPath": "$.limit", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'MaxConcurrency' or 'MaxConcurrencyPath' may be set at /States/A/MaxConcurrency"}},
		{"MaxConcurrencyPath selects many", machine(`"A": {"Type": "Map", "MaxConcurrencyPath": "$.limits[*]", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: Value must be a valid Reference Path. at /States/A/MaxConcurrencyPath"}},
		{"huge MaxConcurrency is accepted", machine(`"A": {"Type": "Map", "MaxConcurrency": 9223372036854775807, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`), nil},
		{"ItemReader unknown resource", machine(`"A": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:unknownOperation", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: The resource provided arn:aws:states:::s3:unknownOperation is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/A/ItemReader/Resource"}},
		{"ItemReader in an inline Map is accepted", machine(`"A": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`), nil},
		{"empty ResultWriter", machine(`"A": {"Type": "Map", "ResultWriter": {}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource, Parameters] at /States/A/ResultWriter"}},
		{"ResultWriter without Parameters", machine(`"A": {"Type": "Map", "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Parameters] at /States/A/ResultWriter"}},
		{"WriterConfig needs both fields", machine(`"A": {"Type": "Map", "ResultWriter": {"WriterConfig": {"Transformation": "COMPACT"}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [OutputType] at /States/A/ResultWriter/WriterConfig"}},

		// Graphs inside states.
		{"a Map's processor may loop forever", machine(`"A": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "Next": "B"}}}, "End": true}`), nil},
		{"unreachable state inside a processor", machine(`"A": {"Type": "Map", "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Pass", "End": true}, "Ghost": {"Type": "Pass", "End": true}}}, "End": true}`),
			[]string{`MISSING_TRANSITION_TARGET: State "Ghost" is not reachable. at /States/A/ItemProcessor/States/Ghost`}},
		{"processor StartAt names no state", machine(`"A": {"Type": "Map", "ItemProcessor": {"StartAt": "Nope", "States": {"B": {"Type": "Pass", "End": true}}}, "End": true}`),
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/ItemProcessor/StartAt",
				`MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/A/ItemProcessor/States/B`,
			}},
		{"dangling target and no end", machine(`"A": {"Type": "Pass", "Next": "NOPE"}`),
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: NOPE at /States/A/Next",
				"MISSING_END_STATE: Workflow has no terminal state",
			}},
		{"state name with a slash", `{"StartAt": "Start", "States": {"Start": {"Type": "Pass", "End": true}, "a/b": {"Type": "Pass", "End": true}}}`,
			[]string{`MISSING_TRANSITION_TARGET: State "a/b" is not reachable. at /States/a/b`}},
		{"valid", machine(`"A": {"Type": "Pass", ` + end + `}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sm, err := asl.Parse([]byte(tt.def))
			var got []string
			var ve *asl.ValidationError
			if errors.As(err, &ve) {
				for _, d := range ve.Diagnostics {
					got = append(got, d.String())
				}
			} else if err != nil {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if (sm == nil) != (len(tt.want) > 0) {
				t.Errorf("state machine %v with %d diagnostics", sm != nil, len(tt.want))
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ def, want string }{
		{`{"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": true}}}`,
			`Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`},
		{`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}`,
			`Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'`},
		{`{"StartAt": "P", "States": {"P": {"Type": "Parallel", "TimeoutSeconds": 5, "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 25, "End": true}}}], "End": true}}}`,
			`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/P'`},
	}
	for _, tt := range tests {
		_, err := asl.Parse([]byte(tt.def))
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
}

func TestExpressRefusesWaitingIntegrations(t *testing.T) {
	t.Parallel()
	tests := []struct{ resource, want string }{
		{"arn:aws:states:::sns:publish.waitForTaskToken", "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/A/Resource"},
		{"arn:aws:states:::states:startExecution.sync:2", "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/A/Resource"},
		{"arn:aws:states:us-east-1:111111111111:activity:work", "SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN at /States/A/Resource"},
		{"arn:aws:states:::lambda:invoke", ""},
	}
	for _, tt := range tests {
		def := []byte(machine(`"A": {"Type": "Task", "Resource": "` + tt.resource + `", "End": true}`))
		if _, err := asl.ParseFor(def, asl.Standard); err != nil {
			t.Errorf("%s: STANDARD refused it: %v", tt.resource, err)
		}
		_, err := asl.ParseFor(def, asl.Express)
		var got string
		var ve *asl.ValidationError
		if errors.As(err, &ve) {
			got = ve.Diagnostics[0].String()
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.resource, got, tt.want)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that every problem
// comes with a code and a message.
func FuzzParse(f *testing.F) {
	seeds := []string{
		``, `{}`, `[]`, `null`, `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`,
		machine(`"A": {"Type": "Pass", "Parameters": {"a.$": "States.Format('{}', $.x)"}, "End": true}`),
		machine(`"A": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.x", "IsNull": true}, {"Not": {"Variable": "$.y", "StringMatches": "a*"}}], "Next": "A"}], "Default": "B"}, "B": {"Type": "Fail", "ErrorPath": "$.e"}`),
		machine(`"A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}, "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"}}, "End": true}`),
		machine(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": true}}}], "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}`),
		`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Task"}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sm, err := asl.Parse(data)
		if err == nil {
			if sm == nil {
				t.Fatal("no error and no state machine")
			}
			return
		}
		var ve *asl.ValidationError
		if !errors.As(err, &ve) || len(ve.Diagnostics) == 0 {
			t.Fatalf("error without diagnostics: %v", err)
		}
		for _, d := range ve.Diagnostics {
			if d.Code == "" || d.Message == "" {
				t.Fatalf("diagnostic without code or message: %+v", d)
			}
		}
	})
}
