package integration

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

// AWSConfig says where the AWS service integrations (DynamoDB, SQS, SNS,
// S3, EventBridge) send their calls. A service with an endpoint is called
// there, signed with Credentials when they resolve and with dummy keys
// otherwise (local emulators accept any); a service without one is called
// on AWS itself, which needs Credentials. With neither, its tasks fail
// with States.Runtime saying what to configure.
type AWSConfig struct {
	// Region of the calls; default us-east-1.
	Region string
	// Endpoint is the URL every service without its own endpoint is
	// called at (what AWS_ENDPOINT_URL names); "" for AWS.
	Endpoint string
	// Endpoints are URLs by service: "dynamodb", "sqs", "sns", "s3",
	// "events" (what DYNAMODB_ENDPOINT, SQS_ENDPOINT, … name).
	Endpoints map[string]string
	// Credentials sign the calls (the AWS SDK's default chain, say); nil:
	// only services with an endpoint can be called.
	Credentials aws.CredentialsProvider
	// HTTPClient makes the calls; nil: a new client without timeout (a
	// Task's TimeoutSeconds bounds the call).
	HTTPClient *http.Client
	// CredentialsTimeout bounds looking credentials up (the default chain
	// may ask the EC2 metadata service, which may not answer); default 5s.
	CredentialsTimeout time.Duration
}

// awsService describes one service: where it is configured, the actions
// it has as an optimized integration and how its errors are named.
type awsService struct {
	id        string   // name in optimized resources and in Endpoints
	sdkID     string   // name in aws-sdk resources
	envVar    string   // the Step Functions Local endpoint variable
	optimized []string // actions of arn:aws:states:::<id>:<action>
	// sdkName names errors and causes of aws-sdk tasks, as AWS's Java SDK
	// v2 clients are named (DynamoDb, S3, Sqs, …).
	sdkName string
	// modeled lists the error codes the service's API models, as
	// "Code" or "Code=Shape": AWS's Java SDKs name such an error after its
	// shape whichever action answered it, where the Go SDK only knows the
	// errors of each action.
	modeled string
	// v1Prefix, v1Service and v1Exception name errors of optimized tasks,
	// which AWS runs on the Java SDK v1: SQS.AmazonSQSException, with
	// "(Service: AmazonSQS; …)" causes.
	v1Prefix, v1Service, v1Exception string
	// metadata: optimized results carry SdkHttpMetadata and
	// SdkResponseMetadata.
	metadata bool
	// check turns an optimized result into a failure (EventBridge's
	// failed entries); nil: none.
	check func(out *value.Object) error
	// headerMaps are result members read from header prefixes (S3's
	// x-amz-meta-*), which AWS's SDK gives as {} when there are none.
	headerMaps []string
	newClient  func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any
}

// awsServices are the services Cairn calls, by their names in resources.
func awsServices() []*awsService {
	return []*awsService{&dynamoDBService, &sqsService, &snsService, &s3Service, &eventBridgeService}
}

// AWS runs the optimized integrations of DynamoDB, SQS, SNS and
// EventBridge and arn:aws:states:::aws-sdk:<service>:<action> for those and
// S3, through the AWS SDK for Go: any action of the SDK's client, with
// parameters and results in the API's PascalCase shapes.
type AWS struct {
	optimized map[string]*awsClient // by service id
	sdk       map[string]*awsClient // by aws-sdk service name
}

var _ engine.Invoker = (*AWS)(nil)

type awsClient struct {
	svc      *awsService
	modeled  map[string]string // error code -> shape, from svc.modeled
	endpoint string
	client   any
	// ready checks, before a call to AWS itself, that credentials resolve.
	ready func(ctx context.Context, resource string) error
}

