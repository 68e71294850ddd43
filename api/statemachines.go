package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

const (
	typeStandard = "STANDARD"
	typeExpress  = "EXPRESS"
)

// stateMachineARN checks that s is a state machine ARN (qualified or not).
func stateMachineARN(s string) (ARN, error) {
	a, ok := ParseARN(s)
	if !ok || a.Resource != "stateMachine" || a.Extra != "" {
		return ARN{}, invalidArn(s)
	}
	return a, nil
}

// unqualified checks that s is a state machine ARN without a qualifier.
// A version or alias ARN names no state machine here: AWS answers
// StateMachineDoesNotExist for it.
func unqualified(s string) (ARN, error) {
	a, err := stateMachineARN(s)
	if err != nil {
		return a, err
	}
	if strings.Contains(a.Name, "/") {
		// stateMachine:<name>/<label> names a Distributed Map state.
		e := Errorf(ValidationException, "This API does not support labeled ARNs: '%s'", s)
		e.Reason = "API_DOES_NOT_SUPPORT_LABELED_ARNS"
		return a, e
	}
	if a.Qualifier != "" {
		return a, stateMachineDoesNotExist(s)
	}
	return a, nil
}

// checkRoleARN accepts any well-formed ARN: Cairn assumes no roles, and
// local users commonly pass dummy ones.
func checkRoleARN(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[2] == "" {
		return Errorf(InvalidArn, "Invalid Arn: 'Role ARN is not valid: %s'", clip(s))
	}
	return nil
}

// checkDefinition runs the validator and turns its errors into
// InvalidDefinition, worded and joined as AWS does:
// "Invalid State Machine Definition: 'CODE: message at /path, CODE: …'".
func (s *Server) checkDefinition(def, typ string) error {
	if s.deps.Validator == nil {
		return nil
	}
	var parts []string
	for _, d := range s.deps.Validator([]byte(def), typ) {
		if d.Severity != "" && d.Severity != "ERROR" {
			continue
		}
		// AWS words a diagnostic without a location "at null".
		loc := d.Location
		if loc == "" {
			loc = "null"
		}
		parts = append(parts, d.Code+": "+d.Message+" at "+loc)
	}
	if len(parts) == 0 {
		return nil
	}
	return Errorf(InvalidDefinition, "Invalid State Machine Definition: '%s'", strings.Join(parts, ", "))
}

// checkLogging validates a logging configuration and returns it with
// defaults filled in.
func checkLogging(l *LoggingConfiguration, v *violations) (LoggingConfiguration, error) {
	if l == nil {
		return LoggingConfiguration{Level: "OFF"}, nil
	}
	out := *l
	if out.Level == "" {
		out.Level = "OFF"
	}
	v.enum("loggingConfiguration.level", out.Level, "ALL", "ERROR", "FATAL", "OFF")
	if len(out.Destinations) > 1 || out.Level != "OFF" && len(out.Destinations) == 0 {
		return out, Errorf(InvalidLoggingConfiguration, "Invalid Logging Configuration: Must specify exactly one Log Destination.")
	}
	for _, d := range out.Destinations {
		if d.CloudWatchLogsLogGroup == nil || !strings.HasPrefix(d.CloudWatchLogsLogGroup.LogGroupArn, "arn:") ||
			!strings.HasSuffix(d.CloudWatchLogsLogGroup.LogGroupArn, ":*") {
			return out, Errorf(InvalidLoggingConfiguration, "Invalid Logging Configuration: Log Destination not found.")
		}
	}
	return out, nil
}

