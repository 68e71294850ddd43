// Package memory is an in-memory store.Store (resources and executions):
// maps under one mutex. It keeps nothing across restarts; use it for tests
// and throw-away servers.
package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-sfn/cairn/store"
)

var _ store.Resources = (*Store)(nil)

// Store holds resources in memory. The zero value is not ready; use New.
type Store struct {
	mu         sync.Mutex
	machines   map[string]*machine
	activities map[string]store.Activity
	tags       map[string][]store.Tag
	executions map[string]*execution
	cluster    cluster
	closed     bool
}

type machine struct {
	sm          store.StateMachine
	versions    map[int64]store.Version
	aliases     map[string]store.Alias
	nextVersion int64
}

// New returns an empty store.
func New() *Store {
	return &Store{
		machines:   map[string]*machine{},
		activities: map[string]store.Activity{},
		tags:       map[string][]store.Tag{},
		executions: map[string]*execution{},
	}
}

// Close marks the store closed; later calls fail.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *Store) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return fmt.Errorf("memory store: closed")
	}
	return nil
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return slices.Clone(b)
}

func cloneSM(sm store.StateMachine) store.StateMachine {
	sm.LoggingConfiguration = cloneBytes(sm.LoggingConfiguration)
	sm.TracingConfiguration = cloneBytes(sm.TracingConfiguration)
	sm.EncryptionConfiguration = cloneBytes(sm.EncryptionConfiguration)
	return sm
}

func cloneVersion(v store.Version) store.Version {
	v.LoggingConfiguration = cloneBytes(v.LoggingConfiguration)
	v.TracingConfiguration = cloneBytes(v.TracingConfiguration)
	v.EncryptionConfiguration = cloneBytes(v.EncryptionConfiguration)
	return v
}

func cloneAlias(a store.Alias) store.Alias {
	a.Routes = slices.Clone(a.Routes)
	return a
}

func cloneActivity(a store.Activity) store.Activity {
	a.EncryptionConfiguration = cloneBytes(a.EncryptionConfiguration)
	return a
}

// page cuts sorted keys after the cursor and returns the next cursor.
func page(keys []string, p store.Page) ([]string, string) {
	start := 0
	if p.After != "" {
		start = sort.SearchStrings(keys, p.After)
		if start < len(keys) && keys[start] == p.After {
			start++
		}
	}
	keys = keys[start:]
	if p.Limit > 0 && len(keys) > p.Limit {
		keys = keys[:p.Limit]
		return keys, keys[len(keys)-1]
	}
	return keys, ""
}

// machineOf returns the machine that owns a version or alias ARN.
func (s *Store) machineOf(arn string) (*machine, string) {
	i := strings.LastIndexByte(arn, ':')
	if i < 0 {
		return nil, ""
	}
	return s.machines[arn[:i]], arn[i+1:]
}

func (s *Store) CreateStateMachine(ctx context.Context, sm store.StateMachine, tags []store.Tag) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.machines[sm.ARN]; ok {
		return fmt.Errorf("create state machine %s: %w", sm.ARN, store.ErrAlreadyExists)
	}
	s.machines[sm.ARN] = &machine{sm: cloneSM(sm), versions: map[int64]store.Version{}, aliases: map[string]store.Alias{}, nextVersion: 1}
	s.tags[sm.ARN] = mergeTags(nil, tags)
	return nil
}

func (s *Store) GetStateMachine(ctx context.Context, arn string) (store.StateMachine, error) {
	if err := s.lock(ctx); err != nil {
		return store.StateMachine{}, err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return store.StateMachine{}, fmt.Errorf("get state machine %s: %w", arn, store.ErrNotFound)
	}
	return cloneSM(m.sm), nil
}

func (s *Store) UpdateStateMachine(ctx context.Context, arn string, fn func(*store.StateMachine) error) (store.StateMachine, error) {
	if err := s.lock(ctx); err != nil {
		return store.StateMachine{}, err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return store.StateMachine{}, fmt.Errorf("update state machine %s: %w", arn, store.ErrNotFound)
	}
	next := cloneSM(m.sm)
	if err := fn(&next); err != nil {
		return store.StateMachine{}, err
	}
	next.ARN, next.Name = m.sm.ARN, m.sm.Name
	m.sm = cloneSM(next)
	return next, nil
}

func (s *Store) DeleteStateMachine(ctx context.Context, arn string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return fmt.Errorf("delete state machine %s: %w", arn, store.ErrNotFound)
	}
	for _, v := range m.versions {
		delete(s.tags, v.ARN)
	}
	for _, a := range m.aliases {
		delete(s.tags, a.ARN)
	}
	delete(s.tags, arn)
	delete(s.machines, arn)
	return nil
}

func (s *Store) ListStateMachines(ctx context.Context, p store.Page) ([]store.StateMachine, string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.machines))
	for k := range s.machines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	keys, next := page(keys, p)
	out := make([]store.StateMachine, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloneSM(s.machines[k].sm))
	}
	return out, next, nil
}

