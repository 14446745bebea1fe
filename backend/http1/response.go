package http1

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// response is the http.ResponseWriter. Body bytes written before the
// header is committed are held (up to writeBufSize), so that a short
// response goes out with a Content-Length; past that it is chunked, unless
// the handler set Content-Length itself.
type response struct {
	c      *conn
	req    *http.Request
	header http.Header
	http10 bool

	status        int  // 0 until WriteHeader
	committed     bool // the header block is in the write buffer
	chunked       bool
	contentLength int64 // -1 when unknown
	written       int64 // body bytes taken from the handler
	pending       []byte
	done          bool
	hijacked      bool
	block         []byte // pre-serialized fields (WriteHeaderBlock)
}

// HeaderBlockWriter is an optional interface of this server's
// ResponseWriter, for a handler that sends the same response head many
// times (a static file): the fields go out pre-serialized, without a map
// filled and walked per request.
type HeaderBlockWriter interface {
	// WriteHeaderBlock is WriteHeader(code) with block sent after the
	// fields of Header(). block is complete, valid "Name: value\r\n"
	// lines, with Content-Length equal to contentLength, and without
	// Date, Connection or Transfer-Encoding (the server writes those).
	WriteHeaderBlock(code int, block []byte, contentLength int64)
}

var (
	_ HeaderBlockWriter = (*response)(nil)
	_ http.Flusher      = (*response)(nil)
	_ http.Hijacker     = (*response)(nil)
	_ io.ReaderFrom     = (*response)(nil)
)

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.hijacked || w.done {
		return
	}
	if code < 100 || code > 999 {
		panic("http1: invalid WriteHeader code " + strconv.Itoa(code))
	}
	if w.status != 0 {
		return // net/http logs "superfluous"; the first one stands
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// Informational: sent at once, the final status comes later.
		w.c.bw.WriteString(statusLine(code))
		w.writeFields()
		w.c.bw.WriteString("\r\n")
		w.c.bw.Flush()
		return
	}
	w.status = code
}

// AddBlockFields adds a header block's fields to h, for a wrapper whose
// writer has no WriteHeaderBlock.
func AddBlockFields(h http.Header, block []byte) {
	for line := range strings.SplitSeq(string(block), "\r\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			h.Add(k, v)
		}
	}
}

func (w *response) WriteHeaderBlock(code int, block []byte, contentLength int64) {
	if w.hijacked || w.done || w.status != 0 {
		return
	}
	w.WriteHeader(code)
	w.block, w.contentLength = block, contentLength
}

func (w *response) bodyAllowed() bool {
	return w.status >= 200 && w.status != http.StatusNoContent && w.status != http.StatusNotModified
}