// checkEncryption validates an encryption configuration and returns it
// with the default (an AWS-owned key) filled in.
func checkEncryption(e *EncryptionConfiguration, v *violations) (EncryptionConfiguration, error) {
	if e == nil {
		return EncryptionConfiguration{Type: "AWS_OWNED_KEY"}, nil
	}
	out := *e
	v.required("encryptionConfiguration.type", out.Type == "")
	v.enum("encryptionConfiguration.type", out.Type, "AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY")
	if out.KmsDataKeyReusePeriodSeconds != nil {
		v.between("encryptionConfiguration.kmsDataKeyReusePeriodSeconds", int64(*out.KmsDataKeyReusePeriodSeconds), 60, 900)
	}
	v.maxLen("encryptionConfiguration.kmsKeyId", out.KmsKeyId, 2048)
	switch {
	case out.Type == "CUSTOMER_MANAGED_KMS_KEY" && out.KmsKeyId == "":
		return out, Errorf(InvalidEncryptionConfiguration, "Invalid Encryption Configuration: kmsKeyId is required for CUSTOMER_MANAGED_KMS_KEY.")
	case out.Type == "AWS_OWNED_KEY" && (out.KmsKeyId != "" || out.KmsDataKeyReusePeriodSeconds != nil):
		return out, Errorf(InvalidEncryptionConfiguration, "Invalid Encryption Configuration: kmsKeyId and kmsDataKeyReusePeriodSeconds are only allowed with CUSTOMER_MANAGED_KMS_KEY.")
	}
	return out, nil
}

