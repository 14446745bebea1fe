package ui

import (
	"sync"
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
	return clockFormat().Call("format", float64(t.UnixMilli())).String()
}

// clockFormat is one Intl.DateTimeFormat for every message: making one
// loads the locale's data, and Date.toLocaleTimeString with options makes
// one per call (about 5 ms each in a profile of the first render).
var clockFormat = sync.OnceValue(func() app.Value {
	opts := map[string]any{"hour": "2-digit", "minute": "2-digit"}
	return app.Window().Get("Intl").Get("DateTimeFormat").New(app.Window().Get("undefined"), opts)
})
