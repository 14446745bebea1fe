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
