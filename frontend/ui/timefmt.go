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

// clockFormat is one Intl.DateTimeFormat for every message (making one
// loads the locale's data, and Date.toLocaleTimeString with options makes
// one per call). The page's script makes it, when the browser is first
// idle (backend/webapp's clockWarmup); without that script the locale's
// default time format stands in.
var clockFormat = sync.OnceValue(func() app.Value {
	if made := app.Window().Get("liveboardClock"); made.Type() == app.TypeFunction {
		return made.Invoke()
	}
	return app.Window().Get("Intl").Get("DateTimeFormat").New()
})
