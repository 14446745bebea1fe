package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// Route patterns of a board's page, /b/NAME. The server's is exact: any
// other path under /b/ is a 404 before a page or the Wasm is ever sent.
// The Wasm only needs the prefix (boardOf reads and checks the name):
// compiling the exact pattern, whose {1,64} expands to 64 states, took
// 20–25 ms of the Wasm's first task in a CPU profile of a page load, and
// the prefix takes a fifth of that.
const (
	boardPathExact  = "^/b/[a-z0-9_-]{1,64}$"
	boardPathPrefix = "^/b/"
)

// Routes registers the app's pages: / is the lobby, /b/NAME a board. The
// server and the Wasm both call it.
func Routes() {
	newBoard := func() app.Composer { return &Board{} }
	app.Route("/", newBoard)
	if app.IsServer {
		app.RouteWithRegexp(boardPathExact, newBoard)
	} else {
		app.RouteWithRegexp(boardPathPrefix, newBoard)
	}
}

// boardOf is the board a path shows.
func boardOf(path string) string {
	if len(path) > 3 && path[:3] == "/b/" && protocol.ValidBoard(path[3:]) {
		return path[3:]
	}
	return protocol.DefaultBoard
}

// Preload gives the server's pre-rendering the latest messages of a board
// and a fresh id for the form fallback. The server sets it; in the browser
// it stays nil.
var Preload func(board string) (msgs []protocol.Message, formID string)
