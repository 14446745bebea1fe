package http1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Hijack hands the connection over. A pending 101 goes out first; the
// reader returned holds any bytes already read past the request; deadlines
// are cleared. The buffers handed over are small: they live as long as the
// WebSocket does.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	if w.done {
		return nil, nil, errors.New("http1: Hijack after the handler returned")
	}
	c := w.c
	c.cr.abortPendingRead()
	if w.status != 0 && !w.committed {
		c.bw.WriteString(statusLine(w.status))
		if _, ok := w.header["Date"]; !ok {
			c.bw.WriteString(dateLine())
		}
		w.writeFields()
		c.bw.WriteString("\r\n")
		w.committed = true
	}
	if err := c.bw.Flush(); err != nil {
		return nil, nil, err
	}
	w.hijacked, c.hijacked = true, true
	c.rwc.SetDeadline(time.Time{})

	var early []byte // bytes read past the request
	if c.cr.hasByte {
		early = append(early, c.cr.byteBuf[0])
		c.cr.hasByte = false
	}
	if n := c.br.Buffered(); n > 0 {
		p, _ := c.br.Peek(n)
		early = append(early, p...)
	}
	hc := &hijackedConn{Conn: c.rwc, srv: c.srv}
	c.release()
	c.srv.forget(c, false)
	rw := bufio.NewReadWriter(bufferedReader(hc.Conn, early), bufio.NewWriterSize(hc, hijackWriteBufSize))
	return hc, rw, nil
}

// bufferedReader reads conn, with the early bytes already in its buffer,
// as net/http hands them over: a caller may keep only what is buffered and
// read the connection itself from then on (coder/websocket does,
// golang/go#32314).
func bufferedReader(conn net.Conn, early []byte) *bufio.Reader {
	if len(early) == 0 {
		return bufio.NewReaderSize(conn, hijackReadBufSize)
	}
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(early), conn), max(hijackReadBufSize, len(early)))
	br.Peek(len(early)) // one fill, from the early bytes alone
	return br
}

// hijackedConn is a connection handed over by Hijack. It still counts
// against MaxConns until its new owner closes it.
type hijackedConn struct {
	net.Conn
	srv  *Server
	once sync.Once
}

func (h *hijackedConn) Close() error {
	err := h.Conn.Close()
	h.once.Do(func() { h.srv.open.Add(-1) })
	return err
}

// SyscallConn exposes the socket under a plain TCP connection, so a
// WebSocket can wait for readability without reading; a TLS connection
// has none (its bytes are not the socket's).
func (h *hijackedConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := h.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errNoSyscallConn
}

var errNoSyscallConn = errors.New("http1: the connection has no socket of its own")
