// Package nethttp is the client's Platform for native programs (the
// terminal client, tests): SSE and writes over net/http, WebSocket over
// coder/websocket. The browser has its own, over EventSource, fetch and
// WebSocket, so app.wasm never links net/http.
package nethttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/coder/websocket"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Platform uses an http.Client (http.DefaultClient when nil). Origin, when
// set, goes on writes, as a browser's would.
type Platform struct {
	HTTP   *http.Client
	Origin string
}

func (p *Platform) client() *http.Client {
	if p.HTTP != nil {
		return p.HTTP
	}
	return http.DefaultClient
}

// OpenEvents opens a streaming GET.
func (p *Platform) OpenEvents(ctx context.Context, url string) (client.EventStream, error) {
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := p.client().Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("nethttp: %s answered %s", url, resp.Status)
	}
	return &stream{r: client.NewEventReader(resp.Body), body: resp.Body, cancel: cancel}, nil
}

type stream struct {
	r      *client.EventReader
	body   io.Closer
	cancel context.CancelFunc
}

func (s *stream) Next(ctx context.Context) (client.Event, error) { return s.r.Next() }

func (s *stream) Close() {
	s.cancel()
	s.body.Close()
}

// Do sends one request with a JSON body.
func (p *Platform) Do(ctx context.Context, method, url string, body []byte) (client.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return client.Response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.Origin != "" {
		req.Header.Set("Origin", p.Origin)
	}
	resp, err := p.client().Do(req)
	if err != nil {
		return client.Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return client.Response{}, err
	}
	return client.Response{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: b}, nil
}

// DialWebSocket dials with coder/websocket, reading at most
// protocol.MaxFrameBytes a message.
func (p *Platform) DialWebSocket(ctx context.Context, url string) (client.Socket, error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(protocol.MaxFrameBytes)
	return coderSocket{c}, nil
}

// coderSocket is a coder/websocket connection as a client.Socket.
type coderSocket struct{ c *websocket.Conn }

func (s coderSocket) Read(ctx context.Context) ([]byte, error) {
	_, b, err := s.c.Read(ctx)
	return b, err
}

func (s coderSocket) Write(ctx context.Context, b []byte) error {
	return s.c.Write(ctx, websocket.MessageText, b)
}

func (s coderSocket) Close() { s.c.Close(websocket.StatusNormalClosure, "") }
