package store

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Sentinel errors. Backends wrap them with context.
var (
	// ErrNotFound: the record (or one it refers to) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a record with the same key exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the write would break an invariant, e.g. a revision id
	// that no longer matches or a version still referenced by an alias.
	ErrConflict = errors.New("conflict")
)

// StateMachine is the current (unpublished) revision of a state machine.
type StateMachine struct {
	ARN        string
	Name       string
	Type       string // STANDARD or EXPRESS
	Status     string // ACTIVE or DELETING
	Definition string
	RoleARN    string
	// RevisionID identifies the current revision; "" until the first update
	// that changes the machine (AWS's "INITIAL").
	RevisionID string
	// Opaque JSON configurations, stored as given (nil when absent).
	LoggingConfiguration    []byte
	TracingConfiguration    []byte
	EncryptionConfiguration []byte
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// Version is an immutable snapshot of a state machine revision.
type Version struct {
	ARN             string // StateMachineARN + ":" + Number
	StateMachineARN string
	Number          int64
	Description     string
	// Snapshot of the state machine at publication.
	Name                    string
	Type                    string
	Definition              string
	RoleARN                 string
	RevisionID              string
	LoggingConfiguration    []byte
	TracingConfiguration    []byte
	EncryptionConfiguration []byte
	CreatedAt               time.Time
}

// VersionARN returns the ARN of version n of the state machine.
func VersionARN(stateMachineARN string, n int64) string {
	return stateMachineARN + ":" + strconv.FormatInt(n, 10)
}

// Route sends Weight percent of an alias's executions to a version.
type Route struct {
	VersionARN string
	Weight     int32
}

// Alias points at one or two versions of a state machine.
type Alias struct {
	ARN             string
	StateMachineARN string
	Name            string
	Description     string
	Routes          []Route
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Activity is a task queue served by workers through GetActivityTask.
type Activity struct {
	ARN                     string
	Name                    string
	EncryptionConfiguration []byte
	CreatedAt               time.Time
}

// Tag is one key/value pair on a resource.
type Tag struct {
	Key   string
	Value string
}

// Page selects one page of a list: the items after the cursor After ("" for
// the first page), at most Limit of them (Limit <= 0 means no limit).
type Page struct {
	After string
	Limit int
}

// PublishRequest asks for a version of the current revision.
type PublishRequest struct {
	StateMachineARN string
	Description     string
	// IfRevision, when not nil, must equal the current revision id ("" for
	// a machine never updated) or the publication fails with ErrConflict.
	IfRevision *string
	CreatedAt  time.Time
}

// StateMachines keeps the current revision of each state machine.
type StateMachines interface {
	// CreateStateMachine stores a new machine with its tags. ErrAlreadyExists
	// if the ARN is taken.
	CreateStateMachine(ctx context.Context, sm StateMachine, tags []Tag) error
	GetStateMachine(ctx context.Context, arn string) (StateMachine, error)
	// UpdateStateMachine runs fn on the stored machine inside one
	// transaction and stores the result unless fn returns an error, which is
	// passed through. The ARN and name cannot change.
	UpdateStateMachine(ctx context.Context, arn string, fn func(*StateMachine) error) (StateMachine, error)
	// DeleteStateMachine removes the machine with its versions, aliases and
	// the tags of all three.
	DeleteStateMachine(ctx context.Context, arn string) error
	// ListStateMachines orders by ARN.
	ListStateMachines(ctx context.Context, p Page) ([]StateMachine, string, error)
}

// Versions keeps published versions.
type Versions interface {
	// PublishVersion snapshots the current revision. When the newest
	// version already holds that revision it is returned with created
	// false instead of publishing a duplicate (AWS's idempotency).
	PublishVersion(ctx context.Context, req PublishRequest) (v Version, created bool, err error)
	GetVersion(ctx context.Context, arn string) (Version, error)
	// DeleteVersion fails with ErrConflict while an alias routes to it.
	DeleteVersion(ctx context.Context, arn string) error
	// ListVersions orders newest first; the cursor is a version ARN.
	ListVersions(ctx context.Context, stateMachineARN string, p Page) ([]Version, string, error)
}

// Aliases keeps state machine aliases.
type Aliases interface {
	// CreateAlias fails with ErrAlreadyExists if the ARN is taken and with
	// ErrNotFound if the machine or a routed version does not exist.
	CreateAlias(ctx context.Context, a Alias) error
	GetAlias(ctx context.Context, arn string) (Alias, error)
	// UpdateAlias works as UpdateStateMachine; routed versions must exist.
	UpdateAlias(ctx context.Context, arn string, fn func(*Alias) error) (Alias, error)
	DeleteAlias(ctx context.Context, arn string) error
	// ListAliases orders by ARN.
	ListAliases(ctx context.Context, stateMachineARN string, p Page) ([]Alias, string, error)
}

// Activities keeps activities.
type Activities interface {
	CreateActivity(ctx context.Context, a Activity, tags []Tag) error
	GetActivity(ctx context.Context, arn string) (Activity, error)
	DeleteActivity(ctx context.Context, arn string) error
	// ListActivities orders by ARN.
	ListActivities(ctx context.Context, p Page) ([]Activity, string, error)
}

// Tags keeps tags of state machines and activities: each method fails with
// ErrNotFound unless arn names an existing one. Tags keep the order in which
// their keys were first set.
type Tags interface {
	ListTags(ctx context.Context, arn string) ([]Tag, error)
	// TagResource sets the given tags, overwriting existing keys, and fails
	// with ErrConflict when the resource would then carry more than max tags.
	TagResource(ctx context.Context, arn string, tags []Tag, max int) error
	UntagResource(ctx context.Context, arn string, keys []string) error
}

// Resources is everything the API layer needs about resources.
type Resources interface {
	StateMachines
	Versions
	Aliases
	Activities
	Tags
	Close() error
}