// NewAWS builds the clients; it makes no calls.
func NewAWS(cfg AWSConfig) (*AWS, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.CredentialsTimeout <= 0 {
		cfg.CredentialsTimeout = 5 * time.Second
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// The Go SDK refuses a request that lacks a required member before
	// sending it; Step Functions sends it and the service answers ("1
	// validation error detected: …"), so that answer and its error name
	// must reach the task. The definition's Retry decides about retries.
	api := []func(*middleware.Stack) error{func(s *middleware.Stack) error {
		s.Initialize.Remove("OperationInputValidation")
		return nil
	}}
	a := &AWS{optimized: map[string]*awsClient{}, sdk: map[string]*awsClient{}}
	for _, svc := range awsServices() {
		endpoint := cfg.Endpoints[svc.id]
		if endpoint == "" {
			endpoint = cfg.Endpoint
		}
		c := &awsClient{svc: svc, endpoint: endpoint, modeled: map[string]string{}}
		for _, m := range strings.Fields(svc.modeled) {
			code, shape, ok := strings.Cut(m, "=")
			if !ok {
				shape = code
			}
			c.modeled[code] = shape
		}
		acfg := aws.Config{Region: cfg.Region, HTTPClient: hc, RetryMaxAttempts: 1}
		switch {
		case endpoint != "":
			acfg.Credentials = aws.NewCredentialsCache(localCredentials{primary: cfg.Credentials, timeout: cfg.CredentialsTimeout})
			c.ready = func(context.Context, string) error { return nil }
		case cfg.Credentials != nil:
			creds := aws.NewCredentialsCache(cfg.Credentials)
			acfg.Credentials = creds
			c.ready = func(ctx context.Context, resource string) error {
				ctx, cancel := context.WithTimeout(ctx, cfg.CredentialsTimeout)
				defer cancel()
				if _, err := creds.Retrieve(ctx); err != nil {
					return &engine.TaskError{Name: "States.Runtime", Cause: noEndpoint(svc, resource) + " (no AWS credentials were found: " + err.Error() + ")"}
				}
				return nil
			}
		default:
			c.ready = func(_ context.Context, resource string) error {
				return &engine.TaskError{Name: "States.Runtime", Cause: noEndpoint(svc, resource)}
			}
		}
		c.client = svc.newClient(acfg, endpoint, api)
		a.sdk[svc.sdkID] = c
		if len(svc.optimized) > 0 {
			a.optimized[svc.id] = c
		}
	}
	return a, nil
}

// validate checks the endpoints: known services, http(s) URLs.
func (cfg AWSConfig) validate() error {
	var errs []error
	known := map[string]bool{}
	for _, s := range awsServices() {
		known[s.id] = true
	}
	check := func(what, endpoint string) {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("aws endpoint %s: want an http(s) URL, got %q", what, endpoint))
		}
	}
	if cfg.Endpoint != "" {
		check("(all services)", cfg.Endpoint)
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Endpoints)) {
		if !known[name] {
			errs = append(errs, fmt.Errorf("aws endpoints: unknown service %q (want dynamodb, sqs, sns, s3 or events)", name))
			continue
		}
		check("of "+name, cfg.Endpoints[name])
	}
	return errors.Join(errs...)
}

func noEndpoint(svc *awsService, resource string) string {
	return fmt.Sprintf("Cairn has no integration for %s: set %s or AWS_ENDPOINT_URL (or --aws-endpoint) to a %s endpoint, give AWS credentials to call AWS, or mock it with SFN_MOCK_CONFIG", resource, svc.envVar, svc.id)
}

// localCredentials are the configured credentials when they resolve in
// time, else fixed dummy keys: what a local emulator needs.
type localCredentials struct {
	primary aws.CredentialsProvider
	timeout time.Duration
}

func (l localCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if l.primary != nil {
		ctx, cancel := context.WithTimeout(ctx, l.timeout)
		defer cancel()
		if c, err := l.primary.Retrieve(ctx); err == nil {
			return c, nil
		}
	}
	return aws.Credentials{AccessKeyID: "cairn", SecretAccessKey: "cairn", Source: "cairn"}, nil
}

