package api_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestStateMachineLifecycle(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String("orders"), Definition: aws.String(passDef), RoleArn: aws.String(role),
			Type: types.StateMachineTypeExpress,
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:g:*")}}}},
			TracingConfiguration: &types.TracingConfiguration{Enabled: true},
			Tags:                 []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(created.StateMachineArn); got != smPre+"orders" {
			t.Fatalf("arn = %s", got)
		}
		if created.StateMachineVersionArn != nil {
			t.Fatalf("version ARN without publish: %s", *created.StateMachineVersionArn)
		}
		want := time.Date(2026, 3, 1, 12, 0, 1, 0, time.UTC)
		if !created.CreationDate.Equal(want) {
			t.Fatalf("creationDate = %v, want %v", created.CreationDate, want)
		}

		d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.Name) != "orders" || aws.ToString(d.Definition) != passDef || aws.ToString(d.RoleArn) != role ||
			d.Type != types.StateMachineTypeExpress || d.Status != types.StateMachineStatusActive || !d.CreationDate.Equal(want) {
			t.Fatalf("describe = %+v", d)
		}
		if d.LoggingConfiguration == nil || d.LoggingConfiguration.Level != types.LogLevelAll || !d.LoggingConfiguration.IncludeExecutionData ||
			len(d.LoggingConfiguration.Destinations) != 1 {
			t.Fatalf("logging = %+v", d.LoggingConfiguration)
		}
		if d.TracingConfiguration == nil || !d.TracingConfiguration.Enabled {
			t.Fatalf("tracing = %+v", d.TracingConfiguration)
		}
		if d.EncryptionConfiguration == nil || d.EncryptionConfiguration.Type != types.EncryptionTypeAwsOwnedKey {
			t.Fatalf("encryption = %+v", d.EncryptionConfiguration)
		}
		if d.RevisionId != nil {
			t.Fatalf("revisionId before any update = %q", *d.RevisionId)
		}

		newDef := `{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}`
		up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: created.StateMachineArn, Definition: aws.String(newDef)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(up.RevisionId) == "" || up.UpdateDate == nil || !up.UpdateDate.After(want) {
			t.Fatalf("update = %+v", up)
		}
		d, _ = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn})
		if aws.ToString(d.Definition) != newDef || aws.ToString(d.RevisionId) != aws.ToString(up.RevisionId) {
			t.Fatalf("after update: def %s rev %s", aws.ToString(d.Definition), aws.ToString(d.RevisionId))
		}
		if !d.TracingConfiguration.Enabled {
			t.Fatal("update without tracingConfiguration reset it")
		}
		// An update that changes nothing keeps the revision.
		same, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: created.StateMachineArn, Definition: aws.String(newDef)})
		if err != nil || aws.ToString(same.RevisionId) != aws.ToString(up.RevisionId) {
			t.Fatalf("no-op update: %v rev %s, want %s", err, aws.ToString(same.RevisionId), aws.ToString(up.RevisionId))
		}
		meta, _ := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn, IncludedData: types.IncludedDataMetadataOnly})
		if meta.Definition != nil && *meta.Definition != "" {
			t.Fatalf("METADATA_ONLY returned the definition")
		}

		list, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
		if err != nil || len(list.StateMachines) != 1 || aws.ToString(list.StateMachines[0].Name) != "orders" ||
			list.StateMachines[0].Type != types.StateMachineTypeExpress || list.NextToken != nil {
			t.Fatalf("list = %+v, %v", list, err)
		}

		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: created.StateMachineArn}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "State Machine Does Not Exist: '"+smPre+"orders'")
		// Deleting again succeeds, as on AWS.
		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: created.StateMachineArn}); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestCreateStateMachineErrors(t *testing.T) {
	t.Parallel()
	base := func() *sfn.CreateStateMachineInput {
		return &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(passDef), RoleArn: aws.String(role)}
	}
	cmk := types.EncryptionTypeCustomerManagedKmsKey
	tests := []struct {
		name  string
		edit  func(*sfn.CreateStateMachineInput)
		check func(*testing.T, error)
	}{
		{"space in name", func(in *sfn.CreateStateMachineInput) { in.Name = aws.String("a b") },
			func(t *testing.T, err error) { wantAPIError[*types.InvalidName](t, err, "Invalid Name: 'a b'") }},
		{"bracket in name", func(in *sfn.CreateStateMachineInput) { in.Name = aws.String("a[b") },
			func(t *testing.T, err error) { wantAPIError[*types.InvalidName](t, err, "") }},
		{"81 chars", func(in *sfn.CreateStateMachineInput) { in.Name = aws.String(strings.Repeat("x", 81)) },
			func(t *testing.T, err error) { wantAPIError[*types.InvalidName](t, err, "") }},
		{"control char", func(in *sfn.CreateStateMachineInput) { in.Name = aws.String("a\x01") },
			func(t *testing.T, err error) { wantAPIError[*types.InvalidName](t, err, "") }},
		{"bad type", func(in *sfn.CreateStateMachineInput) { in.Type = "FAST" },
			func(t *testing.T, err error) {
				wantAPIError[*types.ValidationException](t, err, "Member must satisfy enum value set: [STANDARD, EXPRESS]")
			}},
		{"bad role", func(in *sfn.CreateStateMachineInput) { in.RoleArn = aws.String("role") },
			func(t *testing.T, err error) { wantAPIError[*types.InvalidArn](t, err, "") }},
		{"one bad transition", func(in *sfn.CreateStateMachineInput) {
			in.Definition = aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`)
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidDefinition](t, err, "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next'")
		}},
		{"two problems joined", func(in *sfn.CreateStateMachineInput) {
			in.Definition = aws.String(`{"States":{"A":{"Type":"Pass","Next":"X"}}}`)
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidDefinition](t, err, "'SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required at /StartAt, MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/A/Next'")
		}},
		{"no location reads null", func(in *sfn.CreateStateMachineInput) { in.Definition = aws.String(`{"StartAt":`) },
			func(t *testing.T, err error) {
				wantAPIError[*types.InvalidDefinition](t, err, "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: unexpected end of JSON input at null'")
			}},
		{"warnings do not block", func(in *sfn.CreateStateMachineInput) {
			in.Definition = aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Comment":"warn"}}}`)
		}, func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"description without publish", func(in *sfn.CreateStateMachineInput) { in.VersionDescription = aws.String("d") },
			func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "publish") }},
		{"too many tags", func(in *sfn.CreateStateMachineInput) {
			for i := range 51 {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
			}
		}, func(t *testing.T, err error) { wantCode(t, err, "TooManyTags") }},
		{"logging without destination", func(in *sfn.CreateStateMachineInput) {
			in.LoggingConfiguration = &types.LoggingConfiguration{Level: types.LogLevelError}
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidLoggingConfiguration](t, err, "Invalid Logging Configuration: Must specify exactly one Log Destination.")
		}},
		{"log group without :*", func(in *sfn.CreateStateMachineInput) {
			in.LoggingConfiguration = &types.LoggingConfiguration{Level: types.LogLevelError, Destinations: []types.LogDestination{
				{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String("arn:aws:logs:us-east-1:1:log-group:g")}}}}
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidLoggingConfiguration](t, err, "Invalid Logging Configuration: Log Destination not found.")
		}},
		{"two destinations", func(in *sfn.CreateStateMachineInput) {
			d := types.LogDestination{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String("arn:aws:logs:us-east-1:1:log-group:g:*")}}
			in.LoggingConfiguration = &types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{d, d}}
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidLoggingConfiguration](t, err, "Invalid Logging Configuration: Must specify exactly one Log Destination.")
		}},
		{"customer key without id", func(in *sfn.CreateStateMachineInput) {
			in.EncryptionConfiguration = &types.EncryptionConfiguration{Type: cmk}
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidEncryptionConfiguration](t, err, "") }},
		{"reuse period out of range", func(in *sfn.CreateStateMachineInput) {
			in.EncryptionConfiguration = &types.EncryptionConfiguration{Type: cmk, KmsKeyId: aws.String("k"), KmsDataKeyReusePeriodSeconds: aws.Int32(10)}
		}, func(t *testing.T, err error) {
			wantAPIError[*types.ValidationException](t, err, "greater than or equal to 60")
		}},
	}
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := base()
				in.Name = aws.String("m-" + strings.NewReplacer(" ", "-", ":", "", "*", "").Replace(tt.name))
				tt.edit(in)
				_, err := c.CreateStateMachine(t.Context(), in)
				tt.check(t, err)
			})
		}
	})
}

