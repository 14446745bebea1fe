package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// boardPathPattern is the server's route of a board's page, /b/NAME, with
// NAME as protocol.ValidBoard has it. Any other path is a 404 there, so
// no page (and no Wasm) is ever sent for it.
const boardPathPattern = "^/b/[a-z0-9_-]{1,64}$"

// Routes registers the app's pages: / is the lobby, /b/NAME a board. The
// server and the Wasm both call it.
//
// The Wasm routes exact paths instead: the page's own, and each board a
// link points at (boardLink). In CPU profiles of page loads, the regexp
// route cost the Wasm's first task 20–25 ms (and a prefix pattern still
// about 20: 14 to compile, 8 to match), since the regexp package runs
// for the first time there and V8 compiles each of its functions on that
// first call.
func Routes() {
	app.Route("/", newBoard)
	if app.IsServer {
		app.RouteWithRegexp(boardPathPattern, newBoard)
		return
	}
	routeBoard(app.Window().Get("location").Get("pathname").String())
}

// newBoard is the Board go-app mounts. In the browser, the first one is
// the Board whose client started ahead of go-app (boot.go).
func newBoard() app.Composer {
	if !app.IsServer {
		if b := takeBooted(); b != nil {
			return b
		}
	}
	return &Board{}
}

// routeBoard routes path in the browser when it is a board's page.
func routeBoard(path string) {
	if _, ok := boardName(path); ok {
		app.Route(path, newBoard)
	}
}

// boardLink is a link to a board's page. In the browser it routes that
// page too, so that go-app opens it in place (and Back returns to it).
func boardLink(name string) app.HTMLA {
	path := "/b/" + name
	if !app.IsServer {
		routeBoard(path)
	}
	return app.A().Href(path)
}

// boardOf is the board a path shows.
func boardOf(path string) string {
	if name, ok := boardName(path); ok {
		return name
	}
	return protocol.DefaultBoard
}

// boardName is the board of a board's page path, /b/NAME with a valid NAME.
func boardName(path string) (string, bool) {
	if len(path) > 3 && path[:3] == "/b/" && protocol.ValidBoard(path[3:]) {
		return path[3:], true
	}
	return "", false
}

// Preload gives the server's pre-rendering the latest messages of a board
// and a fresh id for the form fallback. The server sets it; in the browser
// it stays nil.
var Preload func(board string) (msgs []protocol.Message, formID string)
