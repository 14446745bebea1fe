package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// Transport names, as the status element's data-transport shows them.
const (
	TransportWebSocket = "websocket"
	TransportSSE       = "sse"
)

// link is one open connection of either transport. Frames arrive on in,
// whether read from the wire or made from an HTTP answer, so the client
// applies them all in one place.
type link interface {
	transport() string
	frames() <-chan protocol.ServerFrame
	done() <-chan struct{} // closed when the link failed
	post(o OutboxItem)
	edit(seq int64, text string)
	remove(seq int64)
	history(before int64)
	ping()
	close()
}

// linkBase is what both links share: the frame channel and the end.
type linkBase struct {
	in      chan protocol.ServerFrame
	dead    chan struct{}
	endOnce sync.Once
	cancel  context.CancelFunc
}

func newLinkBase(cancel context.CancelFunc) linkBase {
	return linkBase{in: make(chan protocol.ServerFrame, 64), dead: make(chan struct{}), cancel: cancel}
}

func (b *linkBase) frames() <-chan protocol.ServerFrame { return b.in }
func (b *linkBase) done() <-chan struct{}               { return b.dead }

func (b *linkBase) end() {
	b.endOnce.Do(func() {
		close(b.dead)
		b.cancel()
	})
}

// push hands a frame to the client, unless the link is over.
func (b *linkBase) push(f protocol.ServerFrame) {
	select {
	case b.in <- f:
	case <-b.dead:
	}
}

// wsLink is a WebSocket.
type wsLink struct {
	linkBase
	c *websocket.Conn
}

// dialWebSocket opens /ws and says hello; frames flow from then on.
// There is no deadline on the dial: in Wasm a cancelled dial leaves a
// ghost socket, so a timer elsewhere gives up on it instead.
func dialWebSocket(ctx context.Context, wsURL string, hello protocol.ClientFrame) (*wsLink, error) {
	ctx, cancel := context.WithCancel(ctx)
	c, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	c.SetReadLimit(protocol.MaxFrameBytes)
	l := &wsLink{linkBase: newLinkBase(cancel), c: c}
	if err := l.send(hello); err != nil {
		l.close()
		return nil, err
	}
	go l.read(ctx)
	return l, nil
}

func (l *wsLink) transport() string { return TransportWebSocket }

func (l *wsLink) read(ctx context.Context) {
	defer l.end()
	for {
		_, b, err := l.c.Read(ctx)
		if err != nil {
			return
		}
		var f protocol.ServerFrame
		if json.Unmarshal(b, &f) == nil {
			l.push(f)
		}
	}
}

func (l *wsLink) send(f protocol.ClientFrame) error {
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
	defer cancel()
	err := l.c.Write(ctx, websocket.MessageText, b)
	if err != nil {
		l.end()
	}
	return err
}

func (l *wsLink) post(o OutboxItem) {
	l.send(protocol.ClientFrame{Type: protocol.TypePost, ID: o.ID, Text: o.Text, Name: o.Name})
}
func (l *wsLink) edit(seq int64, text string) {
	l.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: seq, Text: text})
}
func (l *wsLink) remove(seq int64) { l.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: seq}) }
func (l *wsLink) history(before int64) {
	l.send(protocol.ClientFrame{Type: protocol.TypeHistory, Before: before, Limit: protocol.DefaultPageLimit})
}
func (l *wsLink) ping() { l.send(protocol.ClientFrame{Type: protocol.TypePing}) }

// close ends the link without waiting: a frozen peer would make a close
// handshake wait. In Wasm only 1000 and 3000–4999 may be sent.
func (l *wsLink) close() {
	l.end()
	go l.c.Close(websocket.StatusNormalClosure, "")
}

// sseLink reads an event stream and writes through the HTTP API.
type sseLink struct {
	linkBase
	es       EventStream
	platform Platform
	api      string // …/api/boards/NAME
	token    string

	// HTTP writes go one at a time, in the order asked: one worker takes
	// them from this queue. (Goroutines taking turns on a mutex would not
	// keep the order: posts would be stored out of order.)
	wmu    sync.Mutex
	writes []func()
	wake   chan struct{}
}

func openSSE(ctx context.Context, p Platform, base, boardName string, after *int64, author, name string) (*sseLink, error) {
	ctx, cancel := context.WithCancel(ctx)
	q := url.Values{}
	if after != nil {
		q.Set("after", fmt.Sprint(*after))
	}
	if author != "" {
		q.Set("author", author)
	}
	if name != "" {
		q.Set("name", name)
	}
	api := base + "/api/boards/" + boardName
	u := api + "/events"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	es, err := p.OpenEvents(ctx, u)
	if err != nil {
		cancel()
		return nil, err
	}
	l := &sseLink{linkBase: newLinkBase(cancel), es: es, platform: p, api: api, wake: make(chan struct{}, 1)}
	go l.read(ctx)
	go l.writer()
	return l, nil
}

