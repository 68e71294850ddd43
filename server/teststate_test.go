package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/internal/conformance"
	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/value"
)

// testStateRequest is a case's test_state_request.
type testStateRequest struct {
	InspectionLevel string `json:"inspectionLevel"`
	StateName       string `json:"stateName"`
	Context         string `json:"context"`
	Variables       string `json:"variables"`
	Mock            *struct {
		Result      *string `json:"result"`
		ErrorOutput *struct {
			Error *string `json:"error"`
			Cause *string `json:"cause"`
		} `json:"errorOutput"`
		FieldValidationMode string `json:"fieldValidationMode"`
	} `json:"mock"`
	StateConfiguration *types.TestStateConfiguration `json:"stateConfiguration"`
}

// TestConformanceTestStateThroughAPI sends the recorded TestState cases
// that need no real service (pure ASL, or mocked) through the HTTP API
// with the AWS SDK and compares the answers with AWS's. The baseline's
// levels mean, for these cases:
//
//	L1: status, output or error name, and nextState
//	L2: L1 plus the cause
//	L3: inspectionData equal, after the README's normalisation
//	L4: all of these
//
// A case that passed a level before and fails now fails
// the test; run with -update to rewrite testdata/conformance_teststate.txt.
func TestConformanceTestStateThroughAPI(t *testing.T) {
	t.Parallel()
	path := conformance.DefaultPath()
	if path == "" {
		t.Skip("../shared/conformance/cases.jsonl not found: the AWS recordings are not beside this checkout")
	}
	cases, err := conformance.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cases = conformance.Filter(cases, func(c *conformance.Case) bool { return c.Kind == "test_state" })
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", WaitScale: -1}, server.Deps{Store: memory.New()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	cl := newAPIClient(srv.Addr())
	t.Cleanup(cl.close)

	var mu sync.Mutex
	answers := map[string]*sfn.TestStateOutput{}
	run := func(ctx context.Context, c *conformance.Case) (*conformance.Result, error) {
		out, err := callTestState(ctx, cl.sdk, c)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		answers[c.ID] = out
		mu.Unlock()
		res := &conformance.Result{Status: string(out.Status), Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause)}
		if out.Output != nil {
			res.Output = []byte(*out.Output)
		}
		return res, nil
	}
	rep := conformance.Run(t.Context(), cases, run, apiEnv())
	for i := range rep.Cases {
		o := &rep.Cases[i]
		c := caseByID(cases, o.ID)
		out := answers[o.ID]
		o.Levels.L4, o.Levels.HistoryCompared = false, true
		if out == nil {
			continue
		}
		var recorded struct {
			NextState      string          `json:"nextState"`
			InspectionData json.RawMessage `json:"inspectionData"`
		}
		if err := json.Unmarshal(c.Response, &recorded); err != nil {
			t.Fatalf("%s: response: %v", o.ID, err)
		}
		if got := aws.ToString(out.NextState); got != recorded.NextState {
			o.Levels.L1, o.Levels.L2 = false, false
			o.Levels.Diff += fmt.Sprintf("; nextState: want %q, got %q", recorded.NextState, got)
		}
		diff := compareInspection(c, recorded.InspectionData, out.InspectionData)
		o.Levels.L3 = diff == ""
		o.Levels.L4 = o.Levels.L2 && o.Levels.L3
		if diff != "" {
			o.Levels.Diff += "; L3: inspectionData " + diff
		}
	}
	rep = rep.Where(func(*conformance.Outcome) bool { return true }) // recount
	// The cases that need no real service: pure ASL, or mocked. The
	// others call Lambda (which this test does not have) or, for four,
	// test a Choice state of a machine that calls API Gateway elsewhere.
	offline := rep.Where(func(o *conformance.Outcome) bool {
		return len(o.Services) == 0 || slices.Contains(o.Features, "test_state:mock")
	})
	t.Logf("TestState through the API, cases without services or with a mock: %s (L3: inspectionData)", offline.Summary())
	t.Logf("TestState through the API, every case: %s", rep.Summary())
	conformance.Verify(t, filepath.Join("testdata", "conformance_teststate.txt"), rep, *update)
}

func caseByID(cases []conformance.Case, id string) *conformance.Case {
	for i := range cases {
		if cases[i].ID == id {
			return &cases[i]
		}
	}
	return nil
}

