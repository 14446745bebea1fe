package http1

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Connection states, for Shutdown: only an idle connection is closed under
// a client's feet.
const (
	stateIdle int32 = iota // waiting for the first byte of a request
	stateActive
	stateClosed
)

// conn is one connection's life: read a request, run the handler, write
// the response, and again while keep-alive allows.
type conn struct {
	srv        *Server
	rwc        net.Conn
	remoteAddr string
	tls        *tls.ConnectionState
	state      atomic.Int32

	cr      connReader
	br      *bufio.Reader
	bw      *bufio.Writer
	scratch []byte      // the header section being read, reused
	header  http.Header // the response header, cleared for each request

	keepAlive     atomic.Bool // false once the connection must close after this response
	writeRefresh  time.Time   // when the write deadline is next pushed forward
	bodyReadArmed time.Time
	hijacked      bool
	// unflushed: responses wait in bw for a pipelined request whose header
	// is already buffered. The first read that may block flushes them.
	unflushed bool
}

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufSize) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeBufSize) }}
)

func newConn(s *Server, rwc net.Conn) *conn {
	c := &conn{srv: s, rwc: rwc, remoteAddr: rwc.RemoteAddr().String(), header: make(http.Header)}
	c.cr.c = c
	c.cr.cond.L = &c.cr.mu
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(&c.cr)
	c.bw = writerPool.Get().(*bufio.Writer)
	c.bw.Reset(connWriter{c})
	return c
}

func (c *conn) serve() {
	defer func() {
		if p := recover(); p != nil { // a bug of ours, not a handler's
			c.srv.logger().Error("http1: connection panic", "remote", c.remoteAddr, "panic", p, "stack", string(debug.Stack()))
		}
		if !c.hijacked {
			c.close()
		}
	}()
	if tc, ok := c.rwc.(*tls.Conn); ok {
		tc.SetDeadline(time.Now().Add(c.srv.readHeaderTimeout()))
		if err := tc.Handshake(); err != nil {
			return
		}
		st := tc.ConnectionState()
		c.tls = &st
	}
	wait := c.srv.readHeaderTimeout() // for the first request; then the idle timeout
	for {
		if c.br.Buffered() == 0 {
			c.rwc.SetReadDeadline(time.Now().Add(wait))
			if _, err := c.br.Peek(1); err != nil {
				return
			}
		}
		if !c.state.CompareAndSwap(stateIdle, stateActive) {
			return // closed by Shutdown
		}
		if !c.serveRequest() {
			return
		}
		if !c.state.CompareAndSwap(stateActive, stateIdle) || c.srv.closing.Load() {
			return
		}
		wait = c.srv.idleTimeout()
	}
}

// exchange is what one request needs besides its *http.Request, in one
// allocation.
type exchange struct {
	ctx     requestContext
	w       response
	body    body
	url     url.URL
	hasBody bool // body is the request's: it has one
}

// serveRequest reads one request and answers it. It reports whether the
// connection can carry another.
func (c *conn) serveRequest() bool {
	ex, req, ok := c.readRequest()
	if !ok {
		return false
	}
	if req.Method == http.MethodOptions && req.RequestURI == "*" {
		c.serveAsteriskOptions(&ex.w)
	} else {
		c.runHandler(&ex.w, req)
	}
	if c.hijacked {
		return false
	}
	return c.endRequest(ex)
}

// readRequest reads and parses one request's header and makes what the
// handler gets. A request refused before any handler has its answer
// written here, and the connection closes (ok is false).
func (c *conn) readRequest() (ex *exchange, req *http.Request, ok bool) {
	if !headerComplete(c.br) {
		// Only a header still on its way needs the slowloris deadline;
		// one already in the buffer is parsed without touching the timer.
		// Reading the rest may block, so what is answered goes out first.
		if c.flush() != nil {
			return nil, nil, false
		}
		c.rwc.SetReadDeadline(time.Now().Add(c.srv.readHeaderTimeout()))
	}
	head, err := readHead(c.br, c.scratch)
	if head != nil && cap(head) <= 2*readBufSize {
		c.scratch = head[:0]
	}
	ex = &exchange{}
	var parsed http.Request // stays on the stack: WithContext copies it once
	var f framing
	if err == nil {
		f, err = parseRequest(string(head), &parsed, &ex.url)
	}
	if err != nil {
		var pe *protocolError
		if errors.As(err, &pe) {
			c.writeRefusal(pe)
		}
		return nil, nil, false
	}
	// The read deadline left from the header is harmless: every later read
	// (body, background, next request) sets its own.
	c.bodyReadArmed = time.Time{}
	c.keepAlive.Store(!f.close && !c.srv.closing.Load())

	ex.ctx.c = c
	parsed.Body = http.NoBody
	if f.chunked || f.contentLength > 0 {
		b := &ex.body
		b.c, b.chunked, b.remaining = c, f.chunked, max(f.contentLength, 0)
		if f.expectContinue {
			b.onRead = c.writeContinue
		}
		parsed.Body, ex.hasBody = b, true
	}
	c.cr.startRequest(&ex.ctx, !ex.hasBody)
	parsed.RemoteAddr = c.remoteAddr
	parsed.TLS = c.tls
	req = parsed.WithContext(&ex.ctx)
	clear(c.header)
	ex.w = response{c: c, req: req, header: c.header, contentLength: -1, http10: f.http10}
	return ex, req, true
}

