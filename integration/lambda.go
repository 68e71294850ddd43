package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

// LambdaConfig says where Lambda functions run. Functions are looked up by
// name in Functions first, then called through Endpoint; with neither, a
// Lambda task fails with Lambda.ResourceNotFoundException, as on AWS for a
// missing function.
type LambdaConfig struct {
	// Functions run locally, keyed by function name (the name in the ARN,
	// without qualifier).
	Functions map[string]LocalFunction
	// Endpoint is the URL of a Lambda API (what LAMBDA_ENDPOINT names:
	// SAM local, LocalStack, or AWS itself); "" for none. Calls go through
	// the AWS SDK's Lambda client, as Step Functions Local's do.
	Endpoint string
	// Region signs Endpoint calls for functions given by bare name;
	// default us-east-1. An ARN's own region wins.
	Region string
	// Credentials sign Endpoint calls; nil: fixed dummy keys, which local
	// Lambda emulators accept.
	Credentials aws.CredentialsProvider
	// HTTPClient makes Endpoint and function URL calls; nil: a new client
	// without timeout (a Task's TimeoutSeconds bounds the call).
	HTTPClient *http.Client
	// MaxOutput caps a local command's output and a URL's response body,
	// in bytes; default 6 MiB (Lambda's synchronous payload limit).
	MaxOutput int64
}

// LocalFunction is a Lambda function run on this machine: either URL (the
// event is POSTed, the response body is the result) or Command (the event
// on stdin, the result on stdout; a non-zero exit is a function error whose
// stdout, when it is {"errorType", "errorMessage"}, names the error).
type LocalFunction struct {
	URL     string   `json:"url,omitempty"`
	Command []string `json:"command,omitempty"`
	Dir     string   `json:"dir,omitempty"` // working directory of Command
	Env     []string `json:"env,omitempty"` // extra "KEY=value" for Command
}

// LoadFunctions reads a JSON file mapping function names to local
// functions: {"name": {"url": "http://…"}, "other": {"command": ["python3", "f.py"]}}.
func LoadFunctions(path string) (map[string]LocalFunction, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lambda functions: %w", err)
	}
	var fns map[string]LocalFunction
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fns); err != nil {
		return nil, fmt.Errorf("lambda functions: %s: %w", path, err)
	}
	return fns, nil
}

// Lambda runs arn:aws:states:::lambda:invoke tasks and bare function ARNs.
type Lambda struct {
	cfg    LambdaConfig
	client *lambda.Client // nil without Endpoint
	hc     *http.Client
	now    func() time.Time
}

var _ engine.Invoker = (*Lambda)(nil)

// NewLambda checks cfg and builds the Lambda invoker.
func NewLambda(cfg LambdaConfig) (*Lambda, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MaxOutput <= 0 {
		cfg.MaxOutput = 6 << 20
	}
	for name, f := range cfg.Functions {
		if (f.URL == "") == (len(f.Command) == 0) {
			return nil, fmt.Errorf("lambda function %q: give exactly one of url and command", name)
		}
	}
	l := &Lambda{cfg: cfg, hc: cfg.HTTPClient, now: time.Now}
	if l.hc == nil {
		l.hc = &http.Client{}
	}
	if cfg.Endpoint != "" {
		creds := cfg.Credentials
		if creds == nil {
			creds = credentials.NewStaticCredentialsProvider("cairn", "cairn", "")
		}
		endpoint := cfg.Endpoint
		l.client = lambda.New(lambda.Options{
			Region:           cfg.Region,
			Credentials:      creds,
			HTTPClient:       l.hc,
			BaseEndpoint:     &endpoint,
			RetryMaxAttempts: 1, // Retry in the definition decides
		})
	}
	return l, nil
}

// functionRef names a function to call.
type functionRef struct {
	name, qualifier, region, account string
	// qualified is set when the name came with its account (an ARN or
	// account:function:name); a bare name leaves the account to the
	// endpoint's credentials.
	qualified bool
}

func (f functionRef) arn() string {
	s := "arn:aws:lambda:" + f.region + ":" + f.account + ":function:" + f.name
	if f.qualifier != "" {
		s += ":" + f.qualifier
	}
	return s
}

