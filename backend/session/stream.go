package session

import (
	"sync"
	"sync/atomic"
	"time"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// Join is what a reader asks for.
type Join struct {
	Transport string // for metrics: "websocket", "sse"
	Board     string
	Author    string // the public author id; empty: not counted in presence
	Name      string // the name shown in presence and welcome
	// After is the last seq the reader has; nil asks for the latest page.
	After *int64
	Sink  Sink
	// HeartbeatEvery is the idle time after which Sink.Heartbeat is called.
	HeartbeatEvery time.Duration
}

// Stream is one live reader. It is a board.Subscriber: the broker hands it
// frames, and it never blocks.
type Stream struct {
	reg       *Registry
	sink      Sink
	board     string
	author    string
	name      string
	heartbeat time.Duration
	transport string
	tail      *tail // the board's tail, nil when MaxTails boards have one

	mu       sync.Mutex
	queue    []item
	pending  []item // delivered during the catch-up, admitted at goLive
	live     bool   // caught up: frames are admitted and may go out
	next     int64  // the next seq to admit; lower ones are duplicates
	writing  bool
	ended    bool
	released bool          // release ran: the registry and the meter know
	wake     chan struct{} // tells a lingering writer there is more
	scratch  []Frame       // the writer's frames buffer, while it runs

	lastSent    atomic.Int64 // unix nanoseconds of the last write
	unsubscribe func()
	leave       func() // presence; nil when not counted
	endOnce     sync.Once
}

// item is one queued entry: a frame, a run of seqs to read from the store
// first (a gap), or a heartbeat.
type item struct {
	frame     Frame
	batch     []Frame // a history answer: one item, several frames
	fillFrom  int64   // a gap: seqs fillFrom..fillTo come from the store
	fillTo    int64
	heartbeat bool
}

// Open subscribes, catches up through the sink (welcome, what the reader
// missed, synced), goes live and joins presence. On error nothing is left
// open; the caller closes its transport.
func (r *Registry) Open(j Join) (*Stream, error) {
	s := &Stream{reg: r, sink: j.Sink, board: j.Board, author: j.Author, name: j.Name, heartbeat: j.HeartbeatEvery, transport: j.Transport, wake: make(chan struct{}, 1)}
	s.lastSent.Store(time.Now().UnixNano())
	if err := r.add(s); err != nil {
		return nil, err
	}
	r.meter.StreamOpened(s.transport, 1)
	s.tail = r.tails.acquire(j.Board)
	// Subscribe before the catch-up query: nothing falls between the two.
	// Shutdown may end the stream at any point from here: what it must
	// undo is set under s.mu, and what comes after the end is undone here.
	unsubscribe := r.svc.Broker.Subscribe(j.Board, s)
	s.mu.Lock()
	s.unsubscribe = unsubscribe
	s.mu.Unlock()
	head, err := s.catchUp(j.After)
	if err != nil {
		s.release()
		return nil, err
	}
	if j.Author != "" {
		leave := r.svc.Presence.Join(j.Board, j.Author, j.Name)
		s.mu.Lock()
		ended := s.ended
		if !ended {
			s.leave = leave
		}
		s.mu.Unlock()
		if ended {
			leave()
		}
	}
	s.goLive(head)
	s.Reply(r.svc.Presence.PresenceFrame(j.Board))
	return s, nil
}

// Deliver is called by the broker; it never blocks.
func (s *Stream) Deliver(seq int64, frame []byte) {
	s.enqueue(item{frame: Frame{Seq: seq, Data: frame}})
}

// Reply queues a frame outside the log (ack, error, pong) for this reader.
func (s *Stream) Reply(frame []byte) { s.enqueue(item{frame: Frame{Data: frame}}) }

// ReplyBatch queues frames that go out together and count as one.
func (s *Stream) ReplyBatch(frames [][]byte) {
	b := make([]Frame, len(frames))
	for i, f := range frames {
		b[i] = Frame{Data: f}
	}
	s.enqueue(item{batch: b})
}

// Rename changes the name the reader is listed under.
func (s *Stream) Rename(name string) {
	if s.author != "" && name != s.name {
		s.name = name
		s.reg.svc.Presence.Rename(s.board, s.author, name)
	}
}

// CheckHead tells the stream the board's head as the store has it: seqs
// up to it that never arrived are read from the store. Brokers that can
// lose the last message of a burst call it now and then.
func (s *Stream) CheckHead(head int64) {
	s.mu.Lock()
	if !s.live || head < s.next {
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.enqueue(item{fillFrom: -1, fillTo: head})
}

// Close ends the stream because the client left.
func (s *Stream) Close() { s.end(ReasonGone) }

// enqueue admits an item: in order, without duplicates, opening a gap
// fill for seqs skipped. Over the queue bound the reader is too slow.
func (s *Stream) enqueue(it item) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	if !s.live {
		s.pending = append(s.pending, it)
		s.mu.Unlock()
		return
	}
	if !s.admit(it) {
		s.mu.Unlock()
		return
	}
	if len(s.queue) > s.reg.sendQueue {
		s.mu.Unlock()
		go s.end(ReasonSlow)
		return
	}
	start := !s.writing
	s.writing = true
	s.mu.Unlock()
	if start {
		go s.drain()
	} else {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// admit appends it to the queue in seq order. Called with s.mu held; it
// reports false for a duplicate.
func (s *Stream) admit(it item) bool {
	if it.fillFrom == -1 { // CheckHead: fill from wherever we are
		if it.fillTo < s.next {
			return false
		}
		it.fillFrom = s.next
		s.next = it.fillTo + 1
		s.queue = append(s.queue, it)
		return true
	}
	if seq := it.frame.Seq; seq != 0 {
		if seq < s.next {
			return false // already sent, or read from the store
		}
		if seq > s.next {
			s.queue = append(s.queue, item{fillFrom: s.next, fillTo: seq - 1})
		}
		s.next = seq + 1
	}
	s.queue = append(s.queue, it)
	return true
}

// goLive ends the catch-up, which sent every event up to head: what was
// delivered meanwhile is admitted in order, duplicates dropped.
func (s *Stream) goLive(head int64) {
	s.mu.Lock()
	s.live, s.next = true, head+1
	pending := s.pending
	s.pending = nil
	for _, it := range pending {
		s.admit(it)
	}
	start := len(s.queue) > 0 && !s.writing
	s.writing = s.writing || start
	s.mu.Unlock()
	if start {
		go s.drain()
	}
}

// idleSince reports whether nothing went out for the stream's heartbeat
// interval; it then counts the heartbeat as sent, so one goes per interval.
func (s *Stream) idleSince(now time.Time) bool {
	every := s.heartbeat
	if every <= 0 {
		return false
	}
	last := s.lastSent.Load()
	if now.UnixNano()-last < int64(every) {
		return false
	}
	return s.lastSent.CompareAndSwap(last, now.UnixNano())
}

// end closes the stream once, for reason.
func (s *Stream) end(reason Reason) {
	s.endOnce.Do(func() {
		s.mu.Lock()
		s.ended = true
		s.queue, s.pending = nil, nil
		s.mu.Unlock()
		if reason == ReasonSlow {
			s.reg.meter.SlowClose()
		}
		s.sink.Close(reason)
		s.release()
	})
}

// release undoes the subscription and presence, and leaves the registry.
func (s *Stream) release() {
	s.mu.Lock()
	leave, unsubscribe := s.leave, s.unsubscribe
	s.leave, s.unsubscribe = nil, nil
	first := !s.released
	s.ended, s.released = true, true
	s.mu.Unlock()
	if leave != nil {
		leave()
	}
	if unsubscribe != nil {
		unsubscribe()
	}
	if first {
		s.reg.tails.release(s.tail)
		s.reg.meter.StreamOpened(s.transport, -1)
		s.reg.remove(s)
	}
}

var _ board.Subscriber = (*Stream)(nil)

// pong is the frame of a heartbeat that travels as data (SSE).
var pong = board.Encode(protocol.Pong{Type: protocol.TypePong})

// PongFrame is the encoded {"type":"pong"}.
func PongFrame() []byte { return pong }
