package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
)

// wsOpen is WebSocket.OPEN, the readyState in which send works.
const wsOpen = 1

var (
	errSocketClosed = errors.New("ui: the WebSocket closed")
	errDialFailed   = errors.New("ui: the WebSocket did not open")
)

// jsSocket is a browser WebSocket as a client.Socket: its callbacks fill
// an inbox, and gone closes when it ends. The client's own dials are
// these (the browser's WebSocket, rather than coder/websocket's Wasm
// port, which brings net/http into app.wasm), and so is the page's early
// socket (early.go).
type jsSocket struct {
	ws    app.Value
	funcs []app.Func
	in    *inbox[[]byte]
	gone  chan struct{}
	ended sync.Once
	once  sync.Once
}

// newJSSocket takes ws's message, close and error callbacks over.
func newJSSocket(ws app.Value) *jsSocket {
	s := &jsSocket{ws: ws, in: newInbox[[]byte](), gone: make(chan struct{})}
	onMessage := app.FuncOf(func(_ app.Value, args []app.Value) any {
		s.in.push([]byte(args[0].Get("data").String()))
		return nil
	})
	onEnd := app.FuncOf(func(app.Value, []app.Value) any {
		s.end()
		return nil
	})
	s.funcs = []app.Func{onMessage, onEnd}
	s.ws.Set("onmessage", onMessage)
	s.ws.Set("onclose", onEnd)
	s.ws.Set("onerror", onEnd)
	return s
}

func (s *jsSocket) end() {
	s.ended.Do(func() {
		s.in.end()
		close(s.gone)
	})
}

// DialWebSocket opens a WebSocket and returns it once it is open; an
// error or a close before that, or ctx ending, is a failed dial.
func (browser) DialWebSocket(ctx context.Context, url string) (_ client.Socket, err error) {
	defer func() { // new WebSocket throws on a URL it refuses
		if p := recover(); p != nil {
			err = fmt.Errorf("ui: WebSocket %s: %v", url, p)
		}
	}()
	s := newJSSocket(app.Window().Get("WebSocket").New(url))
	opened := make(chan struct{})
	var once sync.Once
	onOpen := app.FuncOf(func(app.Value, []app.Value) any {
		once.Do(func() { close(opened) })
		return nil
	})
	s.funcs = append(s.funcs, onOpen)
	s.ws.Set("onopen", onOpen)
	select {
	case <-opened:
		return s, nil
	case <-s.gone:
		s.Close()
		return nil, errDialFailed
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	}
}

// Read returns the next message; what arrived before the socket closed
// is still read.
func (s *jsSocket) Read(ctx context.Context) ([]byte, error) {
	return s.in.next(ctx, errSocketClosed)
}

// Write sends a text message; send would throw unless the socket is open.
func (s *jsSocket) Write(_ context.Context, b []byte) error {
	if s.in.isEnded() || s.ws.Get("readyState").Int() != wsOpen {
		return errSocketClosed
	}
	s.ws.Call("send", string(b))
	return nil
}

// Close detaches the callbacks before releasing them: an event already
// queued then finds no handler, rather than a released Go function.
func (s *jsSocket) Close() {
	s.once.Do(func() {
		s.end()
		for _, ev := range []string{"onopen", "onmessage", "onclose", "onerror"} {
			s.ws.Set(ev, nil)
		}
		s.ws.Call("close", 1000)
		for _, f := range s.funcs {
			f.Release()
		}
	})
}
