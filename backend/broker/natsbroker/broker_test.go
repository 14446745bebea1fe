package natsbroker

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/broker/natsbroker/natstest"
	"liveboard/shared/protocol"
)

// recorder is a subscriber that keeps what it gets.
type recorder struct {
	mu    sync.Mutex
	seqs  []int64
	heads []int64
}

func (r *recorder) Deliver(seq int64, frame []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq > 0 {
		r.seqs = append(r.seqs, seq)
	}
}

func (r *recorder) CheckHead(head int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heads = append(r.heads, head)
}

func (r *recorder) got() ([]int64, []int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seqs), slices.Clone(r.heads)
}

type node struct {
	hub    *board.Hub
	broker *Broker
	head   atomic.Int64
	reads  atomic.Int64 // calls of Events: the store reads of gap filling
}

func newNode(t *testing.T, url, prefix string) *node {
	t.Helper()
	n := &node{hub: board.NewHub()}
	b, err := Connect(url, Options{Prefix: prefix, Hub: n.hub,
		Head: func(context.Context, string) (int64, error) { return n.head.Load(), nil },
		// The store has every seq up to head, each a post.
		Events: func(_ context.Context, boardName string, after int64, limit int) ([]board.Event, error) {
			n.reads.Add(1)
			var out []board.Event
			for seq := after + 1; seq <= n.head.Load() && len(out) < limit; seq++ {
				out = append(out, board.Event{Board: boardName, Seq: seq, Kind: board.KindPost, Target: seq, Message: board.Message{Seq: seq}})
			}
			return out, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	n.broker = b
	t.Cleanup(b.Close)
	return n
}

// waitFor polls cond until it holds; the deadline only bounds a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An event published on one node reaches the readers of every node, as
// one NATS message per node, not per reader.
func TestEventsReachEveryNodeOncePerNode(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	a, b := newNode(t, url, prefix), newNode(t, url, prefix)
	onA := &recorder{}
	defer a.broker.Subscribe("lobby", onA)()
	onB := make([]*recorder, 50)
	for i := range onB {
		onB[i] = &recorder{}
		defer b.broker.Subscribe("lobby", onB[i])()
	}
	for seq := int64(1); seq <= 3; seq++ {
		a.broker.Publish("lobby", seq, []byte(`{"type":"message"}`))
	}
	for _, r := range append(onB, onA) {
		waitFor(t, "three events on every reader", func() bool { s, _ := r.got(); return len(s) == 3 })
		if s, _ := r.got(); !slices.Equal(s, []int64{1, 2, 3}) {
			t.Fatalf("reader got %v", s)
		}
	}
	if pub, _, _ := a.broker.Stats(); pub != 3 {
		t.Fatalf("node a published %d NATS messages for 3 events", pub)
	}
	if _, recv, _ := b.broker.Stats(); recv != 3 {
		t.Fatalf("node b received %d NATS messages for 3 events to its 50 readers; want 3", recv)
	}
}

// The last reader leaving unsubscribes the node: nothing more arrives.
func TestLastReaderUnsubscribesTheNode(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	a, b := newNode(t, url, prefix), newNode(t, url, prefix)
	r := &recorder{}
	leave := b.broker.Subscribe("lobby", r)
	a.broker.Publish("lobby", 1, []byte(`{}`))
	waitFor(t, "the first event", func() bool { s, _ := r.got(); return len(s) == 1 })
	leave()
	b.broker.nc.Flush()
	a.broker.Publish("lobby", 2, []byte(`{}`))
	// A marker on another board that b still reads: once it arrives, the
	// event before it on the same connection would have too.
	marker := &recorder{}
	defer b.broker.Subscribe("other", marker)()
	a.broker.Publish("other", 1, []byte(`{}`))
	waitFor(t, "the marker", func() bool { s, _ := marker.got(); return len(s) == 1 })
	if _, recv, _ := b.broker.Stats(); recv != 2 {
		t.Fatalf("node b received %d messages; want 2 (the first event and the marker)", recv)
	}
}

// Every HeadCheckEvery each board's readers hear the store's head, so a
// last message that NATS lost is found.
func TestHeadChecksReachReaders(t *testing.T) {
	a := newNode(t, natstest.URL(t), natstest.Prefix())
	a.head.Store(7)
	r := &recorder{}
	defer a.broker.Subscribe("lobby", r)()
	waitFor(t, "a head check", func() bool { _, h := r.got(); return slices.Contains(h, 7) })
}

func presenceOf(t *testing.T, h *board.Hub, boardName string) protocol.Presence {
	var p protocol.Presence
	if err := json.Unmarshal(h.PresenceFrame(boardName), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// A name that joins on node B appears on node A, and is gone within the
// TTL once B vanishes without a word.
func TestPresenceSpansNodesAndExpires(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	a, b := newNode(t, url, prefix), newNode(t, url, prefix)
	defer a.broker.Subscribe("lobby", &recorder{})()
	a.hub.Join("lobby", "author-a", "Ann")
	b.broker.Subscribe("lobby", &recorder{})
	b.hub.Join("lobby", "author-b", "Bo")
	b.hub.Join("lobby", "author-a", "Ann") // one author on two nodes counts once
	waitFor(t, "Bo on node a", func() bool {
		p := presenceOf(t, a.hub, "lobby")
		return p.Online == 2 && slices.Equal(p.Names, []string{"Ann", "Bo"})
	})
	waitFor(t, "Ann on node b", func() bool { return presenceOf(t, b.hub, "lobby").Online == 2 })
	// Node b vanishes: no leave is announced, only its announcements stop.
	b.broker.nc.Close()
	gone := time.Now()
	waitFor(t, "Bo gone from node a", func() bool { return presenceOf(t, a.hub, "lobby").Online == 1 })
	if took := time.Since(gone); took > PresenceTTL+2*time.Second {
		t.Fatalf("Bo stayed %v after node b vanished; the TTL is %v", took, PresenceTTL)
	}
}

// NATS stopped and started again: the broker reconnects by itself, checks
// heads at once, and events flow again.
func TestBrokerReconnectsAndChecksHeads(t *testing.T) {
	srv := natstest.Start(t)
	prefix := natstest.Prefix()
	a, b := newNode(t, srv.URL(), prefix), newNode(t, srv.URL(), prefix)
	r := &recorder{}
	defer b.broker.Subscribe("lobby", r)()
	srv.Stop()
	waitFor(t, "a disconnect", func() bool { return b.broker.Connected() != nil })
	b.head.Store(41)
	srv.Restart()
	waitFor(t, "a reconnect", func() bool { return a.broker.Connected() == nil && b.broker.Connected() == nil })
	waitFor(t, "the head check of the reconnect", func() bool { _, h := r.got(); return slices.Contains(h, 41) })
	waitFor(t, "events again", func() bool {
		a.broker.Publish("lobby", 42, []byte(`{}`))
		time.Sleep(50 * time.Millisecond)
		s, _ := r.got()
		return slices.Contains(s, 42)
	})
}

// Events that arrive out of order reach the readers in order; one that
// never arrives is read from the store once for the node, not once per
// reader.
func TestANodeReordersAndFillsGapsOnceForAllItsReaders(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	a, b := newNode(t, url, prefix), newNode(t, url, prefix)
	readers := make([]*recorder, 50)
	for i := range readers {
		readers[i] = &recorder{}
		defer b.broker.Subscribe("lobby", readers[i])()
	}
	b.head.Store(6)
	for _, seq := range []int64{1, 3, 2, 5, 6} { // 4 is lost
		a.broker.Publish("lobby", seq, []byte(`{"type":"message"}`))
	}
	for _, r := range readers {
		waitFor(t, "six events on every reader", func() bool { s, _ := r.got(); return len(s) == 6 })
		if s, _ := r.got(); !slices.Equal(s, []int64{1, 2, 3, 4, 5, 6}) {
			t.Fatalf("reader got %v", s)
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Fatalf("%d store reads for one lost event and 50 readers; want 1", n)
	}
	if _, _, filled := b.broker.Stats(); filled != 1 {
		t.Fatalf("filled %d events, want 1", filled)
	}
}
