package ui

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// browser is the client's Platform in the page: EventSource and fetch,
// so app.wasm never links net/http's client.
type browser struct{}

// sseTypes are the event types EventSource is asked to hand over (it
// dispatches named events only to listeners of that name).
var sseTypes = []string{
	protocol.TypeWelcome, protocol.TypeSynced, protocol.TypeMessage, protocol.TypeEdited,
	protocol.TypeDeleted, protocol.TypeHistoryEnd, protocol.TypeAck, protocol.TypePresence,
	protocol.TypeError, protocol.TypePong, "ping",
}

var errStreamClosed = errors.New("ui: event stream closed")

// eventSource is an open EventSource; its callbacks fill an inbox.
type eventSource struct {
	es    app.Value
	funcs []app.Func
	in    *inbox[client.Event]
}

func (browser) OpenEvents(ctx context.Context, url string) (client.EventStream, error) {
	s := &eventSource{es: app.Window().Get("EventSource").New(url), in: newInbox[client.Event]()}
	for _, typ := range sseTypes {
		f := app.FuncOf(func(_ app.Value, args []app.Value) any {
			e := args[0]
			data := e.Get("data")
			if typ == protocol.TypeError && data.Type() != app.TypeString {
				s.fail() // EventSource's own error event, not our error frame
				return nil
			}
			s.in.push(client.Event{Type: typ, ID: e.Get("lastEventId").String(), Data: data.String()})
			return nil
		})
		s.es.Call("addEventListener", typ, f)
		s.funcs = append(s.funcs, f)
	}
	return s, nil
}

// fail ends the stream: the client's own reconnect resumes with after,
// rather than EventSource retrying behind its back.
func (s *eventSource) fail() {
	s.in.end()
	s.es.Call("close")
}

func (s *eventSource) Next(ctx context.Context) (client.Event, error) {
	return s.in.next(ctx, errStreamClosed)
}

func (s *eventSource) Close() {
	s.es.Call("close")
	for _, f := range s.funcs {
		f.Release()
	}
	s.funcs = nil
}

// Do sends one request with fetch, same-origin.
func (browser) Do(ctx context.Context, method, url string, body []byte) (client.Response, error) {
	init := map[string]any{"method": method, "credentials": "same-origin", "cache": "no-store"}
	if body != nil {
		init["body"] = string(body)
		init["headers"] = map[string]any{"Content-Type": "application/json"}
	}
	type result struct {
		resp client.Response
		err  error
	}
	done := make(chan result, 1)
	var funcs []app.Func
	fn := func(f func(app.Value)) app.Func {
		jf := app.FuncOf(func(_ app.Value, args []app.Value) any {
			f(args[0])
			return nil
		})
		funcs = append(funcs, jf)
		return jf
	}
	send := func(r result) {
		select {
		case done <- r:
		default:
		}
	}
	fail := fn(func(v app.Value) { send(result{err: errors.New("ui: fetch failed: " + v.String())}) })
	app.Window().Call("fetch", url, init).Call("then", fn(func(resp app.Value) {
		r := client.Response{Status: resp.Get("status").Int(), RetryAfter: resp.Get("headers").Call("get", "Retry-After").String()}
		if resp.Get("headers").Call("get", "Retry-After").IsNull() {
			r.RetryAfter = ""
		}
		resp.Call("text").Call("then", fn(func(text app.Value) {
			r.Body = []byte(text.String())
			send(result{resp: r})
		}), fail)
	}), fail)
	select {
	case r := <-done:
		for _, f := range funcs {
			f.Release()
		}
		return r.resp, r.err
	case <-ctx.Done():
		// The promise may still settle: its functions stay alive.
		return client.Response{}, ctx.Err()
	}
}

// outboxes keeps each board's unacked posts in local storage.
type outboxes struct{}

func (o outboxes) LoadOutbox(board string) []client.OutboxItem {
	var items []client.OutboxItem
	local.Get(keyOutbox+board, &items)
	return items
}

// An empty outbox is no key at all: go-app reads every key of local
// storage at each start, and a user posts to many boards.
func (o outboxes) SaveOutbox(board string, items []client.OutboxItem) {
	if len(items) == 0 {
		local.Del(keyOutbox + board)
		return
	}
	local.Set(keyOutbox+board, items)
}
