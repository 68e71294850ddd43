package api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/store/memory"
)

func TestResolveTarget(t *testing.T) {
	t.Parallel()
	st := memory.New()
	c := newClient(t, st, api.Deps{})
	ctx := t.Context()
	if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("r"), Definition: aws.String(passDef), RoleArn: aws.String(role), Publish: true}); err != nil {
		t.Fatal(err)
	}
	def2 := `{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}`
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(smPre + "r"), Definition: aws.String(def2), Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"), RoutingConfiguration: []types.RoutingConfigurationListItem{
		{StateMachineVersionArn: aws.String(smPre + "r:1"), Weight: 25}, {StateMachineVersionArn: aws.String(smPre + "r:2"), Weight: 75}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arn                 string
		pick                float64
		def, version, alias string
		testCase            string
		errCode             api.ErrorType
	}{
		{arn: smPre + "r", def: def2},
		{arn: smPre + "r#Happy", def: def2, testCase: "Happy"},
		{arn: smPre + "r:1", def: passDef, version: smPre + "r:1"},
		{arn: smPre + "r:live", pick: 0.1, def: passDef, version: smPre + "r:1", alias: smPre + "r:live"},
		{arn: smPre + "r:live", pick: 0.5, def: def2, version: smPre + "r:2", alias: smPre + "r:live"},
		{arn: smPre + "r:9", errCode: api.StateMachineDoesNotExist},
		{arn: smPre + "r:dead", errCode: api.StateMachineDoesNotExist},
		{arn: smPre + "nope", errCode: api.StateMachineDoesNotExist},
		{arn: actPre + "a", errCode: api.InvalidArn},
	}
	for _, tt := range tests {
		got, err := api.ResolveTarget(ctx, st, tt.arn, tt.pick)
		if tt.errCode != "" {
			if e, ok := err.(*api.Error); !ok || e.Type != tt.errCode {
				t.Errorf("%s: error %v, want %s", tt.arn, err, tt.errCode)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.arn, err)
			continue
		}
		if got.Definition != tt.def || got.VersionARN != tt.version || got.AliasARN != tt.alias || got.MockTestCase != tt.testCase ||
			got.StateMachineARN != smPre+"r" || got.Name != "r" || got.Type != "STANDARD" || got.RoleARN != role {
			t.Errorf("%s: %+v", tt.arn, got)
		}
	}
	cfg := api.Config{}
	if cfg.StateMachineARN("r") != smPre+"r" || cfg.ActivityARN("a") != actPre+"a" ||
		cfg.ExecutionARN("r", "e") != "arn:aws:states:us-east-1:123456789012:execution:r:e" ||
		cfg.ExpressExecutionARN("r", "e", "id") != "arn:aws:states:us-east-1:123456789012:express:r:e:id" {
		t.Error("ARN builders disagree with the server's ARNs")
	}
}

func TestVariableReferencesHook(t *testing.T) {
	t.Parallel()
	refs := func(def string) map[string][]string { return map[string][]string{"A": {"x", "y"}} }
	c := newClient(t, memory.New(), api.Deps{VariableReferences: refs})
	ctx := t.Context()
	if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("v"), Definition: aws.String(passDef), RoleArn: aws.String(role)}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smPre + "v")})
	if err != nil || len(d.VariableReferences["A"]) != 2 || d.VariableReferences["A"][1] != "y" {
		t.Fatalf("variableReferences = %v, %v", d.VariableReferences, err)
	}
	d, _ = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smPre + "v"), IncludedData: types.IncludedDataMetadataOnly})
	if d.VariableReferences != nil {
		t.Fatalf("METADATA_ONLY returned variableReferences %v", d.VariableReferences)
	}
}
