package web

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
)

// wsConn is one accepted WebSocket. coder/websocket does the handshake,
// reads data frames and closes. liveboard writes the data frames
// (wsSink) and the pings itself, and, on a plain TCP socket, takes the
// client's pongs off the wire between reads (readNext), so that an idle
// socket waits on a goroutine whose stack holds only the wait.
type wsConn struct {
	ws  *websocket.Conn
	raw *countingConn // the socket under ws
	br  *bufio.Reader // what ws reads through, from Hijack

	// gate keeps the reader's look at br between frames apart from a
	// close handshake, which reads br on another goroutine.
	gate sync.Mutex
	// sock can be waited on without reading (waitReadable), so an idle
	// socket parks shallow. Nil under TLS, whose bytes are not the
	// socket's: there the reader parks in coder/websocket's Read.
	sock syscall.RawConn
}

// countingConn counts the bytes read from the client, by anyone: a ping
// is answered when the count moved (the pong itself may be read by
// coder/websocket or by skipPongs).
type countingConn struct {
	net.Conn
	received atomic.Uint64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.received.Add(uint64(n))
	return n, err
}

// SyscallConn passes on the socket's, where there is one (http1's
// hijacked plain TCP connection).
func (c *countingConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errNoSocket
	}
	return sc.SyscallConn()
}

var errNoSocket = errors.New("web: the connection has no socket of its own")

// hijackRecorder keeps what coder/websocket's Accept hijacks: the
// connection, wrapped to count, and the reader it will read through.
type hijackRecorder struct {
	http.ResponseWriter
	conn *countingConn
	br   *bufio.Reader
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn, h.br = &countingConn{Conn: c}, rw.Reader
	return h.conn, rw, nil
}

// RFC 6455 §5.2 and §5.5: the first two bytes of a frame, and the limit
// on a control frame's payload.
const (
	finPing        = 0x89
	finPong        = 0x8A
	maskBit        = 0x80
	maxControlData = 125
)

// pingFrame is an unmasked ping with no payload.
var pingFrame = []byte{finPing, 0}

// buffered reports whether bytes wait in br already, read from the socket
// with an earlier frame: the socket then need not be readable.
func (c *wsConn) buffered() bool {
	c.gate.Lock()
	defer c.gate.Unlock()
	return c.br.Buffered() > 0
}

// skipPongs takes the pongs at the head of what the client sent off the
// wire, and reports whether anything else waits behind them for
// coder/websocket's reader (or an error it should meet). Called once the
// socket is readable or br holds bytes, so the first read does not wait.
func (c *wsConn) skipPongs() (more bool) {
	c.gate.Lock()
	defer c.gate.Unlock()
	for {
		h, err := c.br.Peek(2)
		if err != nil || h[0] != finPong || h[1]&maskBit == 0 || int(h[1]&^maskBit) > maxControlData {
			return true
		}
		if _, err := c.br.Discard(2 + 4 + int(h[1]&^maskBit)); err != nil { // header, mask key, payload
			return true
		}
		if c.br.Buffered() == 0 {
			return false
		}
	}
}

// closeWithin closes with code, or drops the socket after CloseTimeout.
// (ws.CloseNow cannot do that: once Close has begun, coder/websocket
// makes CloseNow wait for it.) The handshake reads br, so it holds gate.
func (c *wsConn) closeWithin(code websocket.StatusCode, reason string) {
	done := make(chan struct{})
	go func() {
		c.gate.Lock()
		defer c.gate.Unlock()
		c.ws.Close(code, reason)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(board.CloseTimeout):
		c.raw.Close()
		<-done
	}
}
