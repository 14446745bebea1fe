//go:build js && wasm

// Command wasm is the browser app, built to assets/public/web/app.wasm.
// It imports only the ui package and the protocol: no server code.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/frontend/ui"
)

func main() {
	ui.ReadPreloaded() // before go-app replaces the page
	ui.Routes()
	ui.Boot() // the client starts in a task of its own
	ui.AwaitPaint()
	ui.AwaitBoot()
	app.RunWhenOnBrowser()
}
