package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestVersionsAndAliases(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("v"), Definition: aws.String(passDef),
			RoleArn: aws.String(role), Publish: true, VersionDescription: aws.String("first")})
		if err != nil {
			t.Fatal(err)
		}
		sm := aws.ToString(created.StateMachineArn)
		v1 := aws.ToString(created.StateMachineVersionArn)
		if v1 != sm+":1" {
			t.Fatalf("version ARN = %s", v1)
		}
		// Publishing the unchanged revision returns the same version.
		again, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(sm), RevisionId: aws.String("INITIAL")})
		if err != nil || aws.ToString(again.StateMachineVersionArn) != v1 {
			t.Fatalf("idempotent publish = %+v, %v", again, err)
		}
		def2 := `{"StartAt":"Two","States":{"Two":{"Type":"Succeed"}}}`
		up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(sm), Definition: aws.String(def2),
			Publish: true, VersionDescription: aws.String("second")})
		if err != nil {
			t.Fatal(err)
		}
		v2 := aws.ToString(up.StateMachineVersionArn)
		if v2 != sm+":2" {
			t.Fatalf("update version ARN = %s", v2)
		}
		_, err = c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(sm), RevisionId: aws.String("stale")})
		wantAPIError[*types.ConflictException](t, err, "Failed to publish the State Machine version for revision stale. The current State Machine revision is "+aws.ToString(up.RevisionId)+".")

		d1, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d1.StateMachineArn) != v1 || aws.ToString(d1.Definition) != passDef || aws.ToString(d1.Description) != "first" || aws.ToString(d1.Name) != "v" {
			t.Fatalf("describe v1 = %+v", d1)
		}
		d2, _ := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v2)})
		if aws.ToString(d2.Definition) != def2 || aws.ToString(d2.RevisionId) != aws.ToString(up.RevisionId) {
			t.Fatalf("describe v2 = %+v", d2)
		}

		var listed []string
		in := &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(sm), MaxResults: 1}
		for pages := 0; ; pages++ {
			page, err := c.ListStateMachineVersions(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range page.StateMachineVersions {
				listed = append(listed, aws.ToString(v.StateMachineVersionArn))
			}
			if page.NextToken == nil || pages > 5 {
				break
			}
			in.NextToken = page.NextToken
		}
		if !slices.Equal(listed, []string{v2, v1}) {
			t.Fatalf("versions = %v, want newest first", listed)
		}

		// Aliases.
		alias, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("prod"), Description: aws.String("live"),
			RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(v2), Weight: 80}, {StateMachineVersionArn: aws.String(v1), Weight: 20}}})
		if err != nil {
			t.Fatal(err)
		}
		aliasARN := aws.ToString(alias.StateMachineAliasArn)
		if aliasARN != sm+":prod" {
			t.Fatalf("alias ARN = %s", aliasARN)
		}
		da, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		if err != nil || aws.ToString(da.Name) != "prod" || aws.ToString(da.Description) != "live" || len(da.RoutingConfiguration) != 2 ||
			aws.ToString(da.RoutingConfiguration[0].StateMachineVersionArn) != v2 || da.RoutingConfiguration[0].Weight != 80 || !da.CreationDate.Equal(*alias.CreationDate) {
			t.Fatalf("describe alias = %+v, %v", da, err)
		}
		_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		wantAPIError[*types.ConflictException](t, err, "alias")

		ua, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN),
			RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(v2), Weight: 100}}})
		if err != nil || !ua.UpdateDate.After(*alias.CreationDate) {
			t.Fatalf("update alias = %+v, %v", ua, err)
		}
		da, _ = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		if len(da.RoutingConfiguration) != 1 || aws.ToString(da.Description) != "live" || !da.UpdateDate.Equal(*ua.UpdateDate) {
			t.Fatalf("after update = %+v", da)
		}
		if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)}); err != nil {
			t.Fatalf("delete unrouted version: %v", err)
		}
		_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "")

		la, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(sm)})
		if err != nil || len(la.StateMachineAliases) != 1 || aws.ToString(la.StateMachineAliases[0].StateMachineAliasArn) != aliasARN {
			t.Fatalf("list aliases = %+v, %v", la, err)
		}
		if _, err := c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		wantAPIError[*types.ResourceNotFound](t, err, "Request references a resource that does not exist.")
		_, err = c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		wantAPIError[*types.ResourceNotFound](t, err, "")

		// Deleting the machine removes its versions.
		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(sm)}); err != nil {
			t.Fatal(err)
		}
		lv, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(sm)})
		if err != nil || len(lv.StateMachineVersions) != 0 {
			t.Fatalf("versions after delete = %+v, %v", lv, err)
		}
		_, err = c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(sm)})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "")
	})
}

