package ui

import (
	"context"
	"errors"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
)

// keyHello is where the client's hello is kept for the page's early
// socket (backend/webapp's earlySocket script reads it).
const keyHello = "liveboard.hello"

// wsOpen is WebSocket.OPEN, the readyState in which send works.
const wsOpen = 1

var errEarlyClosed = errors.New("ui: the early socket closed")

// earlySocket is the WebSocket the page opened before the Wasm ran
// (window.liveboardEarly), taken over for the client; its callbacks fill
// an inbox.
type earlySocket struct {
	ws    app.Value
	url   string
	hello []byte
	funcs []app.Func
	in    *inbox[[]byte]
	once  sync.Once
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
	s := &earlySocket{ws: e.Get("ws"), hello: []byte(e.Get("hello").String()), in: newInbox[[]byte]()}
	s.url = s.ws.Get("url").String()
	frames := e.Get("frames")
	for i := range frames.Length() {
		s.in.push([]byte(frames.Index(i).String()))
	}
	e.Set("frames", nil)
	onMessage := app.FuncOf(func(_ app.Value, args []app.Value) any {
		s.in.push([]byte(args[0].Get("data").String()))
		return nil
	})
	onEnd := app.FuncOf(func(app.Value, []app.Value) any {
		s.in.end()
		return nil
	})
	s.funcs = []app.Func{onMessage, onEnd}
	s.ws.Set("onmessage", onMessage)
	s.ws.Set("onclose", onEnd)
	s.ws.Set("onerror", onEnd)
	return s
}

func (s *earlySocket) URL() string   { return s.url }
func (s *earlySocket) Hello() []byte { return s.hello }

// Read returns the next message; what arrived before the socket closed
// is still read.
func (s *earlySocket) Read(ctx context.Context) ([]byte, error) {
	return s.in.next(ctx, errEarlyClosed)
}

// Write sends a text message; send would throw unless the socket is open.
func (s *earlySocket) Write(_ context.Context, b []byte) error {
	if s.in.isEnded() || s.ws.Get("readyState").Int() != wsOpen {
		return errEarlyClosed
	}
	s.ws.Call("send", string(b))
	return nil
}

// Close detaches the callbacks before releasing them: an event already
// queued then finds no handler, rather than a released Go function.
func (s *earlySocket) Close() {
	s.once.Do(func() {
		s.in.end()
		for _, ev := range []string{"onmessage", "onclose", "onerror"} {
			s.ws.Set(ev, nil)
		}
		s.ws.Call("close", 1000)
		for _, f := range s.funcs {
			f.Release()
		}
	})
}