// callTestState sends a case's TestState request with the SDK.
func callTestState(ctx context.Context, sdk *sfn.Client, c *conformance.Case) (*sfn.TestStateOutput, error) {
	def, err := c.DefinitionText()
	if err != nil {
		return nil, err
	}
	var req testStateRequest
	if err := json.Unmarshal(c.TestStateRequest, &req); err != nil {
		return nil, fmt.Errorf("test_state_request: %w", err)
	}
	in := &sfn.TestStateInput{
		Definition: aws.String(def), InspectionLevel: types.InspectionLevel(req.InspectionLevel),
		StateConfiguration: req.StateConfiguration,
	}
	// Send a role unless the recording shows AWS got none: a context
	// object in the response with RoleArn null.
	if !noRole.Match(c.Response) {
		in.RoleArn = aws.String(apiRole)
	}
	if c.Input != nil {
		in.Input = c.Input
	}
	for _, f := range []struct {
		dst **string
		v   string
	}{{&in.StateName, req.StateName}, {&in.Context, req.Context}, {&in.Variables, req.Variables}} {
		if f.v != "" {
			*f.dst = aws.String(f.v)
		}
	}
	if m := req.Mock; m != nil {
		in.Mock = &types.MockInput{Result: m.Result, FieldValidationMode: types.MockResponseValidationMode(m.FieldValidationMode)}
		if e := m.ErrorOutput; e != nil {
			in.Mock.ErrorOutput = &types.MockErrorOutput{Error: e.Error, Cause: e.Cause}
		}
	}
	out, err := sdk.TestState(ctx, in)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return nil, fmt.Errorf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	}
	return out, err
}

// inspectionValue turns the SDK's inspection data back into the JSON
// object AWS sent, with the JSON texts still text.
func inspectionValue(d *types.InspectionData) *value.Object {
	o := value.NewObject(8)
	if d == nil {
		return o
	}
	for _, f := range []struct {
		k string
		v *string
	}{
		{"input", d.Input}, {"afterArguments", d.AfterArguments}, {"afterInputPath", d.AfterInputPath},
		{"afterParameters", d.AfterParameters}, {"afterItemsPath", d.AfterItemsPath},
		{"afterItemSelector", d.AfterItemSelector}, {"afterItemBatcher", d.AfterItemBatcher},
		{"afterItemsPointer", d.AfterItemsPointer}, {"result", d.Result},
		{"afterResultSelector", d.AfterResultSelector}, {"afterResultPath", d.AfterResultPath},
		{"variables", d.Variables},
	} {
		if f.v != nil {
			o.Set(f.k, *f.v)
		}
	}
	if d.MaxConcurrency != nil {
		o.Set("maxConcurrency", value.Int(int64(*d.MaxConcurrency)))
	}
	if d.ToleratedFailureCount != nil {
		o.Set("toleratedFailureCount", value.Int(int64(*d.ToleratedFailureCount)))
	}
	if d.ToleratedFailurePercentage != nil {
		o.Set("toleratedFailurePercentage", value.Float(float64(*d.ToleratedFailurePercentage)))
	}
	if e := d.ErrorDetails; e != nil {
		ed := value.NewObject(3)
		if e.CatchIndex != nil {
			ed.Set("catchIndex", value.Int(int64(*e.CatchIndex)))
		}
		if e.RetryIndex != nil {
			ed.Set("retryIndex", value.Int(int64(*e.RetryIndex)))
		}
		if e.RetryBackoffIntervalSeconds != nil {
			ed.Set("retryBackoffIntervalSeconds", value.Int(int64(*e.RetryBackoffIntervalSeconds)))
		}
		o.Set("errorDetails", ed)
	}
	return o
}

var (
	noRole      = regexp.MustCompile(`"RoleArn":\s*null`)
	isoDateTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)`)
	tokenRe     = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9_.:\-]*>`)
)

// compareInspection compares our inspection data with the recorded one
// after the README's text normalisation (account, region, partition,
// dates, the case's regex normalizers); a <...> token on the recorded side
// matches any text. Members holding JSON text are compared decoded. It
// returns "" when equal, else where they differ.
func compareInspection(c *conformance.Case, recordedRaw json.RawMessage, ours *types.InspectionData) string {
	var want any = value.NewObject(0)
	if len(recordedRaw) > 0 && string(recordedRaw) != "null" {
		v, err := value.Parse(recordedRaw)
		if err != nil {
			return "recorded: " + err.Error()
		}
		want = v
	}
	text := string(value.Marshal(inspectionValue(ours)))
	subs := []struct{ old, repl string }{{apiRole, "arn:aws:iam::111111111111:role/snf_role_arn"}, {apiAccount, "111111111111"}}
	for _, n := range c.Normalizers {
		if n.Type == "regex" && !strings.HasPrefix(n.Pattern, "<stub:") {
			subs = append(subs, struct{ old, repl string }{n.Pattern, n.Replacement})
		}
	}
	subs = append(subs, struct{ old, repl string }{"us-east-1", "<region>"}, struct{ old, repl string }{"arn:aws:", "arn:<partition>:"})
	for _, s := range subs {
		text = strings.ReplaceAll(text, s.old, s.repl)
	}
	// Inside JSON text the dates sit in escaped quotes; replace the date
	// itself.
	text = isoDateTime.ReplaceAllString(text, "date")
	got, err := value.ParseString(text)
	if err != nil {
		return "ours after normalisation: " + err.Error()
	}
	return matchLoose(want, got, "$")
}

