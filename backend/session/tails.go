package session

import (
	"sync"
	"time"

	"liveboard/backend/board"
)

// tails keeps a tail per board with open streams, and for TailLinger
// after the last one left (a reader who reloads the page finds it warm).
// At most MaxTails boards have one; joins on others read the store.
type tails struct {
	svc *board.Service

	mu     sync.Mutex
	boards map[string]*tailRef
}

type tailRef struct {
	t           *tail
	refs        int
	linger      *time.Timer
	unsubscribe func()
}

func newTails(svc *board.Service) *tails {
	return &tails{svc: svc, boards: make(map[string]*tailRef)}
}

// acquire returns the board's tail, subscribed to the broker, or nil when
// MaxTails boards have one (or ts is nil: every join reads the store).
// Each acquire is matched by a release.
func (ts *tails) acquire(b string) *tail {
	if ts == nil {
		return nil
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ref := ts.boards[b]
	if ref == nil {
		if len(ts.boards) >= MaxTails {
			return nil
		}
		t := newTail(b, ts.svc)
		ref = &tailRef{t: t, unsubscribe: ts.svc.Broker.Subscribe(b, t)}
		ts.boards[b] = ref
	}
	if ref.linger != nil {
		ref.linger.Stop()
		ref.linger = nil
	}
	ref.refs++
	return ref.t
}

// release gives back an acquired tail; nil is allowed.
func (ts *tails) release(t *tail) {
	if ts == nil || t == nil {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ref := ts.boards[t.board]
	if ref == nil || ref.t != t {
		return
	}
	if ref.refs--; ref.refs > 0 {
		return
	}
	ref.linger = time.AfterFunc(TailLinger, func() {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if ts.boards[t.board] == ref && ref.refs == 0 {
			delete(ts.boards, t.board)
			ref.unsubscribe()
		}
	})
}
