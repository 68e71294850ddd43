package api

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// Config is the server's configuration. The zero value of each field means
// its default.
type Config struct {
	// Region and AccountID go into every ARN the server builds.
	// Defaults: "us-east-1" and "123456789012".
	Region    string
	AccountID string
	// Partition of built ARNs. Default "aws".
	Partition string
	// MaxRequestBytes caps a request body, as AWS does. Default 1 MiB
	// (1,048,576 bytes).
	MaxRequestBytes int64
	// MaxTagsPerResource is AWS's tag quota. Default 50.
	MaxTagsPerResource int
}

// Defaults of Config.
const (
	DefaultRegion             = "us-east-1"
	DefaultAccountID          = "123456789012"
	DefaultPartition          = "aws"
	DefaultMaxRequestBytes    = 1 << 20
	DefaultMaxTagsPerResource = 50
)

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if c.Partition == "" {
		c.Partition = DefaultPartition
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if c.MaxTagsPerResource == 0 {
		c.MaxTagsPerResource = DefaultMaxTagsPerResource
	}
	return c
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountPattern   = regexp.MustCompile(`^\d{12}$`)
	partitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// Validate reports every problem with c (after defaults) at once.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q is not a region name such as us-east-1", c.Region))
	}
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account id %q is not 12 digits", c.AccountID))
	}
	if !partitionPattern.MatchString(c.Partition) {
		errs = append(errs, fmt.Errorf("partition %q is not aws, aws-cn, aws-us-gov, …", c.Partition))
	}
	if c.MaxRequestBytes < 1024 {
		errs = append(errs, fmt.Errorf("max request bytes %d is below 1024", c.MaxRequestBytes))
	}
	if c.MaxTagsPerResource < 1 {
		errs = append(errs, fmt.Errorf("max tags per resource %d is below 1", c.MaxTagsPerResource))
	}
	return errors.Join(errs...)
}

// Deps are the parts the server calls. Store is required; the engine roles
// are optional, and their actions answer NotImplemented while unset.
type Deps struct {
	Store store.Resources
	// Validator checks definitions; nil accepts every definition.
	Validator Validator
	// VariableReferences lists, per state, the workflow variables a
	// definition reads (DescribeStateMachine's variableReferences); nil
	// leaves the member out.
	VariableReferences func(definition string) map[string][]string
	// The engine, by role. One value implementing Engine may fill all four.
	Executions    Executions
	ActivityTasks ActivityTasks
	MapRuns       MapRuns
	StateTester   StateTester
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// NewID returns a fresh unique id (revision ids, request ids); nil
	// means random UUIDs.
	NewID func() string
	// Logger receives internal failures (answers of status 500); nil
	// discards them.
	Logger *slog.Logger
}

// WithEngine returns d with every engine role set to e.
func (d Deps) WithEngine(e Engine) Deps {
	d.Executions, d.ActivityTasks, d.MapRuns, d.StateTester = e, e, e, e
	return d
}

func randomUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand contract since Go 1.24)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