func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	if w.contentLength >= 0 && w.written+int64(len(p)) > w.contentLength {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if w.req.Method == http.MethodHead {
		return len(p), nil
	}
	if !w.committed {
		if len(w.pending)+len(p) <= writeBufSize {
			if w.pending == nil {
				w.pending = w.c.pendingBuf()
			}
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		w.commit(false)
	}
	return w.writeBody(p)
}

func (w *response) WriteString(s string) (int, error) {
	// Small enough responses are copied once into pending; others once into bw.
	return w.Write(unsafeBytes(s))
}

func (w *response) writeBody(p []byte) (int, error) {
	if !w.chunked {
		return w.c.bw.Write(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	bw := w.c.bw
	bw.WriteString(strconv.FormatInt(int64(len(p)), 16))
	bw.WriteString("\r\n")
	n, err := bw.Write(p)
	bw.WriteString("\r\n")
	return n, err
}

// commit writes the status line and header fields, choosing the framing.
// final says the handler has returned, so pending is the whole body.
func (w *response) commit(final bool) {
	if w.committed {
		return
	}
	w.committed = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.header
	delete(h, "Transfer-Encoding") // the framing is ours to choose
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.contentLength = n
		} else {
			delete(h, "Content-Length")
		}
	}
	if hasToken(h["Connection"], "close") || w.c.srv.closing.Load() {
		w.c.keepAlive.Store(false)
	}
	bodyAllowed := w.bodyAllowed()
	if bodyAllowed && w.contentLength < 0 {
		switch {
		case final && (w.req.Method != http.MethodHead || w.written > 0):
			w.contentLength = w.written
			h["Content-Length"] = []string{strconv.FormatInt(w.written, 10)}
		case w.req.Method == http.MethodHead:
		case w.http10:
			w.c.keepAlive.Store(false) // the close delimits the body
		default:
			w.chunked = true
		}
	}
	if bodyAllowed && len(w.pending) > 0 && w.block == nil {
		if _, ok := h["Content-Type"]; !ok {
			h["Content-Type"] = []string{http.DetectContentType(w.pending)}
		}
	}
	if !settleBody(w.req) {
		w.c.keepAlive.Store(false) // an unread body past what drain will read
	}

	bw := w.c.bw
	bw.WriteString(statusLine(w.status))
	if _, ok := h["Date"]; !ok {
		bw.WriteString(dateLine())
	}
	w.writeFields()
	bw.Write(w.block)
	if w.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	if !w.c.keepAlive.Load() {
		if _, ok := h["Connection"]; !ok {
			bw.WriteString("Connection: close\r\n")
		}
	} else if w.http10 {
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
	if len(w.pending) > 0 {
		p := w.pending
		w.pending = p[:0]
		w.writeBody(p)
	}
}

// writeFields writes the handler's header fields. Names that are not
// tokens are dropped and line breaks in values become spaces, so that a
// handler echoing input cannot split the response.
func (w *response) writeFields() {
	bw := w.c.bw
	for k, vv := range w.header {
		if !isToken(k) {
			continue
		}
		for _, v := range vv {
			bw.WriteString(k)
			bw.WriteString(": ")
			if strings.ContainsAny(v, "\r\n") {
				v = newlineToSpace.Replace(v)
			}
			bw.WriteString(v)
			bw.WriteString("\r\n")
		}
	}
}

var newlineToSpace = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// finish completes the response after the handler returns. It reports
// whether the response was complete, so that the connection can be kept.
func (w *response) finish() bool {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.commit(true)
	w.done = true
	w.c.putPendingBuf(w.pending)
	w.pending = nil
	if w.chunked {
		w.c.bw.WriteString("0\r\n\r\n")
		return true
	}
	if w.req.Method == http.MethodHead || !w.bodyAllowed() {
		return true
	}
	return w.contentLength < 0 || w.written == w.contentLength
}

// reset forgets what a panicking handler left, before a 500.
func (w *response) reset() {
	w.header = make(http.Header)
	w.status, w.written, w.contentLength = 0, 0, -1
	w.pending = w.pending[:0]
}

// Flush sends what is buffered, committing the header if needed.
func (w *response) Flush() { w.FlushError() }

// FlushError is Flush with its error, as http.ResponseController wants.
func (w *response) FlushError() error {
	if w.hijacked || w.done {
		return nil
	}
	if !w.committed {
		if w.status == 0 {
			w.WriteHeader(http.StatusOK)
		}
		w.commit(false)
	}
	return w.c.bw.Flush()
}

// pendingBuf lends a buffer for a response's first bytes.
func (c *conn) pendingBuf() []byte {
	return pendingPool.Get().(*[writeBufSize]byte)[:0]
}

func (c *conn) putPendingBuf(b []byte) {
	if cap(b) == writeBufSize {
		pendingPool.Put((*[writeBufSize]byte)(b[:writeBufSize]))
	}
}

var pendingPool = sync.Pool{New: func() any { return new([writeBufSize]byte) }}

func hasToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.Trim(t, " \t"), token) {
				return true
			}
		}
	}
	return false
}
