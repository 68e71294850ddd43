package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestActivities(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		var want []string
		for i := range 5 {
			out, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(fmt.Sprint("worker", i))})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, aws.ToString(out.ActivityArn))
		}
		if want[0] != actPre+"worker0" {
			t.Fatalf("activity ARN = %s", want[0])
		}
		again, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker0"), Tags: []types.Tag{{Key: aws.String("ignored"), Value: aws.String("x")}}})
		if err != nil || aws.ToString(again.ActivityArn) != want[0] {
			t.Fatalf("idempotent create = %+v, %v", again, err)
		}
		_, err = c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker0"),
			EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("k")}})
		wantAPIError[*types.ActivityAlreadyExists](t, err, "")

		d, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(want[1])})
		if err != nil || aws.ToString(d.Name) != "worker1" || d.CreationDate == nil || d.EncryptionConfiguration == nil {
			t.Fatalf("describe = %+v, %v", d, err)
		}
		var got []string
		p := sfn.NewListActivitiesPaginator(c, &sfn.ListActivitiesInput{MaxResults: 2})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Activities {
				got = append(got, aws.ToString(a.ActivityArn))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
		if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(want[1])}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(want[1])})
		wantAPIError[*types.ActivityDoesNotExist](t, err, "Activity Does Not Exist: '"+want[1]+"'")
		if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(want[1])}); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		_, err = c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("bad name")})
		wantAPIError[*types.InvalidName](t, err, "")
		_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(smPre + "x")})
		wantAPIError[*types.InvalidArn](t, err, "")
	})
}

func TestTags(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, c *sfn.Client) {
		ctx := t.Context()
		sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("t"), Definition: aws.String(passDef), RoleArn: aws.String(role),
			Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
		if err != nil {
			t.Fatal(err)
		}
		act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("t")})
		if err != nil {
			t.Fatal(err)
		}
		tags := func(arn *string) []string {
			out, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: arn})
			if err != nil {
				t.Fatal(err)
			}
			var kv []string
			for _, tg := range out.Tags {
				kv = append(kv, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
			}
			return kv
		}
		for _, arn := range []*string{sm.StateMachineArn, act.ActivityArn} {
			if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("9")}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"b", "absent"}}); err != nil {
				t.Fatal(err)
			}
			if got := tags(arn); !slices.Equal(got, []string{"a=9"}) {
				t.Fatalf("%s tags = %v", aws.ToString(arn), got)
			}
		}
		missing := aws.String(smPre + "missing")
		_, err = c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: missing, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		wantAPIError[*types.ResourceNotFound](t, err, "")
		_, err = c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: missing})
		wantAPIError[*types.ResourceNotFound](t, err, "")
		_, err = c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String("bad"), TagKeys: []string{"a"}})
		wantAPIError[*types.InvalidArn](t, err, "")
		var many []types.Tag
		for i := range 50 {
			many = append(many, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
		}
		_, err = c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: sm.StateMachineArn, Tags: many})
		wantAPIError[*types.TooManyTags](t, err, "")
		if got := tags(sm.StateMachineArn); len(got) != 1 {
			t.Fatalf("failed tagging changed tags: %v", got)
		}
		_, err = c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: sm.StateMachineArn, Tags: []types.Tag{{Key: aws.String(""), Value: aws.String("v")}}})
		wantCode(t, err, "ValidationException")
	})
}
