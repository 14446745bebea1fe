package web

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
)

// client is one WebSocket as a board subscriber. Frames wait in a bounded
// queue. A writer goroutine runs while frames come, and ends after
// writerLinger without any, so an idle connection costs one goroutine (its
// reader) and a busy one does not start a goroutine per frame.
type client struct {
	conn     *websocket.Conn
	raw      net.Conn // under conn, to drop it when a close frame cannot go out
	maxQueue int

	mu      sync.Mutex
	queue   []item
	live    bool  // the catch-up is done: queued frames may go out
	minSeq  int64 // events up to here were sent by the catch-up
	writing bool
	closed  bool
	wake    chan struct{} // tells a lingering writer there is more
}

// writerLinger is how long a writer goroutine waits for more frames
// before it ends.
const writerLinger = 5 * time.Second

// item is one queued frame, or a batch (a history answer) that counts as one.
type item struct {
	seq   int64 // 0 for frames outside the log
	frame []byte
	batch [][]byte
}

// Deliver is called by the broker; it never blocks.
func (c *client) Deliver(seq int64, frame []byte) { c.enqueue(item{seq: seq, frame: frame}) }

func (c *client) enqueue(it item) {
	c.mu.Lock()
	if c.closed || (it.seq != 0 && it.seq <= c.minSeq) {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= c.maxQueue {
		c.closed = true
		c.mu.Unlock()
		go closeSlow(c.conn, c.raw)
		return
	}
	c.queue = append(c.queue, it)
	start := c.live && !c.writing
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.drain()
	} else {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// goLive ends the catch-up, which sent every event up to head: queued
// events up to head are dropped as duplicates, and the rest go out.
func (c *client) goLive(head int64) {
	c.mu.Lock()
	c.minSeq, c.live = head, true
	kept := c.queue[:0]
	for _, it := range c.queue {
		if it.seq == 0 || it.seq > head {
			kept = append(kept, it)
		}
	}
	c.queue = kept
	start := len(c.queue) > 0 && !c.writing
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.drain()
	}
}

// drain writes queued frames, then waits up to writerLinger for more.
func (c *client) drain() {
	var batch []item
	linger := time.NewTimer(writerLinger)
	defer linger.Stop()
	for {
		c.mu.Lock()
		if c.closed {
			c.writing = false
			c.mu.Unlock()
			return
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			linger.Reset(writerLinger)
			select {
			case <-c.wake:
				continue
			case <-linger.C:
			}
			c.mu.Lock()
			if len(c.queue) == 0 || c.closed {
				c.writing = false
				c.mu.Unlock()
				return
			}
		}
		batch, c.queue = c.queue, batch[:0]
		c.mu.Unlock()
		// A deadline on the socket, not a context per write: no timer and
		// no allocation per frame.
		c.raw.SetWriteDeadline(time.Now().Add(board.WriteTimeout))
		err := writeItems(context.Background(), c.conn, batch)
		c.raw.SetWriteDeadline(time.Time{}) // close frames and pings come later
		clear(batch)
		if err != nil {
			c.shut()
			c.raw.Close()
			return
		}
	}
}

func writeItems(ctx context.Context, conn *websocket.Conn, items []item) error {
	for _, it := range items {
		if it.frame != nil {
			if err := conn.Write(ctx, websocket.MessageText, it.frame); err != nil {
				return err
			}
		}
		for _, f := range it.batch {
			if err := conn.Write(ctx, websocket.MessageText, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// shut stops all further queuing.
func (c *client) shut() {
	c.mu.Lock()
	c.closed = true
	c.queue = nil
	c.mu.Unlock()
}

// closeSlow closes a client that fell behind its queue: with 1013 if the
// close frame can still be written, else by dropping the connection. The
// client resumes with after, so nothing is lost.
func closeSlow(conn *websocket.Conn, raw net.Conn) {
	closeWithin(conn, raw, websocket.StatusTryAgainLater, "too slow: resume with after")
}

// closeWithin closes conn with code, or drops raw, the socket under it,
// after CloseTimeout. (conn.CloseNow cannot do that: once Close has begun,
// coder/websocket makes CloseNow wait for it.)
func closeWithin(conn *websocket.Conn, raw net.Conn, code websocket.StatusCode, reason string) {
	done := make(chan struct{})
	go func() {
		conn.Close(code, reason)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(board.CloseTimeout):
		raw.Close()
		<-done
	}
}

// hijackRecorder keeps the connection coder/websocket's Accept hijacks.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, rw, err
}