func TestAliasErrors(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		mk := func(name string) string {
			out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(passDef), RoleArn: aws.String(role), Publish: true})
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToString(out.StateMachineVersionArn)
		}
		v1, other := mk("a"), mk("b")
		route := func(arn string, w int32) types.RoutingConfigurationListItem {
			return types.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(arn), Weight: w}
		}
		tests := []struct {
			name   string
			alias  string
			routes []types.RoutingConfigurationListItem
			check  func(*testing.T, error)
		}{
			{"weights below 100", "x", []types.RoutingConfigurationListItem{route(v1, 60)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "Sum of routing configuration weights must equal 100. Received: [60]")
				}},
			{"three routes", "x", []types.RoutingConfigurationListItem{route(v1, 50), route(v1, 25), route(v1, 25)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "weight=25)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2")
				}},
			{"same version twice", "x", []types.RoutingConfigurationListItem{route(v1, 50), route(v1, 50)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "Routing configuration must contain distinct state machine version ARNs. Received: ["+v1+", "+v1+"]")
				}},
			{"two machines", "x", []types.RoutingConfigurationListItem{route(v1, 50), route(other, 50)},
				func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "same state machine") }},
			{"missing version", "x", []types.RoutingConfigurationListItem{route(smPre+"a:9", 100)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ResourceNotFound](t, err, "Request references a resource that does not exist.")
				}},
			{"missing machine", "x", []types.RoutingConfigurationListItem{route(smPre+"zz:1", 100)},
				func(t *testing.T, err error) { wantCode(t, err, "StateMachineDoesNotExist") }},
			{"unqualified ARN", "x", []types.RoutingConfigurationListItem{route(smPre+"a", 100)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "Routing configuration must contain state machine version ARNs. Received: ["+smPre+"a]")
				}},
			{"numeric name", "123", []types.RoutingConfigurationListItem{route(v1, 100)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, `1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`)
				}},
			{"bad name", "INVALID ALIAS", []types.RoutingConfigurationListItem{route(v1, 100)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "Value 'INVALID ALIAS' at 'name'")
				}},
			{"long name", strings.Repeat("A", 81), []types.RoutingConfigurationListItem{route(v1, 100)},
				func(t *testing.T, err error) {
					wantAPIError[*types.ValidationException](t, err, "at 'name' failed to satisfy constraint: Member must have length less than or equal to 80")
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := c.CreateStateMachineAlias(t.Context(), &sfn.CreateStateMachineAliasInput{Name: aws.String(tt.alias), RoutingConfiguration: tt.routes})
				tt.check(t, err)
			})
		}
		// Same request twice is idempotent; a different one conflicts.
		in := &sfn.CreateStateMachineAliasInput{Name: aws.String("live"), RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 100)}}
		first, err := c.CreateStateMachineAlias(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.CreateStateMachineAlias(ctx, in)
		if err != nil || aws.ToString(again.StateMachineAliasArn) != aws.ToString(first.StateMachineAliasArn) {
			t.Fatalf("idempotent alias = %+v, %v", again, err)
		}
		in.Description = aws.String("changed")
		_, err = c.CreateStateMachineAlias(ctx, in)
		wantAPIError[*types.ConflictException](t, err, "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
		_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		wantAPIError[*types.ConflictException](t, err, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [live]")
		_, err = c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: first.StateMachineAliasArn})
		wantAPIError[*types.ValidationException](t, err, "")
		_, err = c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: first.StateMachineAliasArn,
			RoutingConfiguration: []types.RoutingConfigurationListItem{route(other, 100)}})
		wantAPIError[*types.ValidationException](t, err, "")
		_, err = c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(smPre + "a:nope"), Description: aws.String("d")})
		wantAPIError[*types.ResourceNotFound](t, err, "")
		_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v1)})
		wantAPIError[*types.InvalidArn](t, err, "")
		_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: first.StateMachineAliasArn})
		wantCode(t, err, "ValidationException")
		_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(smPre + "a")})
		wantAPIError[*types.InvalidArn](t, err, "")
	})
}

// Recorded on AWS: updating with the same definition and publish=true makes
// no new revision (no revisionId in the answer) and publishes version 1 once.
func TestUpdateSameDefinitionWithPublish(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("same"), Definition: aws.String(passDef), RoleArn: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: created.StateMachineArn, Definition: aws.String(passDef), Publish: true})
			if err != nil {
				t.Fatal(err)
			}
			if up.RevisionId != nil || aws.ToString(up.StateMachineVersionArn) != smPre+"same:1" {
				t.Fatalf("update %d: revision %v version %s", i, aws.ToString(up.RevisionId), aws.ToString(up.StateMachineVersionArn))
			}
		}
	})
}
