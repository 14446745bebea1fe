package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
)

// keyHello is where the client's hello is kept for the page's early
// socket (backend/webapp's earlySocket script reads it).
const keyHello = "liveboard.hello"

// earlySocket is the WebSocket the page opened before the Wasm ran
// (window.liveboardEarly), taken over for the client.
type earlySocket struct {
	*jsSocket
	url   string
	hello []byte
}

// takeEarlySocket claims the page's early socket, once: nil when there is
// none, or it has already closed (the client then dials as usual). The
// frames it queued are taken in the same turn of the event loop that
// moves its callbacks here, so none is lost or doubled.
func takeEarlySocket() client.EarlySocket {
	e := app.Window().Get("liveboardEarly")
	if !e.Truthy() || e.Get("taken").Bool() || e.Get("closed").Bool() {
		return nil
	}
	e.Set("taken", true)
	ws := e.Get("ws")
	s := &earlySocket{jsSocket: newJSSocket(ws), url: ws.Get("url").String(), hello: []byte(e.Get("hello").String())}
	frames := e.Get("frames")
	for i := range frames.Length() {
		s.in.push([]byte(frames.Index(i).String()))
	}
	e.Set("frames", nil)
	return s
}

func (s *earlySocket) URL() string   { return s.url }
func (s *earlySocket) Hello() []byte { return s.hello }
