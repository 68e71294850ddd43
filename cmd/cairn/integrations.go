package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"

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
	r, err := integration.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("task integrations: %w", err)
	}
	return r, nil
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