func TestCreateStateMachineIdempotency(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		in := &sfn.CreateStateMachineInput{Name: aws.String("idem"), Definition: aws.String(passDef), RoleArn: aws.String(role)}
		first, err := c.CreateStateMachine(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// A different role is ignored: same machine, same date.
		in.RoleArn = aws.String(role + "2")
		again, err := c.CreateStateMachine(ctx, in)
		if err != nil || aws.ToString(again.StateMachineArn) != aws.ToString(first.StateMachineArn) || !again.CreationDate.Equal(*first.CreationDate) {
			t.Fatalf("idempotent create = %+v, %v", again, err)
		}
		in.Definition = aws.String(`{"StartAt":"Z","States":{"Z":{"Type":"Succeed"}}}`)
		_, err = c.CreateStateMachine(ctx, in)
		wantAPIError[*types.StateMachineAlreadyExists](t, err, smPre+"idem")
	})
}

func TestStateMachineARNErrors(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		for arn, msg := range map[string]string{
			"nope":       "Invalid Arn: 'Invalid ARN prefix: nope'",
			actPre + "a": "Invalid Arn: 'Resource type not valid in this context: activity'",
			"arn:aws:lambda:us-east-1:123456789012:function:f": "Invalid ARN prefix",
			smPre: "Invalid ARN prefix",
		} {
			_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
			wantAPIError[*types.InvalidArn](t, err, msg)
		}
		_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smPre + "missing")})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "")
		_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smPre + "missing:3")})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "")
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(smPre + "missing"), RoleArn: aws.String(role)})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "")
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(smPre + "missing")})
		wantAPIError[*types.MissingRequiredParameter](t, err, "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
		// A version ARN names no state machine to update, as AWS records.
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(smPre + "m:1"), RoleArn: aws.String(role)})
		wantAPIError[*types.StateMachineDoesNotExist](t, err, "State Machine Does Not Exist: '"+smPre+"m:1'")
		_, err = c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(smPre + "m:1")})
		wantAPIError[*types.ValidationException](t, err, "Qualified")
		_, err = c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(smPre + "m/MapLabel")})
		var ve *types.ValidationException
		if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonApiDoesNotSupportLabeledArns {
			t.Fatalf("labeled ARN: %v", err)
		}
		_, err = c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String("bad")})
		wantAPIError[*types.InvalidArn](t, err, "")
	})
}