func (s *Store) PublishVersion(ctx context.Context, req store.PublishRequest) (store.Version, bool, error) {
	if err := s.lock(ctx); err != nil {
		return store.Version{}, false, err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[req.StateMachineARN]
	if !ok {
		return store.Version{}, false, fmt.Errorf("publish version of %s: %w", req.StateMachineARN, store.ErrNotFound)
	}
	if req.IfRevision != nil && *req.IfRevision != m.sm.RevisionID {
		return store.Version{}, false, fmt.Errorf("publish version of %s: revision %q is not current: %w", req.StateMachineARN, *req.IfRevision, store.ErrConflict)
	}
	var newest int64
	for n := range m.versions {
		newest = max(newest, n)
	}
	if v, ok := m.versions[newest]; ok && v.RevisionID == m.sm.RevisionID {
		return cloneVersion(v), false, nil
	}
	n := m.nextVersion
	m.nextVersion++
	v := store.Version{
		ARN:                     store.VersionARN(m.sm.ARN, n),
		StateMachineARN:         m.sm.ARN,
		Number:                  n,
		Description:             req.Description,
		Name:                    m.sm.Name,
		Type:                    m.sm.Type,
		Definition:              m.sm.Definition,
		RoleARN:                 m.sm.RoleARN,
		RevisionID:              m.sm.RevisionID,
		LoggingConfiguration:    cloneBytes(m.sm.LoggingConfiguration),
		TracingConfiguration:    cloneBytes(m.sm.TracingConfiguration),
		EncryptionConfiguration: cloneBytes(m.sm.EncryptionConfiguration),
		CreatedAt:               req.CreatedAt,
	}
	m.versions[n] = v
	return cloneVersion(v), true, nil
}

func (s *Store) version(arn string) (*machine, store.Version, bool) {
	m, q := s.machineOf(arn)
	if m == nil {
		return nil, store.Version{}, false
	}
	for _, v := range m.versions {
		if v.ARN == arn && q != "" {
			return m, v, true
		}
	}
	return nil, store.Version{}, false
}

func (s *Store) GetVersion(ctx context.Context, arn string) (store.Version, error) {
	if err := s.lock(ctx); err != nil {
		return store.Version{}, err
	}
	defer s.mu.Unlock()
	_, v, ok := s.version(arn)
	if !ok {
		return store.Version{}, fmt.Errorf("get version %s: %w", arn, store.ErrNotFound)
	}
	return cloneVersion(v), nil
}

func (s *Store) DeleteVersion(ctx context.Context, arn string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, v, ok := s.version(arn)
	if !ok {
		return fmt.Errorf("delete version %s: %w", arn, store.ErrNotFound)
	}
	for _, a := range m.aliases {
		for _, r := range a.Routes {
			if r.VersionARN == arn {
				return fmt.Errorf("delete version %s: alias %s routes to it: %w", arn, a.ARN, store.ErrConflict)
			}
		}
	}
	delete(m.versions, v.Number)
	delete(s.tags, arn)
	return nil
}

func (s *Store) ListVersions(ctx context.Context, smARN string, p store.Page) ([]store.Version, string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[smARN]
	if !ok {
		return nil, "", fmt.Errorf("list versions of %s: %w", smARN, store.ErrNotFound)
	}
	all := make([]store.Version, 0, len(m.versions))
	for _, v := range m.versions {
		all = append(all, v)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Number > all[j].Number })
	start := 0
	if p.After != "" {
		after := int64(-1)
		if _, q := s.machineOf(p.After); q != "" {
			fmt.Sscan(q, &after)
		}
		for start < len(all) && all[start].Number >= after {
			start++
		}
	}
	all = all[start:]
	next := ""
	if p.Limit > 0 && len(all) > p.Limit {
		all = all[:p.Limit]
		next = all[len(all)-1].ARN
	}
	out := make([]store.Version, len(all))
	for i, v := range all {
		out[i] = cloneVersion(v)
	}
	return out, next, nil
}

func (s *Store) checkRoutes(m *machine, routes []store.Route) error {
	for _, r := range routes {
		if _, _, ok := s.version(r.VersionARN); !ok {
			return fmt.Errorf("version %s: %w", r.VersionARN, store.ErrNotFound)
		}
		if owner, _ := s.machineOf(r.VersionARN); owner != m {
			return fmt.Errorf("version %s belongs to another state machine: %w", r.VersionARN, store.ErrNotFound)
		}
	}
	return nil
}

func (s *Store) CreateAlias(ctx context.Context, a store.Alias) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[a.StateMachineARN]
	if !ok {
		return fmt.Errorf("create alias %s: state machine: %w", a.ARN, store.ErrNotFound)
	}
	if _, ok := m.aliases[a.ARN]; ok {
		return fmt.Errorf("create alias %s: %w", a.ARN, store.ErrAlreadyExists)
	}
	if err := s.checkRoutes(m, a.Routes); err != nil {
		return fmt.Errorf("create alias %s: %w", a.ARN, err)
	}
	m.aliases[a.ARN] = cloneAlias(a)
	return nil
}

func (s *Store) alias(arn string) (*machine, store.Alias, bool) {
	m, _ := s.machineOf(arn)
	if m == nil {
		return nil, store.Alias{}, false
	}
	a, ok := m.aliases[arn]
	return m, a, ok
}

