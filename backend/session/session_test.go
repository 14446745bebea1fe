package session

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/store/sqlite"
	"liveboard/shared/protocol"
)

// heldBroker keeps what is published and delivers only what a test says,
// in the order it says: it stands for NATS, which drops and reorders.
type heldBroker struct {
	mu     sync.Mutex
	frames map[int64][]byte
	subs   []board.Subscriber
}

func (b *heldBroker) Publish(_ string, seq int64, frame []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.frames[seq] = frame
}

func (b *heldBroker) Subscribe(_ string, s board.Subscriber) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, s)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.subs = slices.DeleteFunc(b.subs, func(x board.Subscriber) bool { return x == s })
	}
}

// deliver hands seqs, in this order, to every subscriber.
func (b *heldBroker) deliver(seqs ...int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, seq := range seqs {
		for _, s := range b.subs {
			s.Deliver(seq, b.frames[seq])
		}
	}
}

// recSink records what a stream sends; block makes Send wait, as a
// reader that does not read.
type recSink struct {
	mu         sync.Mutex
	frames     []Frame
	heartbeats int
	closed     chan Reason
	changed    chan struct{}
	block      chan struct{}
}

func newRecSink() *recSink {
	return &recSink{closed: make(chan Reason, 1), changed: make(chan struct{}, 1)}
}

func (s *recSink) Send(fs []Frame) (int, error) {
	s.mu.Lock()
	block := s.block
	s.mu.Unlock()
	if block != nil {
		<-block
	}
	s.mu.Lock()
	s.frames = append(s.frames, fs...)
	s.mu.Unlock()
	s.poke()
	return 1, nil
}

func (s *recSink) Heartbeat() error {
	s.mu.Lock()
	s.heartbeats++
	s.mu.Unlock()
	s.poke()
	return nil
}

func (s *recSink) poke() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

func (s *recSink) Close(r Reason) { s.closed <- r }

// logSeqs is the seqs of the log frames received, in order.
func (s *recSink) logSeqs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for _, f := range s.frames {
		if protocol.IsLogEvent(protocol.FrameType(f.Data)) {
			out = append(out, f.Seq)
		}
	}
	return out
}

// waitFor waits until cond holds, woken by each change of the sink.
func (s *recSink) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("never: %s (log seqs %v)", what, s.logSeqs())
		}
	}
}

type fixture struct {
	store  board.Store
	broker *heldBroker
	reg    *Registry
}

func newFixture(t *testing.T, queue int) *fixture {
	t.Helper()
	f := &fixture{broker: &heldBroker{frames: map[int64][]byte{}}}
	svc := &board.Service{Broker: f.broker, Presence: board.NewHub()}
	st, err := sqlite.Open(t.TempDir(), sqlite.Options{OnCommit: svc.Publish})
	if err != nil {
		t.Fatal(err)
	}
	svc.Store = st
	f.store = st
	f.reg = NewRegistry(svc, Options{SendQueue: queue})
	t.Cleanup(func() { f.reg.Shutdown(); st.Close() })
	return f
}

func (f *fixture) post(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, _, err := f.store.Append(context.Background(), board.Command{Board: "b", Kind: board.KindPost, Author: "a", ID: fmt.Sprint("p", time.Now().UnixNano(), i), Name: "n", Text: "t", At: storedNow()}); err != nil {
			t.Fatal(err)
		}
	}
}

// storedNow is the time as the store keeps it (milliseconds), so that a
// frame published at commit equals the same event read back.
func storedNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func span(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestDroppedAndReorderedSeqsAreFilledFromTheStoreInOrder(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, 2)
	sink := newRecSink()
	zero := int64(0)
	if _, err := f.reg.Open(Join{Board: "b", After: &zero, Sink: sink}); err != nil {
		t.Fatal(err)
	}
	f.post(t, 10) // seqs 3..12
	// 3 and 4 never come, 6 comes after 7, 5 twice, 9 after 12, 11 lost.
	f.broker.deliver(5, 5, 7, 6, 8, 10, 12, 9)
	sink.waitFor(t, "every seq once, in order", func() bool { return len(sink.logSeqs()) >= 12 })
	if got := sink.logSeqs(); !slices.Equal(got, span(1, 12)) {
		t.Fatalf("got %v, want 1..12 once each, in order", got)
	}
	if f.reg.GapsFilled() != 5 {
		t.Errorf("%d seqs read from the store, want 5 (3, 4, 6 overtaken by 7, 9 overtaken by 10, 11)", f.reg.GapsFilled())
	}
}

