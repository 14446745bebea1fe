package web

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"liveboard/backend/http1"
)

// AccessLog logs one line per request: method, path without the query
// (queries can carry names), status, bytes, duration and remote address.
// Never a header or a body: tokens and message text stay out of logs.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.finalStatus(),
			"bytes", rec.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
	})
}

// CountResponses reports each response's status to count (metrics):
// a handed-over connection (WebSocket, SSE) counts as 101.
func CountResponses(count func(status int), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		count(rec.finalStatus())
	})
}

// finalStatus is the status the handler sent.
func (r *recorder) finalStatus() int {
	switch {
	case r.hijacked:
		return http.StatusSwitchingProtocols
	case r.status == 0:
		return http.StatusOK
	}
	return r.status
}

// recorder counts what a handler writes. It keeps Flush, Hijack and
// ReadFrom (sendfile) of the writer under it.
type recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src) // sendfile, for our server's writer
	} else {
		n, err = io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
	}
	r.bytes += n
	return n, err
}

// WriteHeaderBlock keeps the static handler's precomputed head (see
// http1.HeaderBlockWriter) through the recorder; under a writer without
// it, the block's fields go to the header map instead.
func (r *recorder) WriteHeaderBlock(code int, block []byte, contentLength int64) {
	if r.status == 0 {
		r.status = code
	}
	if hb, ok := r.ResponseWriter.(http1.HeaderBlockWriter); ok {
		hb.WriteHeaderBlock(code, block, contentLength)
		return
	}
	http1.AddBlockFields(r.Header(), block)
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Flush() { http.NewResponseController(r.ResponseWriter).Flush() }

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.hijacked = true
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