// parseFunction reads a FunctionName as Lambda accepts it: name,
// name:qualifier, account:function:name[:qualifier] or a full ARN.
func parseFunction(s, region, account string) (functionRef, bool) {
	f := functionRef{region: region, account: account}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		f.region, f.account, f.name, f.qualified = parts[3], parts[4], parts[6], true
		parts = parts[7:]
	case len(parts) >= 3 && parts[1] == "function":
		f.account, f.name, f.qualified = parts[0], parts[2], true
		parts = parts[3:]
	default:
		f.name = parts[0]
		parts = parts[1:]
	}
	switch len(parts) {
	case 0:
	case 1:
		f.qualifier = parts[0]
	default:
		return f, false
	}
	return f, f.name != ""
}

// accountOf takes the account from an ARN ("" when there is none).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) >= 5 {
		return parts[4]
	}
	return ""
}

// lambdaCall is what one invocation answered.
type lambdaCall struct {
	status        int
	payload       []byte
	functionError string
	version       string
	requestID     string
	headers       http.Header
}

// Invoke runs the task's function.
func (l *Lambda) Invoke(ctx context.Context, task engine.Task) (any, error) {
	account := accountOf(task.StateMachineARN)
	region := l.cfg.Region
	if kind := classify(task.Resource); kind == kindLambdaFunction {
		fn, ok := parseFunction(task.Resource, region, account)
		if !ok {
			return nil, &engine.TaskError{Name: "States.Runtime", Cause: "invalid Lambda function ARN: " + task.Resource}
		}
		call, err := l.call(ctx, fn, value.Marshal(task.Input), "RequestResponse")
		if err != nil {
			return nil, err
		}
		if call.functionError != "" {
			return nil, functionFailure(call.payload)
		}
		return decodePayload(call.payload), nil
	}
	params, _ := task.Input.(*value.Object)
	if params == nil {
		return nil, &engine.TaskError{Name: "States.Runtime", Cause: "lambda:invoke needs an object of parameters with FunctionName"}
	}
	nameV, _ := params.Get("FunctionName")
	name, _ := nameV.(string)
	fn, ok := parseFunction(name, region, account)
	if !ok {
		return nil, &engine.TaskError{Name: "Lambda.InvalidParameterValueException", Cause: fmt.Sprintf("invalid FunctionName %s", value.String(nameV))}
	}
	if q, ok := params.Get("Qualifier"); ok {
		if qs, ok := q.(string); ok {
			fn.qualifier = qs
		}
	}
	payload := []byte("{}")
	if p, ok := params.Get("Payload"); ok {
		if s, isText := p.(string); isText {
			payload = []byte(s) // a string is sent as it is, not quoted
		} else {
			payload = value.Marshal(p)
		}
	}
	invocationType := "RequestResponse"
	if t, ok := params.Get("InvocationType"); ok {
		if ts, ok := t.(string); ok {
			invocationType = ts
		}
	}
	call, err := l.call(ctx, fn, payload, invocationType)
	if err != nil {
		return nil, err
	}
	if call.functionError != "" {
		return nil, functionFailure(call.payload)
	}
	return invokeResult(call), nil
}

// call runs one invocation where the configuration says.
func (l *Lambda) call(ctx context.Context, fn functionRef, payload []byte, invocationType string) (*lambdaCall, error) {
	var (
		c   *lambdaCall
		err error
	)
	local, isLocal := l.cfg.Functions[fn.name]
	switch {
	case isLocal && invocationType == "DryRun":
		c = &lambdaCall{status: 204}
	case isLocal && local.URL != "":
		c, err = l.callURL(ctx, local.URL, payload)
	case isLocal:
		c, err = l.callCommand(ctx, local, payload)
	case l.client != nil:
		return l.callAPI(ctx, fn, payload, invocationType)
	default:
		id := newRequestID()
		cause := fmt.Sprintf("Function not found: %s (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)",
			functionRef{name: fn.name, qualifier: qualifierOr(fn.qualifier), region: fn.region, account: fn.account}.arn(), id)
		return nil, &engine.TaskError{Name: "Lambda.ResourceNotFoundException", Cause: cause}
	}
	if err != nil {
		return nil, err
	}
	if invocationType == "Event" && c.functionError == "" {
		c.status, c.payload = 202, nil
	}
	c.headers = l.localHeaders(c)
	return c, nil
}

