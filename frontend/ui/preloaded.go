package ui

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// preloadedID is the hidden element in which the pre-rendered page also
// carries its messages as JSON, for the Wasm's first render: go-app
// replaces the page's DOM when it starts (it does not hydrate), and
// without them that render would show an empty list until the catch-up.
const preloadedID = "preloaded"

// preloadedPage is that JSON.
type preloadedPage struct {
	Board    string             `json:"board"`
	Messages []protocol.Message `json:"messages"`
	More     bool               `json:"more"`
}

// preloadedText is the element's text, set by the server's OnNav. It is
// a text node: go-app escapes it, and the browser's textContent gives the
// JSON back exactly.
func (b *Board) preloadedText() string {
	if !app.IsServer {
		return ""
	}
	p := preloadedPage{Board: b.board, More: b.more, Messages: make([]protocol.Message, 0, len(b.msgs))}
	for _, e := range b.msgs {
		p.Messages = append(p.Messages, e.Message)
	}
	j, _ := json.Marshal(p)
	return string(j)
}

// preloaded is what the page carried, read once by ReadPreloaded.
var preloaded preloadedPage

// ReadPreloaded takes the pre-rendered page's messages before go-app
// replaces the DOM; frontend/wasm calls it first.
func ReadPreloaded() {
	el := app.Window().GetElementByID(preloadedID)
	if !el.Truthy() {
		return
	}
	json.Unmarshal([]byte(el.Get("textContent").String()), &preloaded)
}

// takePreloaded hands the page's messages to the first client of their
// board, once.
func takePreloaded(board string) ([]protocol.Message, bool) {
	p := preloaded
	preloaded = preloadedPage{}
	if p.Board != board {
		return nil, false
	}
	return p.Messages, p.More
}
