package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// localTime formats t in the browser's own locale and time zone, through
// JS Intl (Go's time.Local in Wasm is a fixed offset). The server's
// pre-render shows UTC until the app takes over.
func localTime(t time.Time) string {
	if app.IsServer {
		return t.UTC().Format("15:04") + " UTC"
	}
	d := app.Window().Get("Date").New(float64(t.UnixMilli()))
	return d.Call("toLocaleTimeString", app.Window().Get("undefined"), map[string]any{"hour": "2-digit", "minute": "2-digit"}).String()
}
