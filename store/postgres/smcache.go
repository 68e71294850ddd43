package postgres

import (
	"bytes"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// smCacheTTL is how long a state machine read from the database serves
// GetStateMachine, which every execution start calls. This store's own
// writes drop the entry at once; another node's writes are seen within
// the TTL. AWS documents the same: executions started shortly after
// UpdateStateMachine (or DeleteStateMachine) may still use the previous
// definition.
const smCacheTTL = time.Second

// smCacheMax bounds the entries kept; past it the cache starts over.
const smCacheMax = 10_000

type smCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedSM
}

type cachedSM struct {
	sm store.StateMachine
	at time.Time
}

func (c *smCache) get(arn string, now time.Time) (store.StateMachine, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[arn]
	if !ok || now.Sub(e.at) >= c.ttl {
		return store.StateMachine{}, false
	}
	return cloneSM(e.sm), true
}

// cloneSM copies the byte slices a caller could change.
func cloneSM(sm store.StateMachine) store.StateMachine {
	sm.LoggingConfiguration = bytes.Clone(sm.LoggingConfiguration)
	sm.TracingConfiguration = bytes.Clone(sm.TracingConfiguration)
	sm.EncryptionConfiguration = bytes.Clone(sm.EncryptionConfiguration)
	return sm
}

// put keeps sm as read at or after at; the caller reads the clock before
// it queries, so an entry is never younger than the data in it.
func (c *smCache) put(sm store.StateMachine, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= smCacheMax {
		c.m = map[string]cachedSM{}
	}
	c.m[sm.ARN] = cachedSM{sm: cloneSM(sm), at: at}
}

func (c *smCache) drop(arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, arn)
}
