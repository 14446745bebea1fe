package static

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxCachedFileBytes is the largest file kept in memory; larger ones are
// opened per request, so that on disk they go out with sendfile.
const MaxCachedFileBytes = 1 << 20

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

// Options are the knobs of New.
type Options struct {
	// ModTime stands in for files without one (embed.FS has none): the
	// binary's build time, say.
	ModTime time.Time
	// NotFound answers paths with no file (default: a plain 404 page).
	NotFound http.Handler
}

// New indexes fsys. Only regular files are indexed: a symlink is skipped,
// so it can never lead out of the root. Files named name.br and name.gz
// beside name are served as its variants, never on their own.
func New(fsys fs.FS, opt Options) (*Handler, error) {
	h := &Handler{fsys: fsys, files: make(map[string]*file), dirs: map[string]bool{"": true}, notFound: opt.NotFound}
	if h.notFound == nil {
		h.notFound = http.HandlerFunc(notFound)
	}
	var names []string
	present := make(map[string]bool)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." {
				h.dirs[name] = true
			}
			return nil
		}
		if d.Type().IsRegular() {
			names = append(names, name)
			present[name] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: index: %w", err)
	}
	for _, name := range names {
		if isVariant(name, present) {
			continue
		}
		f, err := h.load(name, present, opt.ModTime)
		if err != nil {
			return nil, err
		}
		h.files[name] = f
	}
	return h, nil
}

func isVariant(name string, present map[string]bool) bool {
	for _, suffix := range variantSuffix {
		if base, ok := strings.CutSuffix(name, suffix); ok && present[base] {
			return true
		}
	}
	return false
}

func (h *Handler) load(name string, present map[string]bool, fallback time.Time) (*file, error) {
	info, err := fs.Stat(h.fsys, name)
	if err != nil {
		return nil, fmt.Errorf("static: stat %q: %w", name, err)
	}
	mod := info.ModTime()
	if mod.IsZero() {
		mod = fallback
	}
	f := &file{
		modtime: mod,
		ctype:   []string{contentType(name)},
		cache:   []string{cacheControl(name)},
	}
	if !mod.IsZero() {
		f.lastMod = []string{mod.UTC().Format(http.TimeFormat)}
	}
	if f.identity, err = h.represent(name, ""); err != nil {
		return nil, err
	}
	for _, coding := range codings {
		vname := name + variantSuffix[coding]
		if !present[vname] {
			continue
		}
		v, err := h.represent(vname, coding)
		if err != nil {
			return nil, err
		}
		if v.size < f.identity.size {
			f.variants = append(f.variants, v)
		}
	}
	f.identity.block = f.plainBlock(&f.identity)
	for i := range f.variants {
		f.variants[i].block = f.plainBlock(&f.variants[i])
	}
	return f, nil
}

// represent reads one encoding of a file to hash it, keeping the bytes
// when they are small.
func (h *Handler) represent(name, coding string) (representation, error) {
	r, err := h.fsys.Open(name)
	if err != nil {
		return representation{}, fmt.Errorf("static: open %q: %w", name, err)
	}
	defer r.Close()
	sum := sha256.New()
	var keep bytes.Buffer
	n, err := io.Copy(io.MultiWriter(sum, &limitedBuffer{&keep, MaxCachedFileBytes}), r)
	if err != nil {
		return representation{}, fmt.Errorf("static: read %q: %w", name, err)
	}
	tag := base64.RawURLEncoding.EncodeToString(sum.Sum(nil)[:12])
	if coding != "" {
		tag += "-" + coding // RFC 9110 §8.8.3: each encoding is its own representation
	}
	rep := representation{
		name:    name,
		coding:  coding,
		size:    n,
		etag:    []string{`"` + tag + `"`},
		clength: []string{strconv.FormatInt(n, 10)},
	}
	if coding != "" {
		rep.encoding = []string{coding}
	}
	if n <= MaxCachedFileBytes {
		rep.data = keep.Bytes()
	}
	return rep, nil
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max + 1 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
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

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	rep := &f.identity
	if len(f.variants) > 0 {
		if ae := r.Header.Get("Accept-Encoding"); ae != "" {
			for i := range f.variants {
				if accepts(ae, f.variants[i].coding) {
					rep = &f.variants[i]
					break
				}
			}
		}
	}
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

// isPlain reports a request that no precondition or range applies to.
func isPlain(r *http.Request) bool {
	for _, k := range [...]string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Range"} {
		if _, ok := r.Header[k]; ok {
			return false
		}
	}
	return true
}

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