func (s *Store) GetAlias(ctx context.Context, arn string) (store.Alias, error) {
	if err := s.lock(ctx); err != nil {
		return store.Alias{}, err
	}
	defer s.mu.Unlock()
	_, a, ok := s.alias(arn)
	if !ok {
		return store.Alias{}, fmt.Errorf("get alias %s: %w", arn, store.ErrNotFound)
	}
	return cloneAlias(a), nil
}

func (s *Store) UpdateAlias(ctx context.Context, arn string, fn func(*store.Alias) error) (store.Alias, error) {
	if err := s.lock(ctx); err != nil {
		return store.Alias{}, err
	}
	defer s.mu.Unlock()
	m, a, ok := s.alias(arn)
	if !ok {
		return store.Alias{}, fmt.Errorf("update alias %s: %w", arn, store.ErrNotFound)
	}
	next := cloneAlias(a)
	if err := fn(&next); err != nil {
		return store.Alias{}, err
	}
	next.ARN, next.StateMachineARN, next.Name = a.ARN, a.StateMachineARN, a.Name
	if err := s.checkRoutes(m, next.Routes); err != nil {
		return store.Alias{}, fmt.Errorf("update alias %s: %w", arn, err)
	}
	m.aliases[arn] = cloneAlias(next)
	return next, nil
}

func (s *Store) DeleteAlias(ctx context.Context, arn string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, _, ok := s.alias(arn)
	if !ok {
		return fmt.Errorf("delete alias %s: %w", arn, store.ErrNotFound)
	}
	delete(m.aliases, arn)
	delete(s.tags, arn)
	return nil
}

func (s *Store) ListAliases(ctx context.Context, smARN string, p store.Page) ([]store.Alias, string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	m, ok := s.machines[smARN]
	if !ok {
		return nil, "", fmt.Errorf("list aliases of %s: %w", smARN, store.ErrNotFound)
	}
	keys := make([]string, 0, len(m.aliases))
	for k := range m.aliases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	keys, next := page(keys, p)
	out := make([]store.Alias, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloneAlias(m.aliases[k]))
	}
	return out, next, nil
}

func (s *Store) CreateActivity(ctx context.Context, a store.Activity, tags []store.Tag) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.activities[a.ARN]; ok {
		return fmt.Errorf("create activity %s: %w", a.ARN, store.ErrAlreadyExists)
	}
	s.activities[a.ARN] = cloneActivity(a)
	s.tags[a.ARN] = mergeTags(nil, tags)
	return nil
}

func (s *Store) GetActivity(ctx context.Context, arn string) (store.Activity, error) {
	if err := s.lock(ctx); err != nil {
		return store.Activity{}, err
	}
	defer s.mu.Unlock()
	a, ok := s.activities[arn]
	if !ok {
		return store.Activity{}, fmt.Errorf("get activity %s: %w", arn, store.ErrNotFound)
	}
	return cloneActivity(a), nil
}

func (s *Store) DeleteActivity(ctx context.Context, arn string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.activities[arn]; !ok {
		return fmt.Errorf("delete activity %s: %w", arn, store.ErrNotFound)
	}
	delete(s.activities, arn)
	delete(s.tags, arn)
	return nil
}

func (s *Store) ListActivities(ctx context.Context, p store.Page) ([]store.Activity, string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.activities))
	for k := range s.activities {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	keys, next := page(keys, p)
	out := make([]store.Activity, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloneActivity(s.activities[k]))
	}
	return out, next, nil
}

func (s *Store) taggable(arn string) bool {
	if _, ok := s.machines[arn]; ok {
		return true
	}
	_, ok := s.activities[arn]
	return ok
}

// mergeTags sets tags on top of old, keeping first-set order.
func mergeTags(old, tags []store.Tag) []store.Tag {
	out := slices.Clone(old)
	for _, t := range tags {
		i := slices.IndexFunc(out, func(o store.Tag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

func (s *Store) ListTags(ctx context.Context, arn string) ([]store.Tag, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if !s.taggable(arn) {
		return nil, fmt.Errorf("list tags of %s: %w", arn, store.ErrNotFound)
	}
	return slices.Clone(s.tags[arn]), nil
}

func (s *Store) TagResource(ctx context.Context, arn string, tags []store.Tag, limit int) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if !s.taggable(arn) {
		return fmt.Errorf("tag %s: %w", arn, store.ErrNotFound)
	}
	merged := mergeTags(s.tags[arn], tags)
	if limit > 0 && len(merged) > limit {
		return fmt.Errorf("tag %s: %d tags exceed the limit of %d: %w", arn, len(merged), limit, store.ErrConflict)
	}
	s.tags[arn] = merged
	return nil
}

func (s *Store) UntagResource(ctx context.Context, arn string, keys []string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if !s.taggable(arn) {
		return fmt.Errorf("untag %s: %w", arn, store.ErrNotFound)
	}
	s.tags[arn] = slices.DeleteFunc(slices.Clone(s.tags[arn]), func(t store.Tag) bool { return slices.Contains(keys, t.Key) })
	return nil
}
