package static

import "net/http"

// headerBlockWriter is http1.HeaderBlockWriter, named here so that the
// handler serves on any server. Where the ResponseWriter has it and no
// field was set before, a plain answer's head goes out pre-serialized:
// the map path fills and walks eight fields per request.
type headerBlockWriter interface {
	WriteHeaderBlock(code int, block []byte, contentLength int64)
}

// blockWriter returns w's headerBlockWriter when the block may be used.
func blockWriter(w http.ResponseWriter) (headerBlockWriter, bool) {
	hb, ok := w.(headerBlockWriter)
	return hb, ok && len(w.Header()) == 0
}

// plainBlock serializes, once, the fields serveFile's map path sets on a
// plain answer (no precondition, no range) with rep.
func (f *file) plainBlock(rep *representation) []byte {
	var b []byte
	field := func(name string, v []string) {
		if v != nil {
			b = append(append(append(append(b, name...), ": "...), v[0]...), "\r\n"...)
		}
	}
	if len(f.variants) > 0 {
		field("Vary", varyAcceptEncoding)
	}
	field("Content-Type", f.ctype)
	field("Cache-Control", f.cache)
	field("Etag", rep.etag)
	field("Content-Encoding", rep.encoding)
	field("Accept-Ranges", acceptRanges)
	field("Content-Length", rep.clength)
	field("Last-Modified", f.lastMod)
	return b
}

// The default 404, as notFound's map path (http.Error) writes it.
var (
	notFoundBody  = []byte("404 page not found\n")
	notFoundBlock = []byte("Cache-Control: no-cache\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"X-Content-Type-Options: nosniff\r\nContent-Length: 19\r\n")
)

func notFound(w http.ResponseWriter, _ *http.Request) {
	if hb, ok := blockWriter(w); ok {
		hb.WriteHeaderBlock(http.StatusNotFound, notFoundBlock, int64(len(notFoundBody)))
		w.Write(notFoundBody)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.Error(w, "404 page not found", http.StatusNotFound)
}
