package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// targetPrefix starts every X-Amz-Target the service accepts.
const targetPrefix = "AWSStepFunctions."

// contentType of every request and response of the JSON 1.0 protocol.
const contentType = "application/x-amz-json-1.0"

// Server answers the Step Functions API. Build it with New; it is safe for
// concurrent use.
type Server struct {
	cfg   Config
	deps  Deps
	now   func() time.Time
	newID func() string
	ops   map[string]operation
}

// operation decodes a request body and runs one action.
type operation func(ctx context.Context, body []byte) (any, error)

// New builds a server. It fails when cfg is invalid or deps.Store is nil.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("api config: %w", err)
	}
	if deps.Store == nil {
		return nil, errors.New("api: Deps.Store is required")
	}
	s := &Server{cfg: cfg.WithDefaults(), deps: deps, now: deps.Clock, newID: deps.NewID}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = randomUUID
	}
	s.ops = s.operations()
	return s, nil
}

// Config returns the configuration in force (defaults filled in).
func (s *Server) Config() Config { return s.cfg }

// Handler returns the HTTP handler. It answers POST requests on any path
// (the protocol uses "/") and ignores the Host header, so the "sync-" host
// prefix SDKs add for StartSyncExecution and TestState needs nothing.
// SigV4 signatures are accepted without verification.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Actions lists every action the server routes, sorted.
func (s *Server) Actions() []string {
	out := make([]string, 0, len(s.ops))
	for name := range s.ops {
		out = append(out, name)
	}
	sortStrings(out)
	return out
}

// handle adapts a typed action to an operation: decode, then call.
func handle[In, Out any](fn func(context.Context, *In) (*Out, error)) operation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in)
		if err == nil && out == nil {
			out = new(Out) // an engine answering (nil, nil) still gets "{}"
		}
		return out, err
	}
}

// decode reads a JSON 1.0 request body into in. Unknown members are ignored
// (as AWS does); a body that is not a JSON object of the right member types
// is a SerializationException. An empty body reads as {}.
func decode(body []byte, in any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return Errorf(SerializationException, "Start of structure or map found where not expected")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf(SerializationException, "Unexpected value type for member '%s'", te.Field)
		}
		return Errorf(SerializationException, "Malformed JSON request body")
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(SerializationException, "Malformed JSON request body: trailing data")
	}
	return nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := s.newID()
	w.Header().Set("x-amzn-RequestId", requestID)
	out, err := s.serve(r)
	if err != nil {
		s.writeError(w, r, requestID, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.writeError(w, r, requestID, fmt.Errorf("encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// serve runs one request; a panic below becomes InternalFailure.
func (s *Server) serve(r *http.Request) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, Errorf(InternalFailure, "internal error: %v", p)
		}
	}()
	if r.Method != http.MethodPost {
		return nil, Errorf(MethodNotAllowed, "Only POST is supported, not %s", r.Method)
	}
	target := r.Header.Get("X-Amz-Target")
	if target == "" {
		return nil, Errorf(UnknownOperationException, "Missing X-Amz-Target header")
	}
	action, ok := strings.CutPrefix(target, targetPrefix)
	op := s.ops[action]
	if !ok || op == nil {
		return nil, Errorf(UnknownOperationException, "Unknown operation %s", target)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.cfg.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, Errorf(RequestEntityTooLarge, "Request body exceeds %d bytes", s.cfg.MaxRequestBytes)
		}
		return nil, Errorf(SerializationException, "Cannot read request body")
	}
	return op(r.Context(), body)
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, requestID string, err error) {
	var apiErr *Error
	switch {
	case errors.As(err, &apiErr):
	case errors.Is(err, store.ErrBadCursor):
		apiErr = Errorf(InvalidToken, "Invalid Token: %v", err)
	default:
		apiErr = Errorf(InternalFailure, "internal error: %v", err)
	}
	if apiErr.Status() >= 500 && apiErr.Type != NotImplemented && s.deps.Logger != nil {
		s.deps.Logger.Error("api internal failure", "target", r.Header.Get("X-Amz-Target"), "requestId", requestID, "err", err)
	}
	b, _ := json.Marshal(apiErr.body())
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-ErrorType", string(apiErr.Type))
	w.WriteHeader(apiErr.Status())
	w.Write(b)
}

func (s *Server) operations() map[string]operation {
	return map[string]operation{
		"CreateStateMachine":             handle(s.CreateStateMachine),
		"DescribeStateMachine":           handle(s.DescribeStateMachine),
		"UpdateStateMachine":             handle(s.UpdateStateMachine),
		"DeleteStateMachine":             handle(s.DeleteStateMachine),
		"ListStateMachines":              handle(s.ListStateMachines),
		"ValidateStateMachineDefinition": handle(s.ValidateStateMachineDefinition),
		"PublishStateMachineVersion":     handle(s.PublishStateMachineVersion),
		"ListStateMachineVersions":       handle(s.ListStateMachineVersions),
		"DeleteStateMachineVersion":      handle(s.DeleteStateMachineVersion),
		"CreateStateMachineAlias":        handle(s.CreateStateMachineAlias),
		"DescribeStateMachineAlias":      handle(s.DescribeStateMachineAlias),
		"UpdateStateMachineAlias":        handle(s.UpdateStateMachineAlias),
		"DeleteStateMachineAlias":        handle(s.DeleteStateMachineAlias),
		"ListStateMachineAliases":        handle(s.ListStateMachineAliases),
		"CreateActivity":                 handle(s.CreateActivity),
		"DescribeActivity":               handle(s.DescribeActivity),
		"DeleteActivity":                 handle(s.DeleteActivity),
		"ListActivities":                 handle(s.ListActivities),
		"TagResource":                    handle(s.TagResource),
		"UntagResource":                  handle(s.UntagResource),
		"ListTagsForResource":            handle(s.ListTagsForResource),

		"StartExecution":                   handle(s.StartExecution),
		"StartSyncExecution":               handle(s.StartSyncExecution),
		"StopExecution":                    handle(s.StopExecution),
		"DescribeExecution":                handle(s.DescribeExecution),
		"ListExecutions":                   handle(s.ListExecutions),
		"GetExecutionHistory":              handle(s.GetExecutionHistory),
		"DescribeStateMachineForExecution": handle(s.DescribeStateMachineForExecution),
		"RedriveExecution":                 handle(s.RedriveExecution),
		"GetActivityTask":                  handle(s.GetActivityTask),
		"SendTaskSuccess":                  handle(s.SendTaskSuccess),
		"SendTaskFailure":                  handle(s.SendTaskFailure),
		"SendTaskHeartbeat":                handle(s.SendTaskHeartbeat),
		"TestState":                        handle(s.TestState),
		"DescribeMapRun":                   handle(s.DescribeMapRun),
		"ListMapRuns":                      handle(s.ListMapRuns),
		"UpdateMapRun":                     handle(s.UpdateMapRun),
	}
}