func qualifierOr(q string) string {
	if q == "" {
		return "$LATEST"
	}
	return q
}

// callURL POSTs the event to a local function URL.
func (l *Lambda) callURL(ctx context.Context, url string, payload []byte) (*lambdaCall, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, &engine.TaskError{Name: "Lambda.ServiceException", Cause: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.hc.Do(req)
	if err != nil {
		return nil, &engine.TaskError{Name: "Lambda.ServiceException", Cause: err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, l.cfg.MaxOutput+1))
	if err != nil {
		return nil, &engine.TaskError{Name: "Lambda.ServiceException", Cause: err.Error()}
	}
	if int64(len(body)) > l.cfg.MaxOutput {
		return nil, &engine.TaskError{Name: "Lambda.ResponseSizeTooLargeException", Cause: fmt.Sprintf("the response of %s exceeds %d bytes", url, l.cfg.MaxOutput)}
	}
	c := &lambdaCall{status: 200, payload: body, version: "$LATEST", requestID: newRequestID()}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		c.functionError = fe
		return c, nil
	}
	if resp.StatusCode/100 != 2 {
		if errorType(body) != "" {
			c.functionError = "Unhandled"
			return c, nil
		}
		return nil, &engine.TaskError{Name: "Lambda.ServiceException", Cause: fmt.Sprintf("%s answered %s: %s", url, resp.Status, clip(string(body), 1024))}
	}
	return c, nil
}

// callCommand runs a local command with the event on stdin.
func (l *Lambda) callCommand(ctx context.Context, f LocalFunction, payload []byte) (*lambdaCall, error) {
	cmd := exec.CommandContext(ctx, f.Command[0], f.Command[1:]...)
	cmd.Dir = f.Dir
	if len(f.Env) > 0 {
		cmd.Env = append(os.Environ(), f.Env...)
	}
	cmd.Stdin = bytes.NewReader(payload)
	stdout := &cappedBuffer{max: l.cfg.MaxOutput}
	stderr := &cappedBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	c := &lambdaCall{status: 200, payload: bytes.TrimSpace(stdout.buf.Bytes()), version: "$LATEST", requestID: newRequestID()}
	if stdout.over {
		return nil, &engine.TaskError{Name: "Lambda.ResponseSizeTooLargeException", Cause: fmt.Sprintf("the output of %s exceeds %d bytes", f.Command[0], l.cfg.MaxOutput)}
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return c, nil
	case errors.As(err, &exit):
		c.functionError = "Unhandled"
		if errorType(c.payload) == "" {
			msg := fmt.Sprintf("%s exited with status %d", f.Command[0], exit.ExitCode())
			if s := strings.TrimSpace(stderr.buf.String()); s != "" {
				msg += ": " + s
			}
			c.payload = value.Marshal(value.ObjectOf("errorType", "Runtime.ExitError", "errorMessage", msg))
		}
		return c, nil
	default:
		return nil, &engine.TaskError{Name: "Lambda.ServiceException", Cause: fmt.Sprintf("run %s: %v", f.Command[0], err)}
	}
}

// callAPI calls the Lambda Invoke API at the configured endpoint.
func (l *Lambda) callAPI(ctx context.Context, fn functionRef, payload []byte, invocationType string) (*lambdaCall, error) {
	in := &lambda.InvokeInput{
		FunctionName:   aws.String(fn.name),
		Payload:        payload,
		InvocationType: lambdatypes.InvocationType(invocationType),
	}
	if fn.qualified && fn.account != "" && fn.region != "" {
		in.FunctionName = aws.String(functionRef{name: fn.name, region: fn.region, account: fn.account}.arn())
	}
	if fn.qualifier != "" {
		in.Qualifier = aws.String(fn.qualifier)
	}
	region := fn.region
	out, err := l.client.Invoke(ctx, in, func(o *lambda.Options) {
		if region != "" {
			o.Region = region
		}
	})
	if err != nil {
		return nil, apiFailure(err)
	}
	c := &lambdaCall{status: int(out.StatusCode), payload: out.Payload, version: aws.ToString(out.ExecutedVersion), functionError: aws.ToString(out.FunctionError)}
	c.requestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); ok {
		c.headers = raw.Header.Clone()
	}
	return c, nil
}

