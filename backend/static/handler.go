package static

import (
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// Handler serves the files of an fs.FS. Make one with New.
type Handler struct {
	fsys     fs.FS
	files    map[string]*file // by slash path without the leading "/"
	dirs     map[string]bool
	notFound http.Handler
}

// representation is one encoding of a file: identity, br or gzip.
type representation struct {
	name     string // in fsys
	coding   string // "" for identity
	size     int64
	data     []byte // nil when larger than MaxCachedFileBytes
	etag     []string
	clength  []string
	encoding []string
	block    []byte // the head of a plain answer (block.go)
}

type file struct {
	modtime  time.Time
	ctype    []string
	cache    []string
	lastMod  []string
	identity representation
	variants []representation // best coding first
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanPath(r.URL.Path, r.URL.RawPath)
	if !ok {
		http.Error(w, "400 bad request: malformed path", http.StatusBadRequest)
		return
	}
	f := h.files[name]
	if f == nil && (name == "" || strings.HasSuffix(name, "/")) {
		f = h.files[name+"index.html"]
	} else if f == nil && h.dirs[name] {
		target := "/" + name + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if f == nil {
		h.notFound.ServeHTTP(w, r)
		return
	}
	h.serveFile(w, r, f)
}

// Stat returns the identity ETag (a hash of the content, without quotes)
// and size of the file at urlPath.
func (h *Handler) Stat(urlPath string) (etag string, size int64, ok bool) {
	name, ok := cleanPath(urlPath, "")
	if f := h.files[name]; ok && f != nil {
		return strings.Trim(f.identity.etag[0], `"`), f.identity.size, true
	}
	return "", 0, false
}

// serveFile answers a request for f: a plain GET or HEAD from the
// precomputed head, anything with a precondition or a range through
// http.ServeContent (conditional.go).
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	rep := f.pick(r.Header.Get("Accept-Encoding"))
	plain := isPlain(r)
	if hb, ok := blockWriter(w); ok && plain {
		hb.WriteHeaderBlock(http.StatusOK, rep.block, rep.size)
		h.writePlainBody(w, r, rep)
		return
	}
	hdr := w.Header()
	if len(f.variants) > 0 {
		hdr["Vary"] = varyAcceptEncoding
	}
	hdr["Content-Type"] = f.ctype
	hdr["Cache-Control"] = f.cache
	hdr["Etag"] = rep.etag
	if rep.encoding != nil {
		hdr["Content-Encoding"] = rep.encoding
	}
	if plain {
		// The common case, from precomputed headers.
		hdr["Accept-Ranges"] = acceptRanges
		hdr["Content-Length"] = rep.clength
		if f.lastMod != nil {
			hdr["Last-Modified"] = f.lastMod
		}
		h.writePlainBody(w, r, rep)
		return
	}
	h.serveConditional(w, r, f, rep)
}

// pick returns the best representation that acceptEncoding allows.
func (f *file) pick(acceptEncoding string) *representation {
	if acceptEncoding != "" {
		for i := range f.variants {
			if accepts(acceptEncoding, f.variants[i].coding) {
				return &f.variants[i]
			}
		}
	}
	return &f.identity
}

// writePlainBody sends rep whole, once the head is set.
func (h *Handler) writePlainBody(w http.ResponseWriter, r *http.Request, rep *representation) {
	if r.Method == http.MethodHead {
		return
	}
	if rep.data != nil {
		w.Write(rep.data)
		return
	}
	content, err := h.fsys.Open(rep.name)
	if err != nil {
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	defer content.Close()
	// Straight to ReadFrom: io.Copy would prefer *os.File's WriteTo,
	// which hides the file from the server and loses sendfile.
	if rf, ok := w.(io.ReaderFrom); ok {
		rf.ReadFrom(content)
	} else {
		io.Copy(w, content)
	}
}

// isPlain reports a request that no precondition or range applies to.
func isPlain(r *http.Request) bool {
	for _, k := range [...]string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Range"} {
		if _, ok := r.Header[k]; ok {
			return false
		}
	}
	return true
}
