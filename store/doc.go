// Package store defines how Cairn keeps its resources: state machines with
// their revisions, published versions, aliases, activities and tags.
//
// The interfaces are shaped for their consumer, the api package. Each role
// has its own small interface (StateMachines, Versions, Aliases, Activities,
// Tags); Resources bundles them with Close for the backends, which live in
// subpackages:
//
//   - store/memory: maps under one mutex; for tests and throw-away servers.
//   - store/sqlite: modernc.org/sqlite (pure Go), WAL mode, versioned schema
//     migrations applied on open.
//
// Every backend runs the shared suite in store/storetest.
//
// Conventions the backends share:
//
//  1. Records are values. A backend never keeps a caller's slice or byte
//     buffer and never hands out its own, so callers may mutate what they get.
//  2. Conditions callers branch on are sentinel errors (ErrNotFound,
//     ErrAlreadyExists, ErrConflict), wrapped with context; test with errors.Is.
//  3. Read-modify-write goes through an update callback that runs inside the
//     backend's transaction, so concurrent updates never interleave.
//  4. Version numbers are allocated by the store, start at 1 and are never
//     reused, even after the version is deleted (as on AWS).
//  5. Lists are ordered by a stable key and paginated by cursor: Page.After is
//     the key of the last item of the previous page; List methods return the
//     cursor of the next page or "" at the end.
//  6. Opaque JSON blobs (logging, tracing and encryption configuration) are
//     stored and returned byte for byte; the store never interprets them.
//
// Executions and their histories are kept behind a separate interface,
// Executions (executions.go), shaped for the engine; Store is a backend that
// serves both.
package store
