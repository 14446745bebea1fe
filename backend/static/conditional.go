package static

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// serveConditional answers a request with a precondition or a range
// through http.ServeContent, which knows RFC 9110's rules for both.
func (h *Handler) serveConditional(w http.ResponseWriter, r *http.Request, f *file, rep *representation) {
	var content io.ReadSeeker
	if rep.data != nil {
		content = bytes.NewReader(rep.data)
	} else {
		fh, err := h.fsys.Open(rep.name)
		if err != nil {
			http.Error(w, "500 internal server error", http.StatusInternalServerError)
			return
		}
		defer fh.Close()
		rs, ok := fh.(io.ReadSeeker)
		if !ok {
			http.Error(w, "500 internal server error", http.StatusInternalServerError)
			return
		}
		content = rs
	}
	if rep.encoding != nil {
		// http.ServeContent leaves out Content-Length when Content-Encoding
		// is set; a full answer of a known size should carry it.
		w = &lengthKeeper{ResponseWriter: w, length: rep.clength}
	}
	dropForeignRange(r)
	http.ServeContent(w, r, "", f.modtime, content)
}

// dropForeignRange removes a Range in a unit other than bytes: RFC 9110
// §14.2 says to ignore it and send the whole file. (http.ServeContent
// would answer 416.) The request is ours to change: the handler owns it.
func dropForeignRange(r *http.Request) {
	v := r.Header.Get("Range")
	if v == "" {
		return
	}
	unit, _, _ := strings.Cut(v, "=")
	if !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		r.Header.Del("Range")
	}
}

var (
	varyAcceptEncoding = []string{"Accept-Encoding"}
	acceptRanges       = []string{"bytes"}
)

// lengthKeeper sets Content-Length on a 200 that lacks one.
type lengthKeeper struct {
	http.ResponseWriter
	length []string
	wrote  bool
}

func (l *lengthKeeper) WriteHeader(code int) {
	if l.wrote {
		return
	}
	l.wrote = true
	if h := l.Header(); code == http.StatusOK && h.Get("Content-Length") == "" {
		h["Content-Length"] = l.length
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *lengthKeeper) Write(p []byte) (int, error) {
	l.WriteHeader(http.StatusOK) // ignored after the first
	return l.ResponseWriter.Write(p)
}

func (l *lengthKeeper) ReadFrom(src io.Reader) (int64, error) {
	l.WriteHeader(http.StatusOK)
	return io.Copy(l.ResponseWriter, src)
}

func (l *lengthKeeper) Unwrap() http.ResponseWriter { return l.ResponseWriter }