func checkTags(tags []Tag, v *violations) {
	for i, t := range tags {
		if t.Key == "" {
			v.add("Value '' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		}
		v.maxLen("tags."+itoa(i+1)+".member.key", t.Key, 128)
		v.maxLen("tags."+itoa(i+1)+".member.value", t.Value, 256)
	}
}

func storeTags(tags []Tag) []store.Tag {
	out := make([]store.Tag, len(tags))
	for i, t := range tags {
		out[i] = store.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs get here
	}
	return b
}

// fromJSON decodes a stored configuration; nil when absent or unreadable.
func fromJSON[T any](b []byte) *T {
	if b == nil {
		return nil
	}
	v := new(T)
	if json.Unmarshal(b, v) != nil {
		return nil
	}
	return v
}

// storeErr maps store errors that callers did not handle themselves.
func storeErr(err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return err
	}
	return Errorf(InternalFailure, "store: %v", err)
}

func (s *Server) CreateStateMachine(ctx context.Context, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	var v violations
	v.required("name", in.Name == "")
	v.required("definition", in.Definition == "")
	v.required("roleArn", in.RoleArn == "")
	if len(in.Definition) > maxDefinitionBytes {
		v.add("Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionBytes)
	}
	v.maxLen("roleArn", in.RoleArn, maxArnLength)
	v.enum("type", in.Type, typeStandard, typeExpress)
	v.maxLen("versionDescription", in.VersionDescription, maxDescription)
	checkTags(in.Tags, &v)
	logging, logErr := checkLogging(in.LoggingConfiguration, &v)
	encryption, encErr := checkEncryption(in.EncryptionConfiguration, &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !ValidName(in.Name) {
		return nil, invalidName(in.Name)
	}
	if err := checkRoleARN(in.RoleArn); err != nil {
		return nil, err
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, Errorf(ValidationException, "Version description can only be set when publish is true")
	}
	if len(in.Tags) > s.cfg.MaxTagsPerResource {
		return nil, tooManyTags(in.Name)
	}
	if logErr != nil {
		return nil, logErr
	}
	if encErr != nil {
		return nil, encErr
	}
	typ := in.Type
	if typ == "" {
		typ = typeStandard
	}
	if err := s.checkDefinition(in.Definition, typ); err != nil {
		return nil, err
	}
	tracing := TracingConfiguration{}
	if in.TracingConfiguration != nil {
		tracing = *in.TracingConfiguration
	}
	now := s.now()
	sm := store.StateMachine{
		ARN: s.cfg.arnPrefix() + "stateMachine:" + in.Name, Name: in.Name, Type: typ, Status: "ACTIVE",
		Definition: in.Definition, RoleARN: in.RoleArn,
		LoggingConfiguration: mustJSON(logging), TracingConfiguration: mustJSON(tracing),
		EncryptionConfiguration: mustJSON(encryption), CreatedAt: now, UpdatedAt: now,
	}
	err := s.deps.Store.CreateStateMachine(ctx, sm, storeTags(in.Tags))
	if errors.Is(err, store.ErrAlreadyExists) {
		return s.createAgain(ctx, sm, in)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	out := &CreateStateMachineOutput{StateMachineArn: sm.ARN, CreationDate: At(now)}
	if in.Publish {
		ver, _, err := s.deps.Store.PublishVersion(ctx, store.PublishRequest{StateMachineARN: sm.ARN, Description: in.VersionDescription, CreatedAt: now})
		if err != nil {
			return nil, storeErr(err)
		}
		out.StateMachineVersionArn = ver.ARN
	}
	return out, nil
}

// createAgain is CreateStateMachine's idempotency: the same name with the
// same configuration answers with the existing machine (roleArn and tags
// may differ and are ignored); anything else is StateMachineAlreadyExists.
func (s *Server) createAgain(ctx context.Context, want store.StateMachine, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	have, err := s.deps.Store.GetStateMachine(ctx, want.ARN)
	if err != nil {
		return nil, storeErr(err)
	}
	same := have.Definition == want.Definition && have.Type == want.Type &&
		bytes.Equal(have.LoggingConfiguration, want.LoggingConfiguration) &&
		bytes.Equal(have.TracingConfiguration, want.TracingConfiguration) &&
		bytes.Equal(have.EncryptionConfiguration, want.EncryptionConfiguration)
	if !same {
		return nil, Errorf(StateMachineAlreadyExists, "State Machine Already Exists: '%s'", want.ARN)
	}
	out := &CreateStateMachineOutput{StateMachineArn: have.ARN, CreationDate: At(have.CreatedAt)}
	if in.Publish {
		vers, _, err := s.deps.Store.ListVersions(ctx, have.ARN, store.Page{Limit: 1})
		if err != nil {
			return nil, storeErr(err)
		}
		if len(vers) == 0 || vers[0].RevisionID != have.RevisionID || vers[0].Description != in.VersionDescription {
			return nil, Errorf(StateMachineAlreadyExists, "State Machine Already Exists: '%s'", want.ARN)
		}
		out.StateMachineVersionArn = vers[0].ARN
	}
	return out, nil
}

func (s *Server) DescribeStateMachine(ctx context.Context, in *DescribeStateMachineInput) (*DescribeStateMachineOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	v.enum("includedData", in.IncludedData, "ALL_DATA", "METADATA_ONLY")
	if err := v.err(); err != nil {
		return nil, err
	}
	a, err := stateMachineARN(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if a.IsAlias() {
		return nil, Errorf(ValidationException, "Alias ARNs are not supported by DescribeStateMachine; use DescribeStateMachineAlias: '%s'", in.StateMachineArn)
	}
	var out *DescribeStateMachineOutput
	if a.IsVersion() {
		ver, err := s.deps.Store.GetVersion(ctx, in.StateMachineArn)
		if errors.Is(err, store.ErrNotFound) {
			return nil, stateMachineDoesNotExist(in.StateMachineArn)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		out = &DescribeStateMachineOutput{
			StateMachineArn: ver.ARN, Name: ver.Name, Status: "ACTIVE", Definition: ver.Definition,
			RoleArn: ver.RoleARN, Type: ver.Type, CreationDate: At(ver.CreatedAt), RevisionId: ver.RevisionID,
			Description:             ver.Description,
			LoggingConfiguration:    fromJSON[LoggingConfiguration](ver.LoggingConfiguration),
			TracingConfiguration:    fromJSON[TracingConfiguration](ver.TracingConfiguration),
			EncryptionConfiguration: fromJSON[EncryptionConfiguration](ver.EncryptionConfiguration),
		}
	} else {
		sm, err := s.deps.Store.GetStateMachine(ctx, in.StateMachineArn)
		if errors.Is(err, store.ErrNotFound) {
			return nil, stateMachineDoesNotExist(in.StateMachineArn)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		out = &DescribeStateMachineOutput{
			StateMachineArn: sm.ARN, Name: sm.Name, Status: sm.Status, Definition: sm.Definition,
			RoleArn: sm.RoleARN, Type: sm.Type, CreationDate: At(sm.CreatedAt), RevisionId: sm.RevisionID,
			LoggingConfiguration:    fromJSON[LoggingConfiguration](sm.LoggingConfiguration),
			TracingConfiguration:    fromJSON[TracingConfiguration](sm.TracingConfiguration),
			EncryptionConfiguration: fromJSON[EncryptionConfiguration](sm.EncryptionConfiguration),
		}
	}
	if in.IncludedData == "METADATA_ONLY" {
		out.Definition = ""
	} else if s.deps.VariableReferences != nil {
		out.VariableReferences = s.deps.VariableReferences(out.Definition)
	}
	return out, nil
}

func (s *Server) UpdateStateMachine(ctx context.Context, in *UpdateStateMachineInput) (*UpdateStateMachineOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	if len(in.Definition) > maxDefinitionBytes {
		v.add("Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionBytes)
	}
	v.maxLen("roleArn", in.RoleArn, maxArnLength)
	v.maxLen("versionDescription", in.VersionDescription, maxDescription)
	var logging LoggingConfiguration
	var encryption EncryptionConfiguration
	var logErr, encErr error
	if in.LoggingConfiguration != nil {
		logging, logErr = checkLogging(in.LoggingConfiguration, &v)
	}
	if in.EncryptionConfiguration != nil {
		encryption, encErr = checkEncryption(in.EncryptionConfiguration, &v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := unqualified(in.StateMachineArn); err != nil {
		return nil, err
	}
	if in.Definition == "" && in.RoleArn == "" && in.LoggingConfiguration == nil && in.TracingConfiguration == nil && in.EncryptionConfiguration == nil {
		return nil, Errorf(MissingRequiredParameter, "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, Errorf(ValidationException, "Version description can only be set when publish is true")
	}
	if in.RoleArn != "" {
		if err := checkRoleARN(in.RoleArn); err != nil {
			return nil, err
		}
	}
	if logErr != nil {
		return nil, logErr
	}
	if encErr != nil {
		return nil, encErr
	}
	now := s.now()
	sm, err := s.deps.Store.UpdateStateMachine(ctx, in.StateMachineArn, func(sm *store.StateMachine) error {
		next := *sm
		if in.Definition != "" {
			if err := s.checkDefinition(in.Definition, sm.Type); err != nil {
				return err
			}
			next.Definition = in.Definition
		}
		if in.RoleArn != "" {
			next.RoleARN = in.RoleArn
		}
		if in.LoggingConfiguration != nil {
			next.LoggingConfiguration = mustJSON(logging)
		}
		if in.TracingConfiguration != nil {
			next.TracingConfiguration = mustJSON(*in.TracingConfiguration)
		}
		if in.EncryptionConfiguration != nil {
			next.EncryptionConfiguration = mustJSON(encryption)
		}
		// A new revision only when something changed, so that publishing
		// an unchanged machine stays idempotent.
		if next.Definition != sm.Definition || next.RoleARN != sm.RoleARN ||
			!bytes.Equal(next.LoggingConfiguration, sm.LoggingConfiguration) ||
			!bytes.Equal(next.TracingConfiguration, sm.TracingConfiguration) ||
			!bytes.Equal(next.EncryptionConfiguration, sm.EncryptionConfiguration) {
			next.RevisionID = s.newID()
		}
		next.UpdatedAt = now
		*sm = next
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, stateMachineDoesNotExist(in.StateMachineArn)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	out := &UpdateStateMachineOutput{UpdateDate: At(now), RevisionId: sm.RevisionID}
	if in.Publish {
		rev := sm.RevisionID
		ver, _, err := s.deps.Store.PublishVersion(ctx, store.PublishRequest{StateMachineARN: sm.ARN, Description: in.VersionDescription, IfRevision: &rev, CreatedAt: now})
		if errors.Is(err, store.ErrConflict) {
			return nil, Errorf(ConflictException, "The state machine changed while publishing; retry the update")
		}
		if err != nil {
			return nil, storeErr(err)
		}
		out.StateMachineVersionArn = ver.ARN
	}
	return out, nil
}

func (s *Server) DeleteStateMachine(ctx context.Context, in *DeleteStateMachineInput) (*DeleteStateMachineOutput, error) {
	var v violations
	v.required("stateMachineArn", in.StateMachineArn == "")
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if a, err := unqualified(in.StateMachineArn); err != nil {
		if a.Qualifier != "" {
			return nil, Errorf(ValidationException, "Qualified ARNs are not supported by DeleteStateMachine; delete versions with DeleteStateMachineVersion and aliases with DeleteStateMachineAlias: '%s'", in.StateMachineArn)
		}
		return nil, err
	}
	// Deleting a machine that does not exist succeeds, as on AWS.
	if err := s.deps.Store.DeleteStateMachine(ctx, in.StateMachineArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, storeErr(err)
	}
	return &DeleteStateMachineOutput{}, nil
}

func (s *Server) ListStateMachines(ctx context.Context, in *ListStateMachinesInput) (*ListStateMachinesOutput, error) {
	var v violations
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, maxTokenLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	cursor, err := decodeToken("stateMachines", in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.deps.Store.ListStateMachines(ctx, store.Page{After: cursor, Limit: pageSize(in.MaxResults)})
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ListStateMachinesOutput{StateMachines: make([]StateMachineListItem, len(items)), NextToken: encodeToken("stateMachines", next)}
	for i, sm := range items {
		out.StateMachines[i] = StateMachineListItem{StateMachineArn: sm.ARN, Name: sm.Name, Type: sm.Type, CreationDate: At(sm.CreatedAt)}
	}
	return out, nil
}

func (s *Server) ValidateStateMachineDefinition(ctx context.Context, in *ValidateStateMachineDefinitionInput) (*ValidateStateMachineDefinitionOutput, error) {
	var v violations
	v.required("definition", in.Definition == nil)
	def := ""
	if in.Definition != nil {
		def = *in.Definition
	}
	if len(def) > maxDefinitionBytes {
		v.add("Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionBytes)
	}
	v.enum("type", in.Type, typeStandard, typeExpress)
	v.enum("severity", in.Severity, "ERROR", "WARNING")
	v.between("maxResults", int64(in.MaxResults), 0, 100)
	if err := v.err(); err != nil {
		return nil, err
	}
	typ := in.Type
	if typ == "" {
		typ = typeStandard
	}
	out := &ValidateStateMachineDefinitionOutput{Result: "OK", Diagnostics: []ValidateStateMachineDefinitionDiagnostic{}}
	var diags []Diagnostic
	switch {
	case strings.TrimSpace(def) == "":
		// What AWS answers for an empty definition, validator or not.
		diags = []Diagnostic{{Code: "SCHEMA_VALIDATION_FAILED", Message: "Definition must be a valid JSON object"}}
	case s.deps.Validator != nil:
		diags = s.deps.Validator([]byte(def), typ)
	}
	limit := pageSize(in.MaxResults)
	for _, d := range diags {
		sev := d.Severity
		if sev == "" {
			sev = "ERROR"
		}
		if sev == "ERROR" {
			out.Result = "FAIL"
		}
		if sev == "WARNING" && in.Severity != "WARNING" {
			continue
		}
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			continue
		}
		out.Diagnostics = append(out.Diagnostics, ValidateStateMachineDefinitionDiagnostic{Severity: sev, Code: d.Code, Message: d.Message, Location: d.Location})
	}
	return out, nil
}