func (l *sseLink) transport() string { return TransportSSE }

func (l *sseLink) read(ctx context.Context) {
	defer l.end()
	for {
		ev, err := l.es.Next(ctx)
		if err != nil {
			return
		}
		var f protocol.ServerFrame
		if json.Unmarshal([]byte(ev.Data), &f) != nil {
			continue
		}
		if ev.Type == "ping" {
			f.Type = protocol.TypePong // a heartbeat: it only proves the link
		}
		l.push(f)
	}
}

func (l *sseLink) close() {
	l.end()
	l.es.Close()
}

// write sends one HTTP write and turns its answer into a frame, as the
// WebSocket would have sent it. A network error or a 5xx ends the link:
// the outbox resends once the client is back.
// enqueue hands a write to the worker.
func (l *sseLink) enqueue(f func()) {
	l.wmu.Lock()
	l.writes = append(l.writes, f)
	l.wmu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// writer runs the queued writes in order until the link ends.
func (l *sseLink) writer() {
	for {
		l.wmu.Lock()
		var next func()
		if len(l.writes) > 0 {
			next = l.writes[0]
			l.writes = l.writes[1:]
		}
		l.wmu.Unlock()
		if next != nil {
			next()
			continue
		}
		select {
		case <-l.wake:
		case <-l.dead:
			return
		}
	}
}

func (l *sseLink) write(method, path string, body any, ok func(seq int64) protocol.ServerFrame, id string) {
	l.enqueue(func() {
		select {
		case <-l.dead:
			return // the outbox resends on the next link
		default:
		}
		b, _ := json.Marshal(body)
		ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
		defer cancel()
		resp, err := l.platform.Do(ctx, method, l.api+path, b)
		if err != nil || resp.Status >= 500 {
			l.end()
			return
		}
		if resp.Status < 300 {
			var r struct{ Seq int64 }
			json.Unmarshal(resp.Body, &r)
			if f := ok(r.Seq); f.Type != "" {
				l.push(f)
			}
			return
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(resp.Body, &e)
		if e.Error.Code == "" {
			e.Error.Code, e.Error.Message = protocol.CodeBadRequest, fmt.Sprintf("HTTP %d", resp.Status)
		}
		f := protocol.ServerFrame{Type: protocol.TypeError, Code: e.Error.Code, Message: e.Error.Message, ID: id}
		if secs, err := strconv.Atoi(resp.RetryAfter); err == nil {
			f.RetryAfterMS = int64(secs) * 1000
		}
		l.push(f)
	})
}

func noFrame(int64) protocol.ServerFrame { return protocol.ServerFrame{} }

func (l *sseLink) post(o OutboxItem) {
	body := map[string]string{"id": o.ID, "text": o.Text, "name": o.Name, "token": l.token}
	l.write("POST", "/messages", body, func(seq int64) protocol.ServerFrame {
		return protocol.ServerFrame{Type: protocol.TypeAck, ID: o.ID, Seq: seq}
	}, o.ID)
}

func (l *sseLink) edit(seq int64, text string) {
	l.write("PATCH", fmt.Sprint("/messages/", seq), map[string]string{"text": text, "token": l.token}, noFrame, "")
}

func (l *sseLink) remove(seq int64) {
	l.write("DELETE", fmt.Sprint("/messages/", seq), map[string]string{"token": l.token}, noFrame, "")
}

// history reads a page with GET and hands it over as the WebSocket
// answer would come: the messages, then history_end.
func (l *sseLink) history(before int64) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
		defer cancel()
		resp, err := l.platform.Do(ctx, "GET", fmt.Sprintf("%s/messages?before=%d&limit=%d", l.api, before, protocol.DefaultPageLimit), nil)
		if err != nil || resp.Status != 200 {
			return
		}
		var page struct {
			Messages []protocol.ServerFrame
			More     bool
		}
		if json.Unmarshal(resp.Body, &page) != nil {
			return
		}
		for _, m := range page.Messages {
			m.Type = protocol.TypeMessage
			l.push(m)
		}
		l.push(protocol.ServerFrame{Type: protocol.TypeHistoryEnd, More: page.More})
	}()
}

func (l *sseLink) ping() {} // the server pings an SSE stream

// wsURLOf turns http(s)://host into ws(s)://host/ws?board=NAME.
func wsURLOf(base, boardName string) (string, error) {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + strings.TrimPrefix(base, "https://") + "/ws?board=" + boardName, nil
	case strings.HasPrefix(base, "http://"):
		return "ws://" + strings.TrimPrefix(base, "http://") + "/ws?board=" + boardName, nil
	}
	return "", errors.New("client: the base URL must be http:// or https://")
}