func TestALostLastMessageIsFoundByCheckHead(t *testing.T) {
	f := newFixture(t, 0)
	sink := newRecSink()
	s, err := f.reg.Open(Join{Board: "b", Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	f.post(t, 3)
	f.broker.deliver(1, 2) // 3 is lost, and nothing comes after it
	sink.waitFor(t, "1 and 2", func() bool { return len(sink.logSeqs()) == 2 })
	head, _ := f.store.Head(context.Background(), "b")
	s.CheckHead(head)
	sink.waitFor(t, "3 from the store", func() bool { return len(sink.logSeqs()) == 3 })
	s.CheckHead(head) // nothing new: nothing sent
	f.post(t, 1)
	f.broker.deliver(4)
	sink.waitFor(t, "4", func() bool { return len(sink.logSeqs()) == 4 })
	if got := sink.logSeqs(); !slices.Equal(got, span(1, 4)) {
		t.Fatalf("got %v", got)
	}
}

func TestFramesDeliveredDuringTheCatchUpAreNotRepeated(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, 5)
	sink := newRecSink()
	sink.block = make(chan struct{})
	zero := int64(0)
	opened := make(chan error, 1)
	go func() {
		_, err := f.reg.Open(Join{Board: "b", After: &zero, Sink: sink})
		opened <- err
	}()
	// The catch-up is stuck in its first Send (welcome); meanwhile 6 and 7
	// are stored and delivered, and 4 and 5 come again.
	waitSubscribed(t, f.broker, 2) // the board's tail, then the stream
	f.post(t, 2)
	f.broker.deliver(4, 5, 6, 7)
	close(sink.block)
	if err := <-opened; err != nil {
		t.Fatal(err)
	}
	sink.waitFor(t, "7 frames", func() bool { return len(sink.logSeqs()) >= 7 })
	if got := sink.logSeqs(); !slices.Equal(got, span(1, 7)) {
		t.Fatalf("got %v, want 1..7 once each", got)
	}
}

func waitSubscribed(t *testing.T, b *heldBroker, want int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		n := len(b.subs)
		b.mu.Unlock()
		if n >= want {
			return
		}
	}
	t.Fatalf("fewer than %d subscribers, ever", want)
}

func TestASlowReaderIsClosedPastTheQueue(t *testing.T) {
	f := newFixture(t, 4)
	slow := newRecSink()
	_, err := f.reg.Open(Join{Board: "b", Sink: slow})
	if err != nil {
		t.Fatal(err)
	}
	block := make(chan struct{}) // from now on it does not read
	slow.mu.Lock()
	slow.block = block
	slow.mu.Unlock()
	defer close(block)
	f.post(t, 10)
	f.broker.deliver(span(1, 10)...)
	select {
	case r := <-slow.closed:
		if r != ReasonSlow {
			t.Fatalf("closed for %v, want slow", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a reader 10 frames behind a queue of 4 was not closed")
	}
	for f.reg.Len() != 0 { // end closes the sink, then leaves the registry
		time.Sleep(time.Millisecond)
	}
}

func TestShutdownEndsEveryStream(t *testing.T) {
	f := newFixture(t, 0)
	var sinks []*recSink
	for i := 0; i < 5; i++ {
		sink := newRecSink()
		if _, err := f.reg.Open(Join{Board: "b", Sink: sink}); err != nil {
			t.Fatal(err)
		}
		sinks = append(sinks, sink)
	}
	f.reg.Shutdown()
	for i, s := range sinks {
		select {
		case r := <-s.closed:
			if r != ReasonShutdown {
				t.Errorf("stream %d closed for %v", i, r)
			}
		default:
			t.Errorf("stream %d still open after Shutdown returned", i)
		}
	}
	if f.reg.Len() != 0 {
		t.Errorf("%d streams left", f.reg.Len())
	}
	if _, err := f.reg.Open(Join{Board: "b", Sink: newRecSink()}); err != ErrShuttingDown {
		t.Errorf("Open after Shutdown: %v", err)
	}
}

func TestAnIdleStreamGetsHeartbeats(t *testing.T) {
	f := newFixture(t, 0)
	sink := newRecSink()
	if _, err := f.reg.Open(Join{Board: "b", Sink: sink, HeartbeatEvery: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	sink.waitFor(t, "two heartbeats", func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return sink.heartbeats >= 2
	})
}

func TestPresenceIsJoinedAndLeft(t *testing.T) {
	f := newFixture(t, 0)
	watcher := newRecSink()
	if _, err := f.reg.Open(Join{Board: "b", Sink: watcher}); err != nil {
		t.Fatal(err)
	}
	s, err := f.reg.Open(Join{Board: "b", Author: "0123456789abcdef", Name: "민지", Sink: newRecSink()})
	if err != nil {
		t.Fatal(err)
	}
	hub := f.reg.svc.Presence
	if got := string(hub.PresenceNow("b")); got != `{"type":"presence","online":1,"names":["민지"]}` {
		t.Fatalf("presence %s", got)
	}
	s.Close()
	if got := string(hub.PresenceNow("b")); got != `{"type":"presence","online":0,"names":[]}` {
		t.Fatalf("presence after leaving %s", got)
	}
}
