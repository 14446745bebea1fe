package webapp

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
)

// go-app's loader (app.js) hands instantiateStreaming a Response it builds
// from a ReadableStream, to count progress. Such a Response has no URL, so
// Chromium can neither stream-compile it from the cache nor keep the
// compiled code: every visit compiles all of app.wasm again on the main
// thread. appJSStreamed hands it fetch's own Response instead. The loader
// then shows no percentage (LoadingLabel has none), which on a pre-rendered
// page nobody sees for long.
const (
	appJSProgressFetch = `fetchWithProgress("/web/app.wasm", showProgress)`
	appJSPlainFetch    = `fetch("/web/app.wasm")`
)

// patchedAppJS renders go-app's app.js once and returns it with the
// plain fetch. ok is false when go-app's text has changed and the patch
// no longer applies (a test checks it does).
func patchedAppJS(h http.Handler) (js []byte, ok bool) {
	w := &bufferWriter{header: http.Header{}}
	h.ServeHTTP(w, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/app.js"}, Header: http.Header{}})
	s := w.body.String()
	if w.code != http.StatusOK || !strings.Contains(s, appJSProgressFetch) {
		return nil, false
	}
	return []byte(strings.Replace(s, appJSProgressFetch, appJSPlainFetch, 1)), true
}

// appJSHandler serves the patched loader; go-app's own serving of it sets
// the same two headers.
func appJSHandler(js []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		w.Write(js)
	})
}

// bufferWriter is a ResponseWriter into memory, for rendering go-app's
// resources at start-up.
type bufferWriter struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}
