package integration

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cairn-sfn/cairn/value"
)

// TestParametersToRequests checks how parameters become the SDK's request
// structs: PascalCase members, DynamoDB JSON, JSON sent as text for text
// members, blobs from base64, and the errors for what does not fit.
func TestParametersToRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		into   any // a pointer to the request type
		params string
		check  func(req any) string // "" when the request is right
		err    string
	}{
		{
			name: "dynamodb item", into: &dynamodb.PutItemInput{},
			params: `{"TableName": "t", "Item": {"id": {"S": "a"}, "n": {"N": 5}, "m": {"M": {"l": {"L": [{"BOOL": true}, {"NULL": true}]}}}, "b": {"B": "aGk="}}}`,
			check: func(req any) string {
				in := req.(*dynamodb.PutItemInput)
				m := in.Item["m"].(*ddbtypes.AttributeValueMemberM).Value["l"].(*ddbtypes.AttributeValueMemberL).Value
				if aws.ToString(in.TableName) != "t" || in.Item["id"].(*ddbtypes.AttributeValueMemberS).Value != "a" ||
					in.Item["n"].(*ddbtypes.AttributeValueMemberN).Value != "5" || !m[0].(*ddbtypes.AttributeValueMemberBOOL).Value ||
					string(in.Item["b"].(*ddbtypes.AttributeValueMemberB).Value) != "hi" {
					return "item not as given"
				}
				return ""
			},
		},
		{
			name: "sqs body as JSON text", into: &sqs.SendMessageInput{},
			params: `{"QueueUrl": "u", "MessageBody": {"a": [1, "x"]}, "DelaySeconds": 3, "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}}`,
			check: func(req any) string {
				in := req.(*sqs.SendMessageInput)
				if aws.ToString(in.MessageBody) != `{"a":[1,"x"]}` || in.DelaySeconds != 3 || aws.ToString(in.MessageAttributes["k"].StringValue) != "v" {
					return "message not as given"
				}
				return ""
			},
		},
		{
			name: "s3 body and time", into: &s3.PutObjectInput{},
			params: `{"Bucket": "b", "Key": "k", "Body": 12, "Expires": "2024-05-06T07:08:09Z", "Metadata": {"a": "b"}}`,
			check: func(req any) string {
				in := req.(*s3.PutObjectInput)
				body, _ := io.ReadAll(in.Body)
				if string(body) != "12" || !in.Expires.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) || in.Metadata["a"] != "b" {
					return "object not as given: " + string(body)
				}
				return ""
			},
		},
		{
			name: "event detail and lower-case first letters", into: &eventbridge.PutEventsInput{},
			params: `{"entries": [{"Detail": {"k": true}, "source": "s"}]}`,
			check: func(req any) string {
				e := req.(*eventbridge.PutEventsInput).Entries[0]
				if aws.ToString(e.Detail) != `{"k":true}` || aws.ToString(e.Source) != "s" {
					return "entry not as given"
				}
				return ""
			},
		},
		{name: "unknown member", into: &sqs.SendMessageInput{}, params: `{"QueueUrl": "u", "Body": "x"}`, err: "Parameters.Body: not a member of SendMessage"},
		{name: "text for a number", into: &sqs.SendMessageInput{}, params: `{"DelaySeconds": "soon"}`, err: "Parameters.DelaySeconds: want a number"},
		{name: "fraction for an integer", into: &sqs.SendMessageInput{}, params: `{"DelaySeconds": 1.5}`, err: "want an integer"},
		{name: "overflow", into: &sqs.SendMessageInput{}, params: `{"DelaySeconds": 99999999999}`, err: "out of range"},
		{name: "bad attribute", into: &dynamodb.GetItemInput{}, params: `{"Key": {"id": {"Q": "a"}}}`, err: "Parameters.Key.id: unknown attribute type Q"},
		{name: "two attribute types", into: &dynamodb.GetItemInput{}, params: `{"Key": {"id": {"S": "a", "N": "1"}}}`, err: "one type key"},
		{name: "object for a list", into: &eventbridge.PutEventsInput{}, params: `{"Entries": {}}`, err: "Parameters.Entries: want an array"},
		{name: "bad time", into: &s3.PutObjectInput{}, params: `{"Expires": "tomorrow"}`, err: "ISO 8601"},
		{name: "epoch seconds beyond year 9999", into: &s3.PutObjectInput{}, params: `{"Expires": 1e300}`, err: "Parameters.Expires: timestamp out of range"},
		{name: "epoch seconds before year 1", into: &s3.PutObjectInput{}, params: `{"Expires": -1e300}`, err: "Parameters.Expires: timestamp out of range"},
		{
			name: "epoch seconds with a fraction", into: &s3.PutObjectInput{}, params: `{"Expires": -0.5}`,
			check: func(req any) string {
				if e := req.(*s3.PutObjectInput).Expires; e == nil || !e.Equal(time.Date(1969, 12, 31, 23, 59, 59, 5e8, time.UTC)) {
					return fmt.Sprint("expires ", e)
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := toGo(value.MustParse(tt.params), reflect.TypeOf(tt.into), "Parameters")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(got.Interface()); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestResponsesToResults checks how the SDK's responses become results:
// PascalCase members, absent ones left out, DynamoDB JSON, streamed bodies
// as text, times in ISO 8601, blobs in base64.
func TestResponsesToResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  any
		want string
	}{
		{"dynamodb item", &dynamodb.GetItemOutput{Item: map[string]ddbtypes.AttributeValue{
			"id": &ddbtypes.AttributeValueMemberS{Value: "a"},
			"ns": &ddbtypes.AttributeValueMemberNS{Value: []string{"1", "2"}},
			"m":  &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"b": &ddbtypes.AttributeValueMemberB{Value: []byte("hi")}}},
		}}, `{"Item":{"id":{"S":"a"},"m":{"M":{"b":{"B":"aGk="}}},"ns":{"NS":["1","2"]}}}`},
		{"empty output", &dynamodb.PutItemOutput{}, `{}`},
		{"s3 object", &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader("data")), ContentLength: aws.Int64(4),
			LastModified: aws.Time(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)), ETag: aws.String(`"e"`)},
			`{"Body":"data","ContentLength":4,"ETag":"\"e\"","LastModified":"2024-01-02T03:04:05Z"}`},
		{"sqs messages", &sqs.ReceiveMessageOutput{Messages: []sqstypes.Message{{Body: aws.String("b"), Attributes: map[string]string{"z": "1", "a": "2"}}}},
			`{"Messages":[{"Attributes":{"a":"2","z":"1"},"Body":"b"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _, err := fromGo(reflect.ValueOf(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if s := value.String(got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

// TestBodyNotUTF8 checks that a streamed body that is not UTF-8 (a Latin-1
// file) becomes text with U+FFFD for each such byte, as Java decodes it
// and as a journal keeps it: the result a replay sees is the one the run
// saw.
func TestBodyNotUTF8(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, want string }{
		{"caf\xe9", "caf\ufffd"},
		{"\xff\xfe{}", "\ufffd\ufffd{}"},
		{"d\u00e9j\u00e0", "d\u00e9j\u00e0"},
	}
	for _, tt := range tests {
		got, _, err := fromGo(reflect.ValueOf(&s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(tt.body))}))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := got.(*value.Object).Get("Body")
		if body != tt.want {
			t.Errorf("body %q: got %q, want %q", tt.body, body, tt.want)
		}
	}
}
