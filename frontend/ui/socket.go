package ui

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// Reconnect backoff: exponential with full jitter, capped.
const (
	backoffMin = 300 * time.Millisecond
	backoffMax = 10 * time.Second
)

// socket is the board's connection: it dials, says hello with the last
// seq applied, reads frames for the component, sends heartbeats, and
// starts again after any failure. Frames reach the component through the
// callbacks, which run on the socket's goroutine (the component turns them
// into ctx.Dispatch). The catch-up goes in one batch: one render for 50
// messages instead of 50.
type socket struct {
	url      string
	onFrames func([]protocol.ServerFrame)
	onState  func(state string)
	hello    func() protocol.ClientFrame

	mu   sync.Mutex
	conn *websocket.Conn
	kick chan struct{} // the browser came back online: retry now
}

func newSocket(url string) *socket { return &socket{url: url, kick: make(chan struct{}, 1)} }

// send writes a frame if connected, and reports whether it did.
func (s *socket) send(f protocol.ClientFrame) bool {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return false
	}
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, b) == nil
}

// retryNow cuts a backoff short.
func (s *socket) retryNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// run keeps a connection up until ctx ends.
func (s *socket) run(ctx context.Context) {
	wait := backoffMin
	for first := true; ctx.Err() == nil; first = false {
		if first {
			s.onState("connecting")
		} else {
			s.onState("reconnecting")
		}
		// No deadline on Dial: in Wasm a cancelled Dial leaves a ghost socket.
		c, _, err := websocket.Dial(ctx, s.url, nil)
		if err == nil {
			wait = backoffMin
			s.session(ctx, c)
		}
		if ctx.Err() != nil {
			return
		}
		s.onState("reconnecting")
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-time.After(time.Duration(rand.Int64N(int64(wait)))):
		}
		wait = min(2*wait, backoffMax)
	}
}

// session serves one connection until it fails.
func (s *socket) session(ctx context.Context, c *websocket.Conn) {
	c.SetReadLimit(protocol.MaxFrameBytes)
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
		// In Wasm only 1000 and 3000–4999 may be sent; others throw.
		go c.Close(websocket.StatusNormalClosure, "") // a frozen peer would make us wait for its answer
	}()
	hello, _ := json.Marshal(s.hello())
	if c.Write(ctx, websocket.MessageText, hello) != nil {
		return
	}
	heard := make(chan struct{}, 1)
	go s.heartbeat(ctx, c, heard, cancel)
	var catchUp []protocol.ServerFrame // until synced
	synced := false
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		select {
		case heard <- struct{}{}:
		default:
		}
		var f protocol.ServerFrame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		if synced {
			s.onFrames([]protocol.ServerFrame{f})
			continue
		}
		catchUp = append(catchUp, f)
		if f.Type == protocol.TypeSynced {
			synced = true
			s.mu.Lock()
			s.conn = c // from now on posts go out on it
			s.mu.Unlock()
			s.onFrames(catchUp)
			catchUp = nil
		}
	}
}

// heartbeat pings every HeartbeatInterval and gives up on the link when
// nothing was heard for DeadAfter (browsers hide WebSocket pings).
func (s *socket) heartbeat(ctx context.Context, c *websocket.Conn, heard <-chan struct{}, dead func()) {
	ping, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePing})
	t := time.NewTicker(protocol.HeartbeatInterval)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-heard:
			last = time.Now()
		case <-t.C:
			if time.Since(last) > protocol.DeadAfter {
				dead()
				return
			}
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			c.Write(wctx, websocket.MessageText, ping)
			cancel()
		}
	}
}
