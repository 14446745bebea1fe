package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// A tail is the recent end of one active board's log, in memory: the last
// TailEvents events, posts in their current state. A joining reader whose
// place falls inside it (or who asks for the latest page) catches up from
// it with no store read. After a restart every client reconnects at once;
// with the tail that costs one store load per board, not two reads per
// client (measured: 10,000 joins took 8.6–9.8 s, each queuing for SQLite).
//
// The tail is a broker subscriber like any stream, so it follows the log
// as the broker hands it out, after the broker's own ordering and gap
// filling (the NATS broker's sequencer). It keeps the same contract as a
// store read: seqs lo..hi without a gap, each once, a deleted post's words
// gone. When a delivery skips a seq the tail cannot vouch for the rest:
// it empties itself (cold) and the next join loads it again. While cold
// or loading, joins that cannot wait read the store as before.
type tail struct {
	board string
	svc   *board.Service // its Store loads the tail

	mu       sync.Mutex
	state    tailState
	loaded   chan struct{} // closed when the load under way ends
	lo       int64         // the seq of entries[0]
	entries  []tailEntry
	complete bool // entries begin at seq 1: the whole board
	pending  []delivery
	overflow bool // more deliveries came during a load than pending keeps
}

type tailState int

const (
	tailCold    tailState = iota // not loaded, or emptied by a gap
	tailLoading                  // a store load runs; deliveries wait in pending
	tailReady
)

// tailEntry is one event. A post's Message is kept in its current state;
// frame is the encoded event, nil since it last changed.
type tailEntry struct {
	ev    board.Event
	frame []byte
}

type delivery struct {
	seq   int64
	frame []byte
}

func newTail(b string, svc *board.Service) *tail {
	return &tail{board: b, svc: svc}
}

// Deliver is called by the broker, in seq order; it never blocks for long.
func (t *tail) Deliver(seq int64, frame []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch t.state {
	case tailLoading:
		if len(t.pending) >= TailEvents {
			t.overflow = true
			return
		}
		t.pending = append(t.pending, delivery{seq, frame})
	case tailReady:
		t.apply(seq, frame)
	}
}

func (t *tail) hi() int64 { return t.lo + int64(len(t.entries)) - 1 }

// apply adds a delivered event. Called with t.mu held.
func (t *tail) apply(seq int64, frame []byte) {
	switch hi := t.hi(); {
	case seq <= hi:
		return // read in the load, or delivered twice
	case seq > hi+1:
		t.empty() // a gap: only the store has what is missing
		return
	}
	ev, err := decodeEvent(t.board, seq, frame)
	if err != nil {
		t.empty()
		return
	}
	t.push(tailEntry{ev: ev, frame: frame})
}

// push appends e, applies an edit or delete to its post, and drops the
// oldest entries past TailEvents. Called with t.mu held.
func (t *tail) push(e tailEntry) {
	if e.ev.Kind != board.KindPost {
		if i := e.ev.Target - t.lo; i >= 0 && i < int64(len(t.entries)) && t.entries[i].ev.Kind == board.KindPost {
			post := &t.entries[i]
			if e.ev.Kind == board.KindEdit {
				post.ev.Message.Text, post.ev.Message.EditedAt = e.ev.Text, e.ev.At
			} else {
				t.blank(e.ev.Target)
			}
			post.frame = nil
		}
		if e.ev.Kind == board.KindDelete {
			e.ev.Text = ""
		}
	}
	t.entries = append(t.entries, e)
	// Drop in steps of a quarter, so that trimming costs O(1) per event.
	if len(t.entries) > TailEvents+TailEvents/4 {
		cut := len(t.entries) - TailEvents
		t.entries = append([]tailEntry(nil), t.entries[cut:]...)
		t.lo += int64(cut)
		t.complete = false
	}
}

// blank removes a deleted post's words, and those of its edits, as the
// store does. Called with t.mu held.
func (t *tail) blank(target int64) {
	for i := range t.entries {
		e := &t.entries[i]
		switch {
		case e.ev.Seq == target && e.ev.Kind == board.KindPost:
			e.ev.Message.Text, e.ev.Message.Deleted = "", true
			e.frame = nil
		case e.ev.Kind == board.KindEdit && e.ev.Target == target:
			e.ev.Text = ""
			e.frame = nil
		}
	}
}

// empty forgets everything; the next join loads the tail again.
func (t *tail) empty() {
	t.state, t.entries, t.pending, t.overflow = tailCold, nil, nil, false
}

// catchUp returns what a reader at after (nil: the latest page) is
// missing, and the head it reaches. ok is false when the tail cannot
// answer (not loaded, or after outside it): the caller reads the store.
func (t *tail) catchUp(ctx context.Context, after *int64) (frames []Frame, head int64, ok bool) {
	for range 2 { // one load, or one wait for another's; then the store
		t.mu.Lock()
		switch t.state {
		case tailReady:
			frames, head, ok = t.read(after)
			t.mu.Unlock()
			return frames, head, ok
		case tailCold:
			done := make(chan struct{})
			t.state, t.loaded, t.pending, t.overflow = tailLoading, done, nil, false
			t.mu.Unlock()
			t.load(ctx, done)
		case tailLoading:
			done := t.loaded
			t.mu.Unlock()
			select {
			case <-done:
			case <-ctx.Done():
				return nil, 0, false
			}
		}
	}
	return nil, 0, false
}

