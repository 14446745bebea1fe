package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// Routes registers the app's pages: / is the lobby, /b/NAME a board. The
// server and the Wasm both call it.
func Routes() {
	app.Route("/", func() app.Composer { return &Board{} })
	app.RouteWithRegexp("^/b/[a-z0-9_-]{1,64}$", func() app.Composer { return &Board{} })
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
