package main

import (
	"net/http"
	"os"
	"time"

	"liveboard/assets"
	"liveboard/backend/board"
	"liveboard/backend/health"
	"liveboard/backend/static"
	"liveboard/backend/web"
	"liveboard/backend/webapp"
)

// routes is every URL the server answers.
func routes(deps *web.Deps, sockets *web.Sockets, ready *health.Checker, metrics http.Handler) (http.Handler, error) {
	files, err := static.New(assets.Public(), static.Options{ModTime: buildTime()})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /web/", files)
	mux.Handle("GET /favicon.ico", files)
	mux.Handle("GET /robots.txt", files)
	pages := appPages(files, deps.Service)
	mux.Handle("GET /{$}", pages)
	mux.Handle("GET /b/{board}", pages)
	for _, p := range webapp.Paths {
		mux.Handle("GET "+p, pages)
	}
	mux.Handle("GET /ws", sockets)
	mux.Handle("POST "+webapp.CSPReportPath, webapp.CSPReports(deps.Logger))
	mux.Handle("GET /livez", health.Livez())
	mux.Handle("GET /readyz", ready.Readyz())
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}

	mux.Handle("GET /api/boards/{board}/events", web.Events(deps))

	api := web.NewAPI(deps)
	csrf := http.NewCrossOriginProtection() // refuses cross-origin writes (Sec-Fetch-Site, Origin)
	mux.HandleFunc("GET /api/boards/{board}/messages", api.List)
	mux.Handle("POST /api/boards/{board}/messages", csrf.Handler(http.HandlerFunc(api.Create)))
	mux.Handle("PATCH /api/boards/{board}/messages/{seq}", csrf.Handler(http.HandlerFunc(api.Edit)))
	mux.Handle("DELETE /api/boards/{board}/messages/{seq}", csrf.Handler(http.HandlerFunc(api.Delete)))
	mux.Handle("POST /b/{board}", csrf.Handler(web.FormPost(deps)))

	mux.Handle("/", files)
	return mux, nil
}

// appPages serves the board's pages and go-app's resources. Without a
// built app.wasm (a fresh clone) it says how to build it.
func appPages(files *static.Handler, svc *board.Service) http.Handler {
	version, size, ok := files.Stat("/web/app.wasm")
	if !ok {
		return http.HandlerFunc(notBuilt)
	}
	return webapp.New(webapp.Options{Version: version, WasmSize: size, Service: svc})
}

func notBuilt(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(`<!doctype html><html lang="en"><meta charset="utf-8"><title>liveboard: app not built</title>
<link rel="icon" href="/favicon.ico">
<h1>liveboard is running, but its app is not built</h1>
<p>This binary was built without <code>web/app.wasm</code>. Build it and start again with:</p>
<pre>go tool task run</pre>
<p>(or <code>go tool task build</code>, then run <code>bin/liveboard</code>).</p>
`))
}

// buildTime stands in for the modification time of embedded files, which
// embed.FS does not keep: the binary's own.
func buildTime() time.Time {
	exe, err := os.Executable()
	if err != nil {
		return time.Time{}
	}
	info, err := os.Stat(exe)
	if err != nil {
		return time.Time{}
	}
	return info.ModTime().Truncate(time.Second)
}
