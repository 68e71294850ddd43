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

type CreateStateMachineOutput struct {
	StateMachineArn        string    `json:"stateMachineArn"`
	CreationDate           Timestamp `json:"creationDate"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

type DescribeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"` // ALL_DATA | METADATA_ONLY
}

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

type UpdateStateMachineOutput struct {
	UpdateDate             Timestamp `json:"updateDate"`
	RevisionId             string    `json:"revisionId,omitempty"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

type DeleteStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

type DeleteStateMachineOutput struct{}

type ListStateMachinesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type StateMachineListItem struct {
	StateMachineArn string    `json:"stateMachineArn"`
	Name            string    `json:"name"`
	Type            string    `json:"type"`
	CreationDate    Timestamp `json:"creationDate"`
}

type ListStateMachinesOutput struct {
	StateMachines []StateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

type ValidateStateMachineDefinitionInput struct {
	// Definition is a pointer because AWS tells absent (a
	// ValidationException) from empty (a FAIL diagnostic).
	Definition *string `json:"definition"`
	Type       string  `json:"type"`
	Severity   string  `json:"severity"` // ERROR | WARNING: the least severe kind returned
	MaxResults int32   `json:"maxResults"`
}

type ValidateStateMachineDefinitionDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type ValidateStateMachineDefinitionOutput struct {
	Result      string                                     `json:"result"` // OK | FAIL
	Diagnostics []ValidateStateMachineDefinitionDiagnostic `json:"diagnostics"`
	Truncated   bool                                       `json:"truncated"`
}

type PublishStateMachineVersionInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	RevisionId      *string `json:"revisionId"`
	Description     string  `json:"description"`
}

type PublishStateMachineVersionOutput struct {
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
	CreationDate           Timestamp `json:"creationDate"`
}

type ListStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type StateMachineVersionListItem struct {
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
	CreationDate           Timestamp `json:"creationDate"`
}

type ListStateMachineVersionsOutput struct {
	StateMachineVersions []StateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            string                        `json:"nextToken,omitempty"`
}

type DeleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

type DeleteStateMachineVersionOutput struct{}

type CreateStateMachineAliasInput struct {
	Name                 string                         `json:"name"`
	Description          string                         `json:"description"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

type CreateStateMachineAliasOutput struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         Timestamp `json:"creationDate"`
}

type DescribeStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

type DescribeStateMachineAliasOutput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Name                 string                         `json:"name"`
	Description          string                         `json:"description,omitempty"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
	CreationDate         Timestamp                      `json:"creationDate"`
	UpdateDate           Timestamp                      `json:"updateDate,omitzero"`
}

type UpdateStateMachineAliasInput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Description          *string                        `json:"description"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

type UpdateStateMachineAliasOutput struct {
	UpdateDate Timestamp `json:"updateDate"`
}

type DeleteStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

type DeleteStateMachineAliasOutput struct{}

type ListStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type StateMachineAliasListItem struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         Timestamp `json:"creationDate"`
}

type ListStateMachineAliasesOutput struct {
	StateMachineAliases []StateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           string                      `json:"nextToken,omitempty"`
}

type CreateActivityInput struct {
	Name                    string                   `json:"name"`
	Tags                    []Tag                    `json:"tags"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
}

type CreateActivityOutput struct {
	ActivityArn  string    `json:"activityArn"`
	CreationDate Timestamp `json:"creationDate"`
}

type DescribeActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

type DescribeActivityOutput struct {
	ActivityArn             string                   `json:"activityArn"`
	Name                    string                   `json:"name"`
	CreationDate            Timestamp                `json:"creationDate"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type DeleteActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

type DeleteActivityOutput struct{}

type ListActivitiesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type ActivityListItem struct {
	ActivityArn  string    `json:"activityArn"`
	Name         string    `json:"name"`
	CreationDate Timestamp `json:"creationDate"`
}

type ListActivitiesOutput struct {
	Activities []ActivityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

type TagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

type TagResourceOutput struct{}

type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type UntagResourceOutput struct{}

type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"tags"`
}