// matchLoose compares recorded and ours: strings holding JSON are compared
// decoded, numbers by value, <...> tokens match anything.
func matchLoose(want, got any, at string) string {
	want, got = decodeText(want), decodeText(got)
	switch w := want.(type) {
	case *value.Object:
		g, ok := got.(*value.Object)
		if !ok {
			return fmt.Sprintf("at %s: want an object, got %s", at, value.String(got))
		}
		for _, k := range w.Keys() {
			if _, ok := g.Get(k); !ok {
				return fmt.Sprintf("at %s: missing %s", at, k)
			}
		}
		for _, k := range g.Keys() {
			wv, ok := w.Get(k)
			if !ok {
				return fmt.Sprintf("at %s: unexpected %s", at, k)
			}
			gv, _ := g.Get(k)
			if d := matchLoose(wv, gv, at+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("at %s: want %s, got %s", at, value.String(want), value.String(got))
		}
		for i := range w {
			if d := matchLoose(w[i], g[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
		return ""
	case string:
		g, ok := got.(string)
		if ok && (g == w || tokenRe.MatchString(w) && wildcard(w).MatchString(g)) {
			return ""
		}
	default:
		if value.Equal(want, got) {
			return ""
		}
	}
	return fmt.Sprintf("at %s: want %s, got %s", at, value.String(want), value.String(got))
}

// decodeText decodes a string holding JSON (an object, array, or quoted
// string), as AWS's inspection members are JSON text.
func decodeText(v any) any {
	s, ok := v.(string)
	if !ok || s == "" || !strings.ContainsAny(s[:1], "{[\"") {
		return v
	}
	if d, err := value.ParseString(s); err == nil {
		return d
	}
	return v
}

// wildcard turns a recorded string into a pattern where each <...> token
// matches any text.
func wildcard(recorded string) *regexp.Regexp {
	parts := tokenRe.Split(recorded, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// TestTestStateThroughAPI checks the wiring: unmocked tasks run through the
// server's Invoker, and refusals reach the SDK as AWS's error types.
func TestTestStateThroughAPI(t *testing.T) {
	t.Parallel()
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
	inv := engine.Handlers{fn: func(_ context.Context, in any) (any, error) { return value.ObjectOf("hello", in), nil }}
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", WaitScale: -1}, server.Deps{Store: memory.New(), Invoker: inv})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	cl := newAPIClient(srv.Addr())
	t.Cleanup(cl.close)

	out, err := cl.sdk.TestState(t.Context(), &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Task","Resource":"` + fn + `","ResultPath":"$.r","Next":"Done"}`),
		Input:      aws.String(`{"who":"ada"}`), InspectionLevel: types.InspectionLevelDebug,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.NextState) != "Done" ||
		aws.ToString(out.Output) != `{"who":"ada","r":{"hello":{"who":"ada"}}}` ||
		out.InspectionData == nil || aws.ToString(out.InspectionData.Result) != `{"hello":{"who":"ada"}}` {
		t.Fatalf("got %s %s next %s, inspection %+v", out.Status, aws.ToString(out.Output), aws.ToString(out.NextState), out.InspectionData)
	}

	refusals := []struct {
		name string
		in   sfn.TestStateInput
		want func(error) bool
	}{
		{"invalid state", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Nope":1,"End":true}`)},
			func(err error) bool { var e *types.InvalidDefinition; return errors.As(err, &e) }},
		{"map without mock", sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`)},
			func(err error) bool { var e *types.ValidationException; return errors.As(err, &e) }},
	}
	for _, tt := range refusals {
		if _, err := cl.sdk.TestState(t.Context(), &tt.in); !tt.want(err) {
			t.Errorf("%s: got %v", tt.name, err)
		}
	}
}