// endRequest completes the response once the handler has returned, drains
// what it left of the body, and reports whether the connection can carry
// another request.
func (c *conn) endRequest(ex *exchange) bool {
	ex.ctx.cancel(context.Canceled)
	c.cr.abortPendingRead()
	if !ex.w.finish() {
		c.keepAlive.Store(false)
	}
	if ex.hasBody && c.keepAlive.Load() && !ex.body.drain() {
		c.keepAlive.Store(false)
	}
	// Pipelined requests whose header is already here are answered before
	// one flush. Anything less (a partial header, or none) may block the
	// next read, so the answer goes out now: waiting would stall it until
	// the header timeout.
	if !c.keepAlive.Load() || !headerComplete(c.br) {
		if c.flush() != nil {
			return false
		}
	} else {
		c.unflushed = true
	}
	return c.keepAlive.Load()
}

// flush sends what is buffered.
func (c *conn) flush() error {
	c.unflushed = false
	return c.bw.Flush()
}

// serveAsteriskOptions answers OPTIONS * (RFC 9112 §3.2.4, RFC 9110 §9.3.7),
// which asks about the server, not a resource.
func (c *conn) serveAsteriskOptions(w *response) {
	w.Header().Set("Allow", AsteriskAllow)
	w.WriteHeader(http.StatusNoContent)
}

// headerComplete reports whether a whole header section is already
// buffered.
func headerComplete(br *bufio.Reader) bool {
	p, _ := br.Peek(br.Buffered())
	return bytes.Contains(p, crlfcrlf)
}

var crlfcrlf = []byte("\r\n\r\n")

// runHandler calls the handler, turning a panic into a 500 (when nothing
// has been sent yet) and a closed connection.
func (c *conn) runHandler(w *response, req *http.Request) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		c.keepAlive.Store(false)
		if p != http.ErrAbortHandler {
			c.srv.logger().Error("http1: handler panic", "method", req.Method, "path", req.URL.Path,
				"remote", c.remoteAddr, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		if c.hijacked {
			return
		}
		if !w.committed {
			w.reset()
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "500 Internal Server Error\n")
		}
	}()
	c.srv.handler().ServeHTTP(w, req)
}

// writeRefusal answers a request refused before any handler saw it. The
// connection closes after it, since the message boundary is unknown.
func (c *conn) writeRefusal(pe *protocolError) {
	msg := strconv.Itoa(pe.status) + " " + http.StatusText(pe.status) + ": " + pe.rule + "\n"
	fmt.Fprintf(c.bw, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n%sContent-Length: %d\r\n\r\n%s",
		pe.status, http.StatusText(pe.status), dateLine(), len(msg), msg)
	c.bw.Flush()
}

// writeContinue sends 100 Continue when the handler first reads a body
// whose client asked for it (RFC 9110 §10.1.1).
func (c *conn) writeContinue() {
	c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	c.bw.Flush()
}

// bodyDone is called when the handler has read the whole body: from then
// on a read from the socket can tell whether the client went away.
func (c *conn) bodyDone() { c.cr.bodyRead() }

func (c *conn) close() {
	c.bw.Flush()
	c.rwc.Close()
	c.release()
	c.srv.forget(c, true)
}

func (c *conn) release() {
	c.br.Reset(nil)
	readerPool.Put(c.br)
	c.bw.Reset(nil)
	writerPool.Put(c.bw)
	c.br, c.bw = nil, nil
}
