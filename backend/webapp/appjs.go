package webapp

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
)

// appJSPatch is one change to go-app's loader (app.js): old must occur
// exactly once, and becomes new.
type appJSPatch struct{ old, new string }

// appJSPatches are what liveboard changes in go-app's loader.
var appJSPatches = []appJSPatch{
	// go-app hands instantiateStreaming a Response it builds from a
	// ReadableStream, to count progress. Such a Response has no URL, so
	// Chromium can neither stream-compile it from the cache nor keep the
	// compiled code: every visit compiles all of app.wasm again on the
	// main thread. The plain fetch's own Response is handed over instead.
	// The loader then shows no percentage (LoadingLabel has none), which
	// on a pre-rendered page nobody sees for long.
	{appJSProgressFetch, appJSPlainFetch},
	// go-app registers the service worker first thing, and on a first
	// visit its install caches every resource, app.wasm included, while
	// the page compiles and starts app.wasm: a first visit was online
	// 160 ms later with the worker than without (medians of 6 cold loads
	// each). The app starts it once the board is live (frontend/ui's
	// startWorker), or after workerFallbackMS if it never gets there.
	{appJSWorkerCall, appJSWorkerDeferred},
	// go-app starts Go in the task that finished compiling app.wasm; a
	// timer between them ends that task first, so the two are two shorter
	// tasks (Lighthouse counts each one's time past 50 ms as blocking).
	{appJSRun, appJSRunNextTask},
}

const (
	appJSProgressFetch = `fetchWithProgress("/web/app.wasm", showProgress)`
	appJSPlainFetch    = `fetch("/web/app.wasm")`

	appJSRun         = "\n    go.run(wasm.instance);\n"
	appJSRunNextTask = "\n    await new Promise((resolve) => setTimeout(resolve, 0));\n    go.run(wasm.instance);\n"

	appJSWorkerCall     = "\ngoappInitServiceWorker();\n"
	appJSWorkerDeferred = "\nvar liveboardStartWorker = (function () {\n" +
		"  var started = false;\n" +
		"  return function () { if (!started) { started = true; goappInitServiceWorker(); } };\n" +
		"})();\n" +
		"setTimeout(liveboardStartWorker, " + workerFallbackMS + ");\n"
)

// patchedAppJS renders go-app's app.js once and returns it patched. ok is
// false when go-app's text has changed and a patch no longer applies (a
// test checks they all do).
func patchedAppJS(h http.Handler) (js []byte, ok bool) {
	w := &bufferWriter{header: http.Header{}}
	h.ServeHTTP(w, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/app.js"}, Header: http.Header{}})
	s := w.body.String()
	if w.code != http.StatusOK {
		return nil, false
	}
	for _, p := range appJSPatches {
		if strings.Count(s, p.old) != 1 {
			return nil, false
		}
		s = strings.Replace(s, p.old, p.new, 1)
	}
	return []byte(s), true
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