// awsTarget is a parsed AWS service resource.
type awsTarget struct {
	service string // as written in the resource
	action  string // camelCase, as written, without the pattern suffix
	sdk     bool   // aws-sdk:<service>:<action>
}

// parseAWSResource reads arn:<partition>:states:::aws-sdk:<service>:<action>
// and arn:<partition>:states:::<service>:<action>, each with an optional
// .waitForTaskToken (or other) suffix.
func parseAWSResource(resource string) (awsTarget, bool) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return awsTarget{}, false
	}
	rest := parts[5]
	var t awsTarget
	if r, ok := strings.CutPrefix(rest, "aws-sdk:"); ok {
		t.sdk, rest = true, r
	}
	svc, action, ok := strings.Cut(rest, ":")
	if !ok || svc == "" || action == "" {
		return awsTarget{}, false
	}
	action, _, _ = strings.Cut(action, ".")
	t.service, t.action = svc, action
	return t, true
}

// client finds the client of the resource's service; nil when the
// resource is not one of this invoker's.
func (a *AWS) client(resource string) (*awsClient, awsTarget) {
	t, ok := parseAWSResource(resource)
	if !ok {
		return nil, t
	}
	if t.sdk {
		return a.sdk[t.service], t
	}
	c := a.optimized[t.service]
	if c == nil || !slices.Contains(c.svc.optimized, t.action) {
		return nil, t
	}
	return c, t
}

// Handles says whether the resource is one of this invoker's.
func (a *AWS) Handles(resource string) bool {
	c, _ := a.client(resource)
	return c != nil
}

