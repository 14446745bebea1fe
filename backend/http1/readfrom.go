package http1

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// ReadFrom sends src. When the length is known and src is a file, the
// bytes go from the file to the socket with sendfile.
func (w *response) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed && (w.contentLength >= 0 || w.header.Get("Content-Length") != "") && w.req.Method != http.MethodHead {
		w.commit(false)
	}
	tcp, isTCP := w.c.rwc.(*net.TCPConn)
	if !w.committed || w.chunked || !isTCP || !w.bodyAllowed() {
		buf := copyBufPool.Get().(*[]byte)
		defer copyBufPool.Put(buf)
		return io.CopyBuffer(writerOnly{w}, src, *buf)
	}
	if err := w.c.bw.Flush(); err != nil {
		return 0, err
	}
	// Send in pieces, each under a fresh write deadline.
	inner, limit := src, int64(-1)
	if lr, ok := src.(*io.LimitedReader); ok {
		inner, limit = lr.R, lr.N
	}
	var total int64
	for limit != 0 {
		n := int64(sendfileChunk)
		if limit > 0 {
			n = min(n, limit)
		}
		if w.contentLength >= 0 {
			n = min(n, w.contentLength-w.written)
		}
		w.c.rwc.SetWriteDeadline(time.Now().Add(w.c.srv.writeTimeout()))
		m, err := tcp.ReadFrom(&io.LimitedReader{R: inner, N: n})
		total += m
		w.written += m
		if limit > 0 {
			limit -= m
		}
		if err != nil {
			return total, err
		}
		if m < n || (w.contentLength >= 0 && w.written >= w.contentLength) {
			break
		}
	}
	w.c.writeRefresh = time.Time{}
	if lr, ok := src.(*io.LimitedReader); ok {
		lr.N -= total
	}
	return total, nil
}

type writerOnly struct{ io.Writer }

var copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
