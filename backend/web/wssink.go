package web

import (
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
	"liveboard/backend/session"
)

// wsSink frames a stream as WebSocket text messages. The frames of one
// batch go out in one write: when a reader falls behind, what waits for it
// is sent together, and fan-out costs fewer system calls per frame as load
// rises. coder/websocket writes one message per write, so the sink frames
// data messages and pings itself, onto the socket under the library's
// connection; the library keeps the handshake, reading and close. That is
// safe because a socket write is atomic against the other writes on the
// same socket (Go holds the descriptor's write lock for the whole write),
// and the library writes each control frame in one write.
type wsSink struct {
	c           *wsConn // data frames and pings go to c.raw; it is dropped when a close frame cannot go out
	pingTimeout time.Duration

	mu     sync.Mutex // one batch on the wire at a time; Close waits for it
	closed bool
	torn   bool // a write was cut off mid-frame: no close frame may follow
}

// lockWire takes the socket for writing, with a deadline on it: not a
// context per write, so no timer and no allocation per batch. It fails
// once the sink is closed. unlockWire gives the socket back.
func (w *wsSink) lockWire() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return net.ErrClosed
	}
	w.c.raw.SetWriteDeadline(time.Now().Add(board.WriteTimeout))
	return nil
}

func (w *wsSink) unlockWire() {
	w.c.raw.SetWriteDeadline(time.Time{}) // close frames come later
	w.mu.Unlock()
}

// write puts b on the socket, between lockWire and unlockWire. A write
// cut off mid-frame tears the stream: no close frame may follow it.
func (w *wsSink) write(b []byte) error {
	n, err := w.c.raw.Write(b)
	if err != nil {
		w.torn = n > 0 && n < len(b)
	}
	return err
}

// Send writes frames in writes of up to wsBatchBytes (one frame may be
// larger), and counts them.
func (w *wsSink) Send(frames []session.Frame) (writes int, err error) {
	if err := w.lockWire(); err != nil {
		return 0, err
	}
	defer w.unlockWire()
	buf := batchBuffers.Get().(*[]byte)
	defer putBatchBuffer(buf)
	for len(frames) > 0 {
		b := (*buf)[:0]
		for len(frames) > 0 && (len(b) == 0 || len(b)+len(frames[0].Data) <= wsBatchBytes) {
			b = appendTextFrame(b, frames[0].Data)
			frames = frames[1:]
		}
		*buf = b
		if err := w.write(b); err != nil {
			return writes, err
		}
		writes++
	}
	return writes, nil
}

// appendTextFrame appends data as one unmasked, final text frame (RFC 6455
// §5.2: a server does not mask).
func appendTextFrame(b, data []byte) []byte {
	const finText = 0x81
	switch n := len(data); {
	case n < 126:
		b = append(b, finText, byte(n))
	case n <= 0xFFFF:
		b = append(b, finText, 126, byte(n>>8), byte(n))
	default:
		b = append(b, finText, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, data...)
}

// batchBuffers hold a batch while it is written; a stream keeps none
// between batches, so an idle socket costs no buffer.
var batchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, wsBatchBytes); return &b }}

func putBatchBuffer(b *[]byte) {
	if cap(*b) <= 2*wsBatchBytes { // one oversized frame's buffer is not kept
		batchBuffers.Put(b)
	}
}

// Heartbeat writes a ping, and drops the socket when nothing at all came
// back within pingTimeout: neither the pong nor any other frame.
func (w *wsSink) Heartbeat() error {
	if err := w.lockWire(); err != nil {
		return err
	}
	defer w.unlockWire()
	heard := w.c.raw.received.Load()
	if err := w.write(pingFrame); err != nil {
		return err
	}
	time.AfterFunc(w.pingTimeout, func() {
		if w.c.raw.received.Load() == heard {
			w.c.raw.Close()
		}
	})
	return nil
}

// closeCodes is how each end of a stream is told to a WebSocket client.
var closeCodes = map[session.Reason]struct {
	code   websocket.StatusCode
	reason string
}{
	session.ReasonSlow:     {websocket.StatusTryAgainLater, "too slow: resume with after"},
	session.ReasonShutdown: {websocket.StatusGoingAway, "server shutting down"},
	session.ReasonResume:   {websocket.StatusTryAgainLater, "resume with after"},
	session.ReasonStore:    {websocket.StatusInternalError, "storage failed, retry"},
}

func (w *wsSink) Close(reason session.Reason) {
	// A batch stuck on a reader that does not read is cut off, and the
	// sink refuses more: no data frame may follow the close frame.
	w.c.raw.SetWriteDeadline(time.Now().Add(board.CloseTimeout))
	w.mu.Lock()
	w.closed = true
	torn := w.torn
	w.mu.Unlock()
	c, ok := closeCodes[reason]
	if !ok || torn { // gone, or a frame half sent: nobody to tell
		w.c.raw.Close()
		return
	}
	w.c.closeWithin(c.code, c.reason)
}
