package api

// Request and response shapes of the resource actions, with AWS's member
// names. Absent optional members decode to zero values; responses omit
// zero optional members as AWS does.

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// LoggingConfiguration says where execution history is logged.
type LoggingConfiguration struct {
	Level                string           `json:"level,omitempty"` // ALL | ERROR | FATAL | OFF
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []LogDestination `json:"destinations,omitzero"` // an empty list is kept, as AWS echoes it
}

// LogDestination is one CloudWatch Logs destination.
type LogDestination struct {
	CloudWatchLogsLogGroup *CloudWatchLogsLogGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

// CloudWatchLogsLogGroup names a log group; its ARN ends with ":*".
type CloudWatchLogsLogGroup struct {
	LogGroupArn string `json:"logGroupArn,omitempty"`
}

// TracingConfiguration toggles X-Ray tracing.
type TracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// EncryptionConfiguration selects the key that encrypts data at rest.
// Cairn stores and returns it; it does not encrypt.
type EncryptionConfiguration struct {
	Type                         string `json:"type"` // AWS_OWNED_KEY | CUSTOMER_MANAGED_KMS_KEY
	KmsKeyId                     string `json:"kmsKeyId,omitempty"`
	KmsDataKeyReusePeriodSeconds *int32 `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
}

// RoutingConfigurationListItem routes a share of an alias's executions.
type RoutingConfigurationListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int32  `json:"weight"`
}

// CreateStateMachineInput is the request of CreateStateMachine.
type CreateStateMachineInput struct {
	Name                    string                   `json:"name"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	Type                    string                   `json:"type"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
	Tags                    []Tag                    `json:"tags"`
	Publish                 bool                     `json:"publish"`
	VersionDescription      string                   `json:"versionDescription"`
}

// CreateStateMachineOutput is the answer of CreateStateMachine.
type CreateStateMachineOutput struct {
	StateMachineArn        string    `json:"stateMachineArn"`
	CreationDate           Timestamp `json:"creationDate"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

// DescribeStateMachineInput is the request of DescribeStateMachine.
type DescribeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"` // ALL_DATA | METADATA_ONLY
}

// DescribeStateMachineOutput is the answer of DescribeStateMachine.
type DescribeStateMachineOutput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Name                    string                   `json:"name"`
	Status                  string                   `json:"status,omitempty"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	Type                    string                   `json:"type"`
	CreationDate            Timestamp                `json:"creationDate"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
	Label                   string                   `json:"label,omitempty"`
	RevisionId              string                   `json:"revisionId,omitempty"`
	Description             string                   `json:"description,omitempty"`
	VariableReferences      map[string][]string      `json:"variableReferences,omitempty"`
}

// UpdateStateMachineInput is the request of UpdateStateMachine.
type UpdateStateMachineInput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
	Publish                 bool                     `json:"publish"`
	VersionDescription      string                   `json:"versionDescription"`
}

// UpdateStateMachineOutput is the answer of UpdateStateMachine.
type UpdateStateMachineOutput struct {
	UpdateDate             Timestamp `json:"updateDate"`
	RevisionId             string    `json:"revisionId,omitempty"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

// DeleteStateMachineInput is the request of DeleteStateMachine.
type DeleteStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

// DeleteStateMachineOutput is the answer of DeleteStateMachine.
type DeleteStateMachineOutput struct{}

// ListStateMachinesInput is the request of ListStateMachines.
type ListStateMachinesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// StateMachineListItem is one entry of a list answer.
type StateMachineListItem struct {
	StateMachineArn string    `json:"stateMachineArn"`
	Name            string    `json:"name"`
	Type            string    `json:"type"`
	CreationDate    Timestamp `json:"creationDate"`
}

// ListStateMachinesOutput is the answer of ListStateMachines.
type ListStateMachinesOutput struct {
	StateMachines []StateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

// ValidateStateMachineDefinitionInput is the request of ValidateStateMachineDefinition.
type ValidateStateMachineDefinitionInput struct {
	// Definition is a pointer because AWS tells absent (a
	// ValidationException) from empty (a FAIL diagnostic).
	Definition *string `json:"definition"`
	Type       string  `json:"type"`
	Severity   string  `json:"severity"` // ERROR | WARNING: the least severe kind returned
	MaxResults int32   `json:"maxResults"`
}

// ValidateStateMachineDefinitionDiagnostic is a member shape of the API.
type ValidateStateMachineDefinitionDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

// ValidateStateMachineDefinitionOutput is the answer of ValidateStateMachineDefinition.
type ValidateStateMachineDefinitionOutput struct {
	Result      string                                     `json:"result"` // OK | FAIL
	Diagnostics []ValidateStateMachineDefinitionDiagnostic `json:"diagnostics"`
	Truncated   bool                                       `json:"truncated"`
}

// PublishStateMachineVersionInput is the request of PublishStateMachineVersion.
type PublishStateMachineVersionInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	RevisionId      *string `json:"revisionId"`
	Description     string  `json:"description"`
}

// PublishStateMachineVersionOutput is the answer of PublishStateMachineVersion.
type PublishStateMachineVersionOutput struct {
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
	CreationDate           Timestamp `json:"creationDate"`
}

// ListStateMachineVersionsInput is the request of ListStateMachineVersions.
type ListStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

// StateMachineVersionListItem is one entry of a list answer.
type StateMachineVersionListItem struct {
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
	CreationDate           Timestamp `json:"creationDate"`
}

// ListStateMachineVersionsOutput is the answer of ListStateMachineVersions.
type ListStateMachineVersionsOutput struct {
	StateMachineVersions []StateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            string                        `json:"nextToken,omitempty"`
}

// DeleteStateMachineVersionInput is the request of DeleteStateMachineVersion.
type DeleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

// DeleteStateMachineVersionOutput is the answer of DeleteStateMachineVersion.
type DeleteStateMachineVersionOutput struct{}

// CreateStateMachineAliasInput is the request of CreateStateMachineAlias.
type CreateStateMachineAliasInput struct {
	Name                 string                         `json:"name"`
	Description          string                         `json:"description"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

// CreateStateMachineAliasOutput is the answer of CreateStateMachineAlias.
type CreateStateMachineAliasOutput struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         Timestamp `json:"creationDate"`
}

