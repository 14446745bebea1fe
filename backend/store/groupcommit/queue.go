// Package groupcommit is the append queue both stores share: one writer
// goroutine takes every append waiting at the moment it is free, up to a
// bound, and commits them in one transaction. Concurrent posters then share
// a disk flush (SQLite) or a commit round trip and WAL flush (PostgreSQL)
// instead of paying one each.
package groupcommit

import (
	"context"
	"sync"

	"liveboard/backend/board"
)

// Result answers one append.
type Result struct {
	Event     board.Event
	Duplicate bool
	Err       error
}

// Commit applies a batch in one transaction and answers each command, in
// order. It runs on the writer goroutine only.
type Commit func(batch []board.Command) []Result

// Queue feeds one writer. Make one with Start.
type Queue struct {
	reqs      chan *request
	done      chan struct{}
	maxBatch  int
	commit    Commit
	errClosed error

	closeMu sync.RWMutex
	closed  bool
}

type request struct {
	cmd   board.Command
	reply chan Result
}

// Start runs the writer. maxBatch caps one transaction's appends; 1 gives
// one transaction per append, the baseline the benches compare with.
// errClosed is what Append answers after Close.
func Start(maxBatch int, commit Commit, errClosed error) *Queue {
	q := &Queue{reqs: make(chan *request, maxBatch), done: make(chan struct{}), maxBatch: maxBatch, commit: commit, errClosed: errClosed}
	go q.write()
	return q
}

// Append queues cmd and waits for its commit.
func (q *Queue) Append(ctx context.Context, cmd board.Command) (board.Event, bool, error) {
	req := &request{cmd: cmd, reply: make(chan Result, 1)}
	// The read lock keeps Close from closing reqs under a sender; the
	// writer drains reqs meanwhile, so the send completes.
	q.closeMu.RLock()
	if q.closed {
		q.closeMu.RUnlock()
		return board.Event{}, false, q.errClosed
	}
	select {
	case q.reqs <- req:
	case <-ctx.Done():
		q.closeMu.RUnlock()
		return board.Event{}, false, ctx.Err()
	}
	q.closeMu.RUnlock()
	// Once queued, the append happens whatever ctx does: wait for it, so
	// that an ack is never sent for a post that is not stored, and a post
	// that is stored is always reported.
	res := <-req.reply
	return res.Event, res.Duplicate, res.Err
}

// Closed reports whether Close has begun; reads check it too.
func (q *Queue) Closed() bool {
	q.closeMu.RLock()
	defer q.closeMu.RUnlock()
	return q.closed
}

// Close stops the writer after the appends already queued are committed.
func (q *Queue) Close() {
	q.closeMu.Lock()
	if q.closed {
		q.closeMu.Unlock()
		<-q.done
		return
	}
	q.closed = true
	close(q.reqs)
	q.closeMu.Unlock()
	<-q.done
}

func (q *Queue) write() {
	defer close(q.done)
	batch := make([]*request, 0, q.maxBatch)
	cmds := make([]board.Command, 0, q.maxBatch)
	for first := range q.reqs {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < q.maxBatch {
			select {
			case req, ok := <-q.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, req)
			default:
				break fill
			}
		}
		cmds = cmds[:0]
		for _, r := range batch {
			cmds = append(cmds, r.cmd)
		}
		results := q.commit(cmds)
		for i, r := range batch {
			r.reply <- results[i]
		}
	}
}