func TestUpdateStateMachineInvalidDefinition(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("u"), Definition: aws.String(passDef), RoleArn: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: created.StateMachineArn, Definition: aws.String(`{"StartAt":"A","States":{"A":{"Next":"Q"}}}`)})
		wantAPIError[*types.InvalidDefinition](t, err, "MISSING_TRANSITION_TARGET")
		d, _ := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn})
		if aws.ToString(d.Definition) != passDef {
			t.Fatalf("rejected update was stored: %s", aws.ToString(d.Definition))
		}
	})
}

func TestListStateMachinesPagination(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		var want []string
		for i := range 7 {
			name := fmt.Sprintf("p%d", i)
			want = append(want, smPre+name)
			if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(passDef), RoleArn: aws.String(role)}); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		pages := 0
		p := sfn.NewListStateMachinesPaginator(c, &sfn.ListStateMachinesInput{MaxResults: 3})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(page.StateMachines) > 3 {
				t.Fatalf("page of %d items", len(page.StateMachines))
			}
			for _, sm := range page.StateMachines {
				got = append(got, aws.ToString(sm.StateMachineArn))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) || pages != 3 {
			t.Fatalf("got %v in %d pages, want %v in 3", got, pages, want)
		}
		_, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("garbage")})
		wantAPIError[*types.InvalidToken](t, err, "Invalid Token: 'Invalid token'")
		first, _ := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 1})
		_, err = c.ListActivities(ctx, &sfn.ListActivitiesInput{NextToken: first.NextToken})
		wantAPIError[*types.InvalidToken](t, err, "")
		_, err = c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 1001})
		wantCode(t, err, "ValidationException")
	})
}

func TestValidateStateMachineDefinition(t *testing.T) {
	t.Parallel()
	bad := `{"States":{"A":{"Next":"X"},"B":{"Next":"Y","Comment":"warn"}}}`
	tests := []struct {
		name      string
		in        sfn.ValidateStateMachineDefinitionInput
		result    types.ValidateStateMachineDefinitionResultCode
		codes     []string
		truncated bool
	}{
		{"ok", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passDef)}, "OK", nil, false},
		{"empty definition", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String("")}, "FAIL", []string{"SCHEMA_VALIDATION_FAILED"}, false},
		{"errors only by default", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad)}, "FAIL",
			[]string{"SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET", "MISSING_TRANSITION_TARGET"}, false},
		{"warnings on request", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad), Severity: types.ValidateStateMachineDefinitionSeverityWarning}, "FAIL",
			[]string{"SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET", "MISSING_TRANSITION_TARGET", "WARN_CODE"}, false},
		{"truncated", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad), MaxResults: 1}, "FAIL",
			[]string{"SCHEMA_VALIDATION_FAILED"}, true},
		{"warning alone is OK", sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(`{"StartAt":"A","States":{"A":{"Comment":"warn"}}}`), Severity: "WARNING"}, "OK",
			[]string{"WARN_CODE"}, false},
	}
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out, err := c.ValidateStateMachineDefinition(t.Context(), &tt.in)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, d := range out.Diagnostics {
					codes = append(codes, aws.ToString(d.Code))
					if d.Severity == "" || aws.ToString(d.Message) == "" {
						t.Fatalf("incomplete diagnostic %+v", d)
					}
				}
				if out.Result != tt.result || !slices.Equal(codes, tt.codes) || aws.ToBool(out.Truncated) != tt.truncated {
					t.Fatalf("result %s codes %v truncated %v; want %s %v %v", out.Result, codes, aws.ToBool(out.Truncated), tt.result, tt.codes, tt.truncated)
				}
			})
		}
		_, err := c.ValidateStateMachineDefinition(t.Context(), &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String("{}"), MaxResults: 101})
		wantAPIError[*types.ValidationException](t, err, "less than or equal to 100")
	})
}
