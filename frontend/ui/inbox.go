package ui

import (
	"context"
	"sync"
)

// inbox hands what a browser object's callbacks receive (an EventSource's
// events, a WebSocket's messages) to a Go reader. The callbacks run on the
// browser's event loop, where Go must not block: they only append and
// signal.
type inbox[T any] struct {
	mu    sync.Mutex
	queue []T
	ended bool
	wake  chan struct{}
}

func newInbox[T any]() *inbox[T] { return &inbox[T]{wake: make(chan struct{}, 1)} }

func (q *inbox[T]) push(v T) {
	q.mu.Lock()
	q.queue = append(q.queue, v)
	q.mu.Unlock()
	q.signal()
}

// end marks the source finished; what arrived before is still read.
func (q *inbox[T]) end() {
	q.mu.Lock()
	q.ended = true
	q.mu.Unlock()
	q.signal()
}

func (q *inbox[T]) isEnded() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.ended
}

func (q *inbox[T]) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next returns the oldest item, waiting for one; once the inbox is empty
// and ended it returns ended.
func (q *inbox[T]) next(ctx context.Context, ended error) (T, error) {
	var zero T
	for {
		q.mu.Lock()
		if len(q.queue) > 0 {
			v := q.queue[0]
			q.queue[0] = zero
			q.queue = q.queue[1:]
			q.mu.Unlock()
			return v, nil
		}
		done := q.ended
		q.mu.Unlock()
		if done {
			return zero, ended
		}
		select {
		case <-q.wake:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
}