// DescribeStateMachineAliasInput is the request of DescribeStateMachineAlias.
type DescribeStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

// DescribeStateMachineAliasOutput is the answer of DescribeStateMachineAlias.
type DescribeStateMachineAliasOutput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Name                 string                         `json:"name"`
	Description          string                         `json:"description,omitempty"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
	CreationDate         Timestamp                      `json:"creationDate"`
	UpdateDate           Timestamp                      `json:"updateDate,omitzero"`
}

// UpdateStateMachineAliasInput is the request of UpdateStateMachineAlias.
type UpdateStateMachineAliasInput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Description          *string                        `json:"description"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

// UpdateStateMachineAliasOutput is the answer of UpdateStateMachineAlias.
type UpdateStateMachineAliasOutput struct {
	UpdateDate Timestamp `json:"updateDate"`
}

// DeleteStateMachineAliasInput is the request of DeleteStateMachineAlias.
type DeleteStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

// DeleteStateMachineAliasOutput is the answer of DeleteStateMachineAlias.
type DeleteStateMachineAliasOutput struct{}

// ListStateMachineAliasesInput is the request of ListStateMachineAliases.
type ListStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

// StateMachineAliasListItem is one entry of a list answer.
type StateMachineAliasListItem struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         Timestamp `json:"creationDate"`
}

// ListStateMachineAliasesOutput is the answer of ListStateMachineAliases.
type ListStateMachineAliasesOutput struct {
	StateMachineAliases []StateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           string                      `json:"nextToken,omitempty"`
}

// CreateActivityInput is the request of CreateActivity.
type CreateActivityInput struct {
	Name                    string                   `json:"name"`
	Tags                    []Tag                    `json:"tags"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
}

// CreateActivityOutput is the answer of CreateActivity.
type CreateActivityOutput struct {
	ActivityArn  string    `json:"activityArn"`
	CreationDate Timestamp `json:"creationDate"`
}

// DescribeActivityInput is the request of DescribeActivity.
type DescribeActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

// DescribeActivityOutput is the answer of DescribeActivity.
type DescribeActivityOutput struct {
	ActivityArn             string                   `json:"activityArn"`
	Name                    string                   `json:"name"`
	CreationDate            Timestamp                `json:"creationDate"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

// DeleteActivityInput is the request of DeleteActivity.
type DeleteActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

// DeleteActivityOutput is the answer of DeleteActivity.
type DeleteActivityOutput struct{}

// ListActivitiesInput is the request of ListActivities.
type ListActivitiesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// ActivityListItem is one entry of a list answer.
type ActivityListItem struct {
	ActivityArn  string    `json:"activityArn"`
	Name         string    `json:"name"`
	CreationDate Timestamp `json:"creationDate"`
}

// ListActivitiesOutput is the answer of ListActivities.
type ListActivitiesOutput struct {
	Activities []ActivityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

// TagResourceInput is the request of TagResource.
type TagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

// TagResourceOutput is the answer of TagResource.
type TagResourceOutput struct{}

// UntagResourceInput is the request of UntagResource.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// UntagResourceOutput is the answer of UntagResource.
type UntagResourceOutput struct{}

// ListTagsForResourceInput is the request of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

// ListTagsForResourceOutput is the answer of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags []Tag `json:"tags"`
}