// apiFailure names a Lambda API error as Step Functions does:
// Lambda.<ErrorCode>, with a cause in the Java SDK's words.
func apiFailure(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return &engine.TaskError{Name: "Lambda.SdkClientException", Cause: err.Error()}
	}
	status, id := 0, ""
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status, id = re.HTTPStatusCode(), re.ServiceRequestID()
	}
	cause := fmt.Sprintf("%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)", ae.ErrorMessage(), status, ae.ErrorCode(), id)
	return &engine.TaskError{Name: "Lambda." + ae.ErrorCode(), Cause: cause}
}

// functionFailure is a function error: the payload's errorType names it
// and the payload is the cause.
func functionFailure(payload []byte) error {
	name := errorType(payload)
	if name == "" {
		name = "Lambda.Unknown"
	}
	return &engine.TaskError{Name: name, Cause: string(payload)}
}

// errorType reads {"errorType": …} from a function error payload.
func errorType(payload []byte) string {
	v, err := value.Parse(payload)
	if err != nil {
		return ""
	}
	o, _ := v.(*value.Object)
	if o == nil {
		return ""
	}
	t, _ := o.Get("errorType")
	s, _ := t.(string)
	return s
}

// decodePayload reads a function's result: JSON when it is, otherwise the
// text itself; nothing at all is null.
func decodePayload(p []byte) any {
	if len(bytes.TrimSpace(p)) == 0 {
		return nil
	}
	if v, err := value.Parse(p); err == nil {
		return v
	}
	return string(p)
}

// invokeResult is lambda:invoke's result: the Invoke API answer as the
// Java SDK Step Functions uses renders it.
func invokeResult(c *lambdaCall) any {
	all := value.NewObject(len(c.headers))
	flat := value.NewObject(len(c.headers))
	for _, k := range sortedKeys(c.headers) {
		vs := c.headers[k]
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		all.Set(k, list)
		flat.Set(k, strings.Join(vs, ","))
	}
	o := value.NewObject(5)
	if c.version != "" {
		o.Set("ExecutedVersion", c.version)
	}
	if c.payload != nil || c.status != 202 {
		o.Set("Payload", decodePayload(c.payload))
	} else {
		o.Set("Payload", "")
	}
	o.Set("SdkHttpMetadata", value.ObjectOf("AllHttpHeaders", all, "HttpHeaders", flat, "HttpStatusCode", value.Int(int64(c.status))))
	o.Set("SdkResponseMetadata", value.ObjectOf("RequestId", c.requestID))
	o.Set("StatusCode", value.Int(int64(c.status)))
	return o
}

// localHeaders are the headers Lambda's API would have sent for a local
// function's answer.
func (l *Lambda) localHeaders(c *lambdaCall) http.Header {
	h := http.Header{}
	h["Connection"] = []string{"keep-alive"}
	h["Content-Length"] = []string{strconv.Itoa(len(c.payload))}
	h["Content-Type"] = []string{"application/json"}
	h["Date"] = []string{l.now().UTC().Format(http.TimeFormat)}
	if c.version != "" {
		h["X-Amz-Executed-Version"] = []string{c.version}
	}
	h["x-amzn-Remapped-Content-Length"] = []string{"0"}
	h["x-amzn-RequestId"] = []string{c.requestID}
	return h
}

// sortedKeys orders header names so that histories are reproducible.
func sortedKeys(h http.Header) []string { return slices.Sorted(maps.Keys(h)) }

// newRequestID makes a random UUID, as Lambda's request ids are.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// cappedBuffer keeps at most max bytes and notes whether more came.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int64
	over bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := c.max - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
