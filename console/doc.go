// Package console serves Cairn's web console: static HTML, CSS and
// JavaScript modules embedded in the binary, with no build step and no
// network at runtime. The pages call the Step Functions API themselves
// (POST / with X-Amz-Target on the same listener), so the console needs no
// server-side API of its own.
//
// Mount wraps the API handler: it answers GET/HEAD under Path from the
// embedded files, redirects a browser's GET / to Path, and hands every
// other request to the API unchanged.
//
// The JavaScript lives in web/: layout.js (definition to positioned nodes
// and edges) and history.js (history events to each state's status, input
// and output) are pure modules, tested with `node --test jstest/` (run from
// this package's Go tests).
package console
