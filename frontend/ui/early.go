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
// (window.liveboardEarly), taken over for the client. Its callbacks run on
// the browser's event loop, where Go must not block: they append and
// signal, as eventSource's do.
type earlySocket struct {
	ws    app.Value
	url   string
	hello []byte
	funcs []app.Func

	mu     sync.Mutex
	queue  [][]byte
	closed bool
	wake   chan struct{}
	once   sync.Once
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
	s := &earlySocket{ws: e.Get("ws"), hello: []byte(e.Get("hello").String()), wake: make(chan struct{}, 1)}
	s.url = s.ws.Get("url").String()
	frames := e.Get("frames")
	for i := range frames.Length() {
		s.queue = append(s.queue, []byte(frames.Index(i).String()))
	}
	e.Set("frames", nil)
	onMessage := app.FuncOf(func(_ app.Value, args []app.Value) any {
		s.push([]byte(args[0].Get("data").String()))
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

func (s *earlySocket) URL() string   { return s.url }
func (s *earlySocket) Hello() []byte { return s.hello }

func (s *earlySocket) push(b []byte) {
	s.mu.Lock()
	s.queue = append(s.queue, b)
	s.mu.Unlock()
	s.signal()
}

func (s *earlySocket) end() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

func (s *earlySocket) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Read returns the next message; what arrived before the socket closed
// is still read.
func (s *earlySocket) Read(ctx context.Context) ([]byte, error) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			b := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			s.mu.Unlock()
			return b, nil
		}
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return nil, errEarlyClosed
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Write sends a text message; send would throw unless the socket is open.
func (s *earlySocket) Write(_ context.Context, b []byte) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed || s.ws.Get("readyState").Int() != wsOpen {
		return errEarlyClosed
	}
	s.ws.Call("send", string(b))
	return nil
}

// Close detaches the callbacks before releasing them: an event already
// queued then finds no handler, rather than a released Go function.
func (s *earlySocket) Close() {
	s.once.Do(func() {
		s.end()
		for _, ev := range []string{"onmessage", "onclose", "onerror"} {
			s.ws.Set(ev, nil)
		}
		s.ws.Call("close", 1000)
		for _, f := range s.funcs {
			f.Release()
		}
	})
}