// read answers catchUp from a ready tail. Called with t.mu held.
func (t *tail) read(after *int64) ([]Frame, int64, bool) {
	head := t.hi()
	if after == nil {
		// The latest page: the newest posts, deleted ones as tombstones,
		// as the store's Latest has them.
		start, posts := len(t.entries), 0
		for start > 0 && posts < protocol.DefaultPageLimit {
			start--
			if t.entries[start].ev.Kind == board.KindPost {
				posts++
			}
		}
		if posts < protocol.DefaultPageLimit && !t.complete {
			return nil, 0, false // older posts are only in the store
		}
		frames := make([]Frame, 0, posts)
		for i := start; i < len(t.entries); i++ {
			if t.entries[i].ev.Kind == board.KindPost {
				frames = append(frames, t.frame(i))
			}
		}
		return frames, head, true
	}
	if *after < t.lo-1 || *after > head {
		return nil, 0, false
	}
	frames := make([]Frame, 0, head-*after)
	for i := *after + 1 - t.lo; i < int64(len(t.entries)); i++ {
		frames = append(frames, t.frame(int(i)))
	}
	return frames, head, true
}

// frame is entry i as sent, encoded once per change. Called with t.mu held.
func (t *tail) frame(i int) Frame {
	e := &t.entries[i]
	if e.frame == nil {
		e.frame = board.Encode(board.EventFrame(e.ev))
	}
	return Frame{Seq: e.ev.Seq, Data: e.frame}
}

// load reads the last TailEvents events from the store, then applies what
// was delivered meanwhile. Every joiner that found the tail loading waits
// for this one load.
func (t *tail) load(ctx context.Context, done chan struct{}) {
	defer close(done)
	entries, from, err := t.readStore(ctx)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil || t.overflow {
		t.empty()
		return
	}
	t.state, t.lo, t.entries, t.complete = tailReady, from+1, entries, from == 0
	pending := t.pending
	t.pending = nil
	for _, d := range pending {
		if t.state != tailReady {
			break // a gap emptied it
		}
		t.apply(d.seq, d.frame)
	}
}

var errTailGap = errors.New("session: the store's events have a gap")

func (t *tail) readStore(ctx context.Context) ([]tailEntry, int64, error) {
	store := t.svc.Store
	head, err := store.Head(ctx, t.board)
	if err != nil {
		return nil, 0, err
	}
	from := max(0, head-TailEvents)
	entries := make([]tailEntry, 0, head-from)
	for cur := from; cur < head; {
		evs, err := store.Events(ctx, t.board, cur, CatchupPage)
		if err != nil {
			return nil, 0, err
		}
		if len(evs) == 0 {
			return nil, 0, fmt.Errorf("session: board %q: no events after %d, head %d", t.board, cur, head)
		}
		for _, ev := range evs {
			if ev.Seq > head {
				break
			}
			if ev.Seq != cur+1 {
				return nil, 0, errTailGap
			}
			entries = append(entries, tailEntry{ev: ev})
			cur = ev.Seq
		}
	}
	return entries, from, nil
}

// decodeEvent reads back an event frame the service encoded.
func decodeEvent(b string, seq int64, frame []byte) (board.Event, error) {
	var typ struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(frame, &typ); err != nil {
		return board.Event{}, err
	}
	ev := board.Event{Board: b, Seq: seq}
	switch typ.Type {
	case protocol.TypeMessage:
		var m protocol.Message
		if err := json.Unmarshal(frame, &m); err != nil {
			return ev, err
		}
		ev.Kind, ev.Target, ev.At = board.KindPost, m.Seq, m.At
		ev.Message = board.Message{Seq: m.Seq, ID: m.ID, Author: m.Author, Name: m.Name, Text: m.Text, At: m.At, Deleted: m.Deleted}
		if m.EditedAt != nil {
			ev.Message.EditedAt = *m.EditedAt
		}
	case protocol.TypeEdited:
		var e protocol.Edited
		if err := json.Unmarshal(frame, &e); err != nil {
			return ev, err
		}
		ev.Kind, ev.Target, ev.Text, ev.At = board.KindEdit, e.Target, e.Text, e.At
	case protocol.TypeDeleted:
		var d protocol.Deleted
		if err := json.Unmarshal(frame, &d); err != nil {
			return ev, err
		}
		ev.Kind, ev.Target = board.KindDelete, d.Target
	default:
		return ev, fmt.Errorf("session: %q is not an event", typ.Type)
	}
	return ev, nil
}
