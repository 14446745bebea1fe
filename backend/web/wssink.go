package web

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
	"liveboard/backend/session"
)

// wsSink frames a stream as WebSocket text messages.
type wsSink struct {
	conn *websocket.Conn
	raw  net.Conn // under conn, to drop it when a close frame cannot go out
}

func (w *wsSink) Send(frames []session.Frame) error {
	// A deadline on the socket, not a context per write: no timer and no
	// allocation per frame.
	w.raw.SetWriteDeadline(time.Now().Add(board.WriteTimeout))
	defer w.raw.SetWriteDeadline(time.Time{}) // close frames and pings come later
	for _, f := range frames {
		if err := w.conn.Write(context.Background(), websocket.MessageText, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// Heartbeat pings in the background (the pong comes through the reader),
// and drops a socket that does not answer within PingTimeout.
func (w *wsSink) Heartbeat() error {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), board.PingTimeout)
		defer cancel()
		if w.conn.Ping(ctx) != nil {
			w.raw.Close()
		}
	}()
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
	c, ok := closeCodes[reason]
	if !ok { // gone: nobody to tell
		w.raw.Close()
		return
	}
	closeWithin(w.conn, w.raw, c.code, c.reason)
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
