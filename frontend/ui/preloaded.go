package ui

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// preloadedID is the hidden element in which the pre-rendered page also
// carries its messages, for the Wasm's first render: go-app replaces the
// page's DOM when it starts (it does not hydrate), and without them that
// render would show an empty list until the catch-up.
const preloadedID = "preloaded"

// preloadedPage is what that element carries.
type preloadedPage struct {
	Board    string
	Messages []protocol.Message
	More     bool
}

// renderPreloaded is that element. On the server its text is the
// messages as a JSON array of message frames, read with the protocol's
// frame decoder (protocol.DecodeServerFrames says why not encoding/json);
// a text node, which go-app escapes and the browser's textContent gives
// back exactly. The board and whether older messages exist are data
// attributes: a valid board name needs no quoting. In the browser it is
// empty.
func (b *Board) renderPreloaded() app.UI {
	el := app.Div().ID(preloadedID).Hidden(true)
	if !app.IsServer {
		return el
	}
	msgs := make([]protocol.Message, 0, len(b.msgs))
	for _, e := range b.msgs {
		msgs = append(msgs, e.Message)
	}
	j, _ := json.Marshal(msgs)
	return el.DataSet("board", b.board).DataSet("more", b.more).Text(string(j))
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
	frames, err := protocol.DecodeServerFrames([]byte(el.Get("textContent").String()))
	if err != nil {
		return
	}
	data := el.Get("dataset")
	preloaded = preloadedPage{Board: data.Get("board").String(), More: data.Get("more").String() == "true"}
	for i := range frames {
		preloaded.Messages = append(preloaded.Messages, frames[i].AsMessage())
	}
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
