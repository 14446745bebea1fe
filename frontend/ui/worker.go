package ui

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// startWorker has the loader register the service worker. The loader
// leaves it until the board is live, because its install caches app.wasm
// while the page starts it (backend/webapp's appJSPatches); it starts it
// by itself later if no page ever calls this.
var startWorker = sync.OnceFunc(func() {
	if start := app.Window().Get("liveboardStartWorker"); start.Type() == app.TypeFunction {
		start.Invoke()
	}
})
