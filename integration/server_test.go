package integration_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/integration"
	"github.com/cairn-sfn/cairn/server"
)

// TestRouterInServer runs an Express execution through the real API with
// the Router as the server's Invoker: the test case named after '#' mocks
// the Lambda state, and the HTTP state, not in the test case, calls a real
// server with the connection's API key.
func TestRouterInServer(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != "secret-key" {
			http.Error(w, "who are you", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"stock":3}`)
	}))
	t.Cleanup(api.Close)
	mocks, err := integration.ParseMocks([]byte(`{
	  "StateMachines": {"Shop": {"TestCases": {"Happy": {"Price": "Priced"}}}},
	  "MockedResponses": {"Priced": {"0": {"Return": {"StatusCode": 200, "Payload": {"price": 9}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	router, err := integration.New(integration.Config{
		Mocks: integration.StaticMocks(mocks),
		HTTP: integration.HTTPConfig{Connections: map[string]integration.Connection{
			"Inventory": {APIKey: &integration.APIKeyAuth{Name: "x-api-key", Value: "secret-key"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), WaitScale: -1}, server.Deps{Invoker: router})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
	}}
	t.Cleanup(transport.CloseIdleConnections)
	c := sfn.New(sfn.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String("http://" + srv.Addr()),
		HTTPClient:   &http.Client{Transport: transport},
	})
	def := `{"StartAt": "Price", "States": {
	  "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "price"},
	            "ResultSelector": {"price.$": "$.Payload.price"}, "Next": "Stock"},
	  "Stock": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
	            "Parameters": {"ApiEndpoint": "` + api.URL + `/stock", "Method": "GET",
	                           "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/Inventory/1"}},
	            "ResultSelector": {"stock.$": "$.ResponseBody.stock"}, "ResultPath": "$.stock", "End": true}}}`
	created, err := c.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String("Shop"), Definition: aws.String(def), Type: types.StateMachineTypeExpress,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		testCase string
		status   types.SyncExecutionStatus
		want     string
	}{
		{"#Happy", types.SyncExecutionStatusSucceeded, `{"price":9,"stock":{"stock":3}}`},
		// Without the test case the Lambda function is not found.
		{"", types.SyncExecutionStatusFailed, "Lambda.ResourceNotFoundException"},
	}
	for _, tt := range tests {
		out, err := c.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{
			StateMachineArn: aws.String(*created.StateMachineArn + tt.testCase), Input: aws.String(`{}`),
		})
		if err != nil {
			t.Fatalf("%q: %v", tt.testCase, err)
		}
		got := aws.ToString(out.Output) + aws.ToString(out.Error)
		if out.Status != tt.status || !strings.Contains(got, tt.want) {
			t.Errorf("%q: %s %s %s, want %s %s", tt.testCase, out.Status, got, aws.ToString(out.Cause), tt.status, tt.want)
		}
	}
}
