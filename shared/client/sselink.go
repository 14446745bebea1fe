package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"liveboard/shared/protocol"
)

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
		f, err := protocol.DecodeServerFrame([]byte(ev.Data))
		if err != nil {
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

// write sends one HTTP write and turns its answer into a frame, as the
// WebSocket would have sent it. A network error or a 5xx ends the link:
// the outbox resends once the client is back.
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