// Invoke calls the task's action with its parameters.
func (a *AWS) Invoke(ctx context.Context, task engine.Task) (any, error) {
	c, t := a.client(task.Resource)
	if c == nil {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("Cairn has no integration for %s", task.Resource)}
	}
	if err := c.ready(ctx, task.Resource); err != nil {
		return nil, err
	}
	op := strings.ToUpper(t.action[:1]) + t.action[1:]
	method := reflect.ValueOf(c.client).MethodByName(op)
	if !method.IsValid() || method.Type().NumIn() < 2 || method.Type().NumOut() != 2 || method.Type().In(1).Kind() != reflect.Pointer {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("%s has no action %s", c.svc.id, t.action)}
	}
	var params any = value.NewObject(0)
	if task.Input != nil {
		params = task.Input
	}
	if _, isObject := params.(*value.Object); !isObject {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("%s:%s needs an object of parameters", t.service, t.action)}
	}
	in, err := toGo(params, method.Type().In(1), "Parameters")
	if err != nil {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("%s:%s: %v", t.service, t.action, err)}
	}
	res := method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if callErr, _ := res[1].Interface().(error); callErr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, c.failure(t, callErr)
	}
	outV, _, err := fromGo(res[0])
	if err != nil {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("%s:%s: %v", t.service, t.action, err)}
	}
	out, _ := outV.(*value.Object)
	if out == nil {
		out = value.NewObject(0)
	}
	for _, name := range c.svc.headerMaps {
		if _, has := res[0].Type().Elem().FieldByName(name); has && !out.Has(name) {
			out.Set(name, value.NewObject(0))
		}
	}
	if !t.sdk {
		if c.svc.metadata {
			addSdkMetadata(out, res[0])
		}
		if c.svc.check != nil {
			if err := c.svc.check(out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// failure names a failed call as Step Functions does: for aws-sdk tasks
// <Service>.<Error>Exception (modeled errors) or
// <Service>.<Service>Exception, for optimized ones the Java SDK v1 names.
func (c *awsClient) failure(t awsTarget, err error) error {
	svc := c.svc
	var respErr *smithyhttp.ResponseError
	var apiErr smithy.APIError
	var sendErr *smithyhttp.RequestSendError
	if !errors.As(err, &apiErr) && !errors.As(err, &sendErr) && errors.As(err, &respErr) && respErr.Response != nil {
		// The service answered, but not with an error the SDK could read
		// (an emulator's crash page, a proxy's): the service's own
		// unmodeled exception, as the Java SDK names it.
		apiErr = &smithy.GenericAPIError{Code: "null", Message: fmt.Sprintf("HTTP %d answer that is not an AWS error: %v", respErr.HTTPStatusCode(), respErr.Err)}
	}
	if apiErr == nil {
		prefix := svc.v1Prefix
		if t.sdk {
			prefix = svc.sdkName
		}
		where := c.endpoint
		if where == "" {
			where = "AWS"
		}
		return &engine.TaskError{Name: prefix + ".SdkClientException", Cause: fmt.Sprintf("Unable to execute HTTP request to %s: %v", where, err)}
	}
	modeled := c.modeled[apiErr.ErrorCode()]
	if _, generic := apiErr.(*smithy.GenericAPIError); !generic {
		rt := reflect.TypeOf(apiErr)
		for rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		modeled = rt.Name()
	}
	if modeled != "" && !strings.HasSuffix(modeled, "Exception") {
		modeled += "Exception"
	}
	status := 0
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	requestID := ""
	var awsErr *awshttp.ResponseError
	if errors.As(err, &awsErr) {
		requestID = awsErr.ServiceRequestID()
	}
	msg := apiErr.ErrorMessage()
	if t.sdk {
		name := svc.sdkName + "." + svc.sdkName + "Exception"
		if modeled != "" {
			name = svc.sdkName + "." + modeled
		}
		cause := fmt.Sprintf("%s (Service: %s, Status Code: %d, Request ID: %s", msg, svc.sdkName, status, requestID)
		var host interface{ ServiceHostID() string }
		if errors.As(err, &host) {
			cause += ", Extended Request ID: " + host.ServiceHostID()
		}
		return &engine.TaskError{Name: name, Cause: cause + ")"}
	}
	name := svc.v1Prefix + "." + svc.v1Exception
	if modeled != "" {
		name = svc.v1Prefix + "." + modeled
	}
	cause := fmt.Sprintf("%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)", msg, svc.v1Service, status, apiErr.ErrorCode(), requestID)
	return &engine.TaskError{Name: name, Cause: cause}
}

// headerNames spells response headers as AWS's recordings do, where Go's
// canonical form differs.
var headerNames = map[string]string{
	"X-Amzn-Requestid": "x-amzn-RequestId",
	"Connection":       "connection",
}

// addSdkMetadata adds what the Java SDK v1 reports of the HTTP response,
// which optimized DynamoDB, SQS and SNS results include.
func addSdkMetadata(out *value.Object, result reflect.Value) {
	for result.Kind() == reflect.Pointer && !result.IsNil() {
		result = result.Elem()
	}
	if result.Kind() != reflect.Struct {
		return
	}
	md, _ := result.FieldByName("ResultMetadata").Interface().(middleware.Metadata)
	raw, _ := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	requestID, _ := awsmiddleware.GetRequestIDMetadata(md)
	if raw != nil {
		names := make([]string, 0, len(raw.Header))
		for k := range raw.Header {
			names = append(names, k)
		}
		slices.Sort(names)
		all, first := value.NewObject(len(names)), value.NewObject(len(names))
		for _, k := range names {
			name := k
			if n, ok := headerNames[k]; ok {
				name = n
			}
			vals := make([]any, len(raw.Header[k]))
			for i, v := range raw.Header[k] {
				vals[i] = v
			}
			all.Set(name, vals)
			first.Set(name, raw.Header.Get(k))
		}
		out.Set("SdkHttpMetadata", value.ObjectOf("AllHttpHeaders", all, "HttpHeaders", first, "HttpStatusCode", value.Int(int64(raw.StatusCode))))
	}
	out.Set("SdkResponseMetadata", value.ObjectOf("RequestId", requestID))
}
