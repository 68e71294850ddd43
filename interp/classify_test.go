package interp

import (
	"strings"
	"testing"
)

// classifySplit is classify as first written, with SplitN and Join: the
// reference the allocation-free version must agree with.
func classifySplit(resource string) (family, string, string) {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) >= 6 && parts[2] == "states" && parts[3] == "" && parts[4] == "" {
		svc, action, _ := strings.Cut(strings.Join(parts[5:], ":"), ":")
		if svc == "aws-sdk" {
			sdk, op, _ := strings.Cut(action, ":")
			return familyTask, svc + ":" + sdk, op
		}
		return familyTask, svc, action
	}
	if len(parts) >= 7 && parts[2] == "lambda" && parts[5] == "function" {
		return familyLambda, "lambda", resource
	}
	if len(parts) >= 7 && parts[2] == "states" && parts[5] == "activity" {
		return familyActivity, "activity", resource
	}
	return familyTask, "", resource
}

var classifySeeds = []string{
	"arn:aws:states:::lambda:invoke",
	"arn:aws:states:::lambda:invoke.waitForTaskToken",
	"arn:aws:states:::http:invoke",
	"arn:aws:states:::aws-sdk:s3:getObject",
	"arn:aws:states:::sqs",
	"arn:aws:states:::",
	"arn:aws:lambda:us-east-1:123456789012:function:f",
	"arn:aws:lambda:us-east-1:123456789012:function:f:alias",
	"arn:aws:lambda:us-east-1:123456789012:function",
	"arn:aws:states:us-east-1:123456789012:activity:a",
	"arn:aws:states:us-east-1:123456789012:activity",
	"arn:aws:states:us-east-1::activity:a",
	"not-an-arn",
	"",
	":::::",
	"::states:::",
}

func TestClassify(t *testing.T) {
	t.Parallel()
	want := []struct {
		fam        family
		rtype, rnm string
	}{
		{familyTask, "lambda", "invoke"},
		{familyTask, "lambda", "invoke.waitForTaskToken"},
		{familyTask, "http", "invoke"},
		{familyTask, "aws-sdk:s3", "getObject"},
		{familyTask, "sqs", ""},
		{familyTask, "", ""},
		{familyLambda, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:f"},
		{familyLambda, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:f:alias"},
		{familyTask, "", "arn:aws:lambda:us-east-1:123456789012:function"},
		{familyActivity, "activity", "arn:aws:states:us-east-1:123456789012:activity:a"},
		{familyTask, "", "arn:aws:states:us-east-1:123456789012:activity"},
		{familyActivity, "activity", "arn:aws:states:us-east-1::activity:a"},
		{familyTask, "", "not-an-arn"},
		{familyTask, "", ""},
		{familyTask, "", ":::::"},
		{familyTask, "", ""},
	}
	for i, r := range classifySeeds {
		fam, rtype, name := classify(r)
		if w := want[i]; fam != w.fam || rtype != w.rtype || name != w.rnm {
			t.Errorf("classify(%q) = %d %q %q, want %d %q %q", r, fam, rtype, name, w.fam, w.rtype, w.rnm)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range classifySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, r string) {
		fam, rtype, name := classify(r)
		wf, wt, wn := classifySplit(r)
		if fam != wf || rtype != wt || name != wn {
			t.Fatalf("classify(%q) = %d %q %q, reference %d %q %q", r, fam, rtype, name, wf, wt, wn)
		}
	})
}
