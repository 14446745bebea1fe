package natsbroker

import (
	"context"
	"slices"
	"sync"
	"time"

	"liveboard/backend/board"
)

// sequencer puts one board's events back in seq order for this node, so
// that its readers never see a gap. Events come from two sides at once
// (this node's commits, the others' over NATS), and NATS orders only per
// publisher: without it, every reader of the node would find the same gap
// and read the same missing event from the store, 10,000 reads where one
// will do. An event that does not come within ReorderWait is read from the
// store once, here.
type sequencer struct {
	mu      sync.Mutex
	next    int64 // the seq readers wait for; 0 until the first event
	pending map[int64][]byte
	timer   *time.Timer
}

func newSequencer() *sequencer { return &sequencer{pending: map[int64][]byte{}} }

// arrive takes one event; the broker hands events to the hub in order.
func (b *Broker) arrive(boardName string, q *sequencer, seq int64, frame []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.next == 0 {
		q.next = seq
	}
	switch {
	case seq < q.next:
		return // a duplicate: delivered already
	case seq > q.next:
		q.pending[seq] = frame
		if q.timer == nil {
			q.timer = time.AfterFunc(ReorderWait, func() { b.fillGap(boardName, q) })
		}
		return
	}
	b.hub.Publish(boardName, seq, frame)
	q.next++
	b.release(boardName, q)
}

// release hands over the pending events that now follow on. Called with
// q.mu held.
func (b *Broker) release(boardName string, q *sequencer) {
	for {
		f, ok := q.pending[q.next]
		if !ok {
			break
		}
		delete(q.pending, q.next)
		b.hub.Publish(boardName, q.next, f)
		q.next++
	}
	if len(q.pending) == 0 && q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
}

// fillGap reads from the store the events missing before the first one
// pending, once for the node. If the store does not have them either, the
// pending events go on, and each reader's own gap filling takes over.
func (b *Broker) fillGap(boardName string, q *sequencer) {
	q.mu.Lock()
	q.timer = nil
	if len(q.pending) == 0 {
		q.mu.Unlock()
		return
	}
	from, to := q.next, slices.Min(keys(q.pending))-1
	q.mu.Unlock()
	b.fillFromStore(boardName, q, from, to)
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) > 0 && q.next <= to {
		b.log.Warn("events missing from the store; readers will fill them", "board", boardName, "from", q.next, "to", to)
		q.next = to + 1
		b.release(boardName, q)
	}
	if len(q.pending) > 0 && q.timer == nil {
		q.timer = time.AfterFunc(ReorderWait, func() { b.fillGap(boardName, q) })
	}
}

// fillFromStore reads events from..to and lets them arrive.
func (b *Broker) fillFromStore(boardName string, q *sequencer, from, to int64) {
	ctx, cancel := context.WithTimeout(context.Background(), HeadCheckTimeout)
	defer cancel()
	for from <= to {
		evs, err := b.events(ctx, boardName, from-1, int(min(to-from+1, FillPage)))
		if err != nil || len(evs) == 0 {
			if err != nil {
				b.log.Warn("gap fill failed", "board", boardName, "err", err)
			}
			return
		}
		for _, ev := range evs {
			b.filled.Add(1)
			b.arrive(boardName, q, ev.Seq, board.Encode(board.EventFrame(ev)))
		}
		from = evs[len(evs)-1].Seq + 1
	}
}

// catchUpTo reads what this node has not seen up to head (a lost last
// message), once for the node.
func (b *Broker) catchUpTo(boardName string, q *sequencer, head int64) {
	q.mu.Lock()
	next := q.next
	q.mu.Unlock()
	if next == 0 || head < next {
		return
	}
	b.fillFromStore(boardName, q, next, head)
}

func keys(m map[int64][]byte) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
