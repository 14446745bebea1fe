// Package webapp serves the go-app pages on the server side: the
// pre-rendered board and go-app's own resources (app.js, the service
// worker, the manifest). It wraps app.Handler where it falls short. The
// Wasm never imports it: a reference to app.Handler doubles app.wasm.
package webapp

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/backend/board"
	"liveboard/backend/web"
	"liveboard/frontend/ui"
	"liveboard/shared/protocol"
)

// Options say what the pages are built from.
type Options struct {
	// Version identifies the build (a hash of app.wasm): the service worker
	// and the loader use it to pick up a new deployment.
	Version string
	// WasmSize is app.wasm's uncompressed size, for the loader's progress
	// (the file is served compressed).
	WasmSize int64
	Service  *board.Service
}

// New returns the handler of the pages and of go-app's resources.
func New(opt Options) http.Handler {
	ui.Routes()
	ui.Preload = func(name string) ([]protocol.Message, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		page, err := opt.Service.Latest(ctx, name, protocol.DefaultPageLimit)
		msgs := page.Messages
		if err != nil {
			return nil, web.NewFormID()
		}
		out := make([]protocol.Message, len(msgs))
		for i, m := range msgs {
			out[i] = board.MessageFrame(m)
		}
		return out, web.NewFormID()
	}
	h := &app.Handler{
		Name:            "liveboard",
		ShortName:       "liveboard",
		Description:     "A real-time message board",
		Title:           "liveboard",
		Lang:            "en",
		ThemeColor:      "#1f4e8c",
		BackgroundColor: "#ffffff",
		LoadingLabel:    "loading", // no {progress}: see appjs.go
		Icon: app.Icon{ // all local: a default one points to the internet
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			SVG:      "/web/icon.svg",
			Maskable: "/web/icon-maskable-512.png",
		},
		Styles:                []string{"/web/app.css"},
		RawHeaders:            append([]string{wasmPreload}, inlineScripts...),
		Version:               opt.Version,
		WasmContentLength:     strconv.FormatInt(opt.WasmSize, 10),
		ServiceWorkerTemplate: serviceWorker,
	}
	p := &pages{app: h}
	if js, ok := patchedAppJS(h); ok {
		p.appJS = appJSHandler(js)
	}
	return p
}

// pages fixes what app.Handler does to pages: it answers 304 to any
// If-None-Match equal to its Version, which would show stale pre-rendered
// messages, and its Content-Type lacks a charset.
type pages struct {
	app   *app.Handler
	appJS http.Handler // go-app's loader, patched; nil if the patch failed
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/app.js" && p.appJS != nil {
		p.appJS.ServeHTTP(w, r)
		return
	}
	if isPage(r.URL.Path) {
		r.Header.Del("If-None-Match")
		setSecurityHeaders(w.Header(), r.TLS != nil)
		w = &charsetWriter{ResponseWriter: w}
	}
	p.app.ServeHTTP(w, r)
}

func isPage(path string) bool { return path == "/" || strings.HasPrefix(path, "/b/") }

// charsetWriter adds charset=utf-8 to an HTML Content-Type. go-app sets its
// Content-Type as it writes, so this acts at WriteHeader and Write.
type charsetWriter struct {
	http.ResponseWriter
	done bool
}

func (c *charsetWriter) fix() {
	if c.done {
		return
	}
	c.done = true
	h := c.Header()
	if ct := h.Get("Content-Type"); ct == "" || strings.HasPrefix(ct, "text/html") && !strings.Contains(ct, "charset") {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("Cache-Control", "no-cache")
	h.Del("Etag") // the page changes with every message
}

func (c *charsetWriter) WriteHeader(code int) { c.fix(); c.ResponseWriter.WriteHeader(code) }
func (c *charsetWriter) Write(b []byte) (int, error) {
	c.fix()
	return c.ResponseWriter.Write(b)
}
func (c *charsetWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Paths are go-app's own resources, served by New's handler besides pages.
var Paths = []string{"/app.js", "/app-worker.js", "/manifest.webmanifest", "/manifest.json", "/wasm_exec.js", "/app.css"}
