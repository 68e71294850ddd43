package engine

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// timerKey names one timer of one execution.
type timerKey struct {
	arn string
	id  int64
}

type armed struct {
	key timerKey
	due time.Time
	idx int
}

// alarmClock keeps every armed timer in one heap served by one goroutine,
// so a parked execution costs a heap entry, not a goroutine.
type alarmClock struct {
	clock func() time.Time
	// fire delivers an execution's due timers, in the order they were due.
	fire func(arn string, ids []int64)

	mu    sync.Mutex
	heap  armedHeap
	byKey map[timerKey]*armed
	wake  chan struct{}
}

func newAlarmClock(clock func() time.Time, fire func(string, []int64)) *alarmClock {
	return &alarmClock{clock: clock, fire: fire, byKey: map[timerKey]*armed{}, wake: make(chan struct{}, 1)}
}

func (q *alarmClock) add(arn string, id int64, due time.Time) {
	q.mu.Lock()
	q.arm(timerKey{arn, id}, due)
	q.mu.Unlock()
	q.poke()
}

// addAll arms several timers of an execution at once, so that the loop
// sees all of those already due together.
func (q *alarmClock) addAll(arn string, due map[int64]time.Time) {
	if len(due) == 0 {
		return
	}
	q.mu.Lock()
	for id, at := range due {
		q.arm(timerKey{arn, id}, at)
	}
	q.mu.Unlock()
	q.poke()
}

// arm sets a timer's due time, adding it if new. The caller holds mu.
func (q *alarmClock) arm(k timerKey, due time.Time) {
	if a, ok := q.byKey[k]; ok {
		a.due = due
		heap.Fix(&q.heap, a.idx)
		return
	}
	a := &armed{key: k, due: due}
	heap.Push(&q.heap, a)
	q.byKey[k] = a
}

func (q *alarmClock) remove(arn string, id int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := timerKey{arn, id}
	if a, ok := q.byKey[k]; ok {
		heap.Remove(&q.heap, a.idx)
		delete(q.byKey, k)
	}
}

// removeAll drops every timer of an execution.
func (q *alarmClock) removeAll(arn string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for k, a := range q.byKey {
		if k.arn == arn {
			heap.Remove(&q.heap, a.idx)
			delete(q.byKey, k)
		}
	}
}

func (q *alarmClock) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.heap)
}

func (q *alarmClock) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// loop fires due timers until ctx ends.
func (q *alarmClock) loop(ctx context.Context) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		q.mu.Lock()
		var due []timerKey
		now := q.clock()
		for len(q.heap) > 0 && !q.heap[0].due.After(now) {
			a := heap.Pop(&q.heap).(*armed)
			delete(q.byKey, a.key)
			due = append(due, a.key)
		}
		wait := time.Hour
		if len(q.heap) > 0 {
			wait = q.heap[0].due.Sub(now)
		}
		q.mu.Unlock()
		// Timers of one execution that are due together (after a
		// takeover, several may be overdue) fire in their order, so the
		// history is the one they would have made on time.
		var arns []string
		byARN := map[string][]int64{}
		for _, k := range due {
			if byARN[k.arn] == nil {
				arns = append(arns, k.arn)
			}
			byARN[k.arn] = append(byARN[k.arn], k.id)
		}
		for _, arn := range arns {
			q.fire(arn, byARN[arn])
		}
		if len(due) > 0 {
			continue
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		case <-t.C:
		}
	}
}

type armedHeap []*armed

func (h armedHeap) Len() int { return len(h) }
func (h armedHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].key.id < h[j].key.id
	}
	return h[i].due.Before(h[j].due)
}
func (h armedHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *armedHeap) Push(v any) {
	a := v.(*armed)
	a.idx = len(*h)
	*h = append(*h, a)
}
func (h *armedHeap) Pop() any {
	old := *h
	a := old[len(old)-1]
	*h = old[:len(old)-1]
	return a
}
