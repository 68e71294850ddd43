package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go/logging"

	"github.com/cairn-sfn/cairn/integration"
)

// integrationFlags are the task integration options `cairn run` and
// `cairn serve` share.
type integrationFlags struct {
	mockConfig     string
	connections    string
	functions      string
	lambdaEndpoint string
	httpAllow      string
	httpDeny       string
	allowLinkLocal bool
	awsEndpoint    string
	awsEndpoints   string
}

// serviceEndpointVars are the variables that give a service's endpoint,
// first match wins: Step Functions Local's, then the AWS SDKs' own.
var serviceEndpointVars = map[string][]string{
	"dynamodb": {"DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_DYNAMODB"},
	"sqs":      {"SQS_ENDPOINT", "AWS_ENDPOINT_URL_SQS"},
	"sns":      {"SNS_ENDPOINT", "AWS_ENDPOINT_URL_SNS"},
	"s3":       {"S3_ENDPOINT", "AWS_ENDPOINT_URL_S3"},
	"events":   {"EVENTBRIDGE_ENDPOINT", "AWS_ENDPOINT_URL_EVENTBRIDGE"},
}

func addIntegrationFlags(fs *flag.FlagSet) *integrationFlags {
	f := &integrationFlags{}
	fs.StringVar(&f.mockConfig, "mock-config", "", "Step Functions Local mock configuration `FILE` (default $SFN_MOCK_CONFIG)")
	fs.StringVar(&f.connections, "connections", "", "JSON `FILE` of HTTP Task connections (credentials by connection name or ARN)")
	fs.StringVar(&f.functions, "lambda-functions", "", "JSON `FILE` mapping Lambda function names to local URLs or commands")
	fs.StringVar(&f.lambdaEndpoint, "lambda-endpoint", "", "Lambda API `URL` for functions not in --lambda-functions (default $LAMBDA_ENDPOINT)")
	fs.StringVar(&f.httpAllow, "http-allow", "", "comma-separated hosts and networks HTTP Tasks may call (default: any not denied)")
	fs.StringVar(&f.httpDeny, "http-deny", "", "comma-separated hosts and networks HTTP Tasks may not call")
	fs.BoolVar(&f.allowLinkLocal, "http-allow-link-local", false, "let HTTP Tasks reach 169.254.0.0/16 (cloud metadata)")
	fs.StringVar(&f.awsEndpoint, "aws-endpoint", "", "`URL` for DynamoDB, SQS, SNS, S3 and EventBridge tasks without their own endpoint (default $AWS_ENDPOINT_URL)")
	fs.StringVar(&f.awsEndpoints, "aws-endpoints", "", "comma-separated `service=URL` endpoints (dynamodb, sqs, sns, s3, events); default $DYNAMODB_ENDPOINT, $SQS_ENDPOINT, $SNS_ENDPOINT, $S3_ENDPOINT, $EVENTBRIDGE_ENDPOINT")
	return f
}

// router builds the task Router from the flags and the environment
// variables Step Functions Local users already set.
func (f *integrationFlags) router(getenv func(string) string, region string) (*integration.Router, error) {
	var cfg integration.Config
	mockPath := f.mockConfig
	if mockPath == "" {
		mockPath = getenv("SFN_MOCK_CONFIG")
	}
	if mockPath != "" {
		m, err := integration.LoadMocks(mockPath)
		if err != nil {
			return nil, err
		}
		cfg.Mocks = m
	}
	if f.connections != "" {
		conns, err := integration.LoadConnections(f.connections)
		if err != nil {
			return nil, err
		}
		cfg.HTTP.Connections = conns
	}
	cfg.HTTP.Allow = splitList(f.httpAllow)
	cfg.HTTP.Deny = splitList(f.httpDeny)
	cfg.HTTP.AllowLinkLocal = f.allowLinkLocal
	if f.functions != "" {
		fns, err := integration.LoadFunctions(f.functions)
		if err != nil {
			return nil, err
		}
		cfg.Lambda.Functions = fns
	}
	cfg.Lambda.Endpoint = f.lambdaEndpoint
	if cfg.Lambda.Endpoint == "" {
		cfg.Lambda.Endpoint = getenv("LAMBDA_ENDPOINT")
	}
	cfg.Lambda.Region = region
	if key := getenv("AWS_ACCESS_KEY_ID"); key != "" {
		cfg.Lambda.Credentials = credentials.NewStaticCredentialsProvider(key, getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))
	}
	awsCfg, err := f.awsConfig(getenv, region, cfg.Lambda.Credentials)
	if err != nil {
		return nil, err
	}
	cfg.AWS = awsCfg
	r, err := integration.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("task integrations: %w", err)
	}
	return r, nil
}

// awsConfig gives the AWS service integrations their endpoints (flags
// first, then the environment) and credentials: the access key variables
// when set, else the AWS SDK's default chain (shared config and
// credentials files, SSO, web identity, container and EC2 roles).
func (f *integrationFlags) awsConfig(getenv func(string) string, region string, envCreds aws.CredentialsProvider) (integration.AWSConfig, error) {
	cfg := integration.AWSConfig{Region: region, Endpoint: f.awsEndpoint, Endpoints: map[string]string{}}
	if cfg.Endpoint == "" {
		cfg.Endpoint = getenv("AWS_ENDPOINT_URL")
	}
	for _, kv := range splitList(f.awsEndpoints) {
		name, url, ok := strings.Cut(kv, "=")
		if _, known := serviceEndpointVars[name]; !ok || !known || url == "" {
			return cfg, fmt.Errorf("--aws-endpoints: want service=URL with service one of dynamodb, sqs, sns, s3, events; got %q", kv)
		}
		cfg.Endpoints[name] = url
	}
	for name, vars := range serviceEndpointVars {
		for _, v := range vars {
			if cfg.Endpoints[name] != "" {
				break
			}
			cfg.Endpoints[name] = getenv(v)
		}
		if cfg.Endpoints[name] == "" {
			delete(cfg.Endpoints, name)
		}
	}
	cfg.Credentials = envCreds
	if cfg.Credentials == nil {
		// Loading reads files only; credentials resolve at the first call
		// to AWS, bounded by AWSConfig.CredentialsTimeout. A broken
		// profile leaves no credentials: tasks then say what to set.
		// The SDK's own log would print credential lookups' warnings
		// (IMDS fallbacks) on stderr; failures reach the task's cause.
		opts := []func(*config.LoadOptions) error{config.WithRegion(region), config.WithLogger(logging.Nop{})}
		if cfg.Endpoint != "" || len(cfg.Endpoints) == len(serviceEndpointVars) {
			// Every service is local: the EC2 metadata service would only
			// delay the first call where it does not answer.
			opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
		}
		if ac, err := config.LoadDefaultConfig(context.Background(), opts...); err == nil {
			cfg.Credentials = ac.Credentials
		}
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
