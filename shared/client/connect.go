package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"liveboard/shared/protocol"
)

// opened is a link that has said welcome, or why it did not.
type opened struct {
	l       link
	welcome protocol.ServerFrame
	err     error
}

var (
	errNoWelcome = errors.New("client: the link closed before welcome")
	errKicked    = errors.New("client: RetryNow")
)

// awaitWelcome waits for a link's first frame; anything but welcome, or an
// end before it, is a failed open.
func awaitWelcome(ctx context.Context, l link) opened {
	select {
	case f := <-l.frames():
		if f.Type == protocol.TypeWelcome {
			return opened{l: l, welcome: f}
		}
	case <-l.done():
	case <-ctx.Done():
	}
	l.close()
	return opened{err: errNoWelcome}
}

// openWebSocket dials /ws, or the first time takes over the page's early
// socket when it is this client's.
func (c *Client) openWebSocket(ctx context.Context) <-chan opened {
	out := make(chan opened, 1)
	hello := c.hello()
	if early := c.takeEarly(hello); early != nil {
		go func() { out <- awaitWelcome(ctx, adoptSocket(ctx, early)) }()
		return out
	}
	go func() {
		l, err := dialWebSocket(ctx, c.cfg.Platform, c.wsURL, hello)
		if err != nil {
			out <- opened{err: err}
			return
		}
		out <- awaitWelcome(ctx, l)
	}()
	return out
}

// takeEarly hands over Config.Early once: when it dialled this client's
// URL with exactly this hello; otherwise it closes it. Only Run's
// goroutine opens links, so cfg.Early needs no lock.
func (c *Client) takeEarly(hello protocol.ClientFrame) Socket {
	e := c.cfg.Early
	if e == nil {
		return nil
	}
	c.cfg.Early = nil
	b, _ := json.Marshal(hello)
	if e.URL() != c.wsURL || !bytes.Equal(e.Hello(), b) {
		go e.Close()
		return nil
	}
	return e
}

func (c *Client) openSSE(ctx context.Context) <-chan opened {
	out := make(chan opened, 1)
	c.mu.Lock()
	after, name := c.resumeAfter(), c.cfg.Name
	c.mu.Unlock()
	go func() {
		l, err := openSSE(ctx, c.cfg.Platform, c.cfg.Base, c.cfg.Board, after, c.author, name)
		if err != nil {
			out <- opened{err: err}
			return
		}
		l.token = c.cfg.Token
		out <- awaitWelcome(ctx, l)
	}()
	return out
}

// discard closes whatever a losing attempt opens later.
func discard(ch <-chan opened) {
	go func() {
		if o := <-ch; o.l != nil {
			o.l.close()
		}
	}()
}

// connect opens a link by the rules in doc.go and returns it with its
// welcome.
func (c *Client) connect(ctx context.Context) (link, protocol.ServerFrame, error) {
	if c.onSSE && time.Since(c.lastWSTry) < c.cfg.WebSocketRetry {
		return c.awaitSSE(c.openSSE(ctx))
	}
	c.lastWSTry = time.Now()
	ws := c.openWebSocket(ctx)
	timer := time.NewTimer(c.cfg.WelcomeTimeout)
	defer timer.Stop()
	select {
	case o := <-ws:
		if o.err == nil {
			c.wsFails, c.onSSE = 0, false
			return o.l, o.welcome, nil
		}
		if c.wsFails++; c.wsFails < FailuresBeforeFallback {
			return nil, protocol.ServerFrame{}, o.err
		}
		c.onSSE = true
		return c.awaitSSE(c.openSSE(ctx))
	case <-timer.C:
		return c.raceSSE(ctx, ws)
	case <-c.kick: // an attempt begun offline may hang: start afresh
		discard(ws)
		return nil, protocol.ServerFrame{}, errKicked
	case <-ctx.Done():
		discard(ws)
		return nil, protocol.ServerFrame{}, ctx.Err()
	}
}

// awaitSSE waits for an SSE link being opened, or RetryNow.
func (c *Client) awaitSSE(sse <-chan opened) (link, protocol.ServerFrame, error) {
	select {
	case o := <-sse:
		return o.l, o.welcome, o.err
	case <-c.kick:
		discard(sse)
		return nil, protocol.ServerFrame{}, errKicked
	}
}

// raceSSE follows a socket that opened but says nothing (a proxy
// swallowing the upgrade, or a busy server) with SSE beside it; the first
// welcome wins.
func (c *Client) raceSSE(ctx context.Context, ws <-chan opened) (link, protocol.ServerFrame, error) {
	sse := c.openSSE(ctx)
	for ws != nil || sse != nil {
		select {
		case o := <-ws:
			ws = nil
			if o.err == nil {
				if sse != nil {
					discard(sse)
				}
				c.wsFails, c.onSSE = 0, false
				return o.l, o.welcome, nil
			}
			c.wsFails++
		case o := <-sse:
			sse = nil
			if o.err == nil {
				if ws != nil {
					discard(ws)
				}
				c.onSSE = true
				return o.l, o.welcome, nil
			}
		case <-c.kick:
			if ws != nil {
				discard(ws)
			}
			if sse != nil {
				discard(sse)
			}
			return nil, protocol.ServerFrame{}, errKicked
		case <-ctx.Done():
			return nil, protocol.ServerFrame{}, ctx.Err()
		}
	}
	return nil, protocol.ServerFrame{}, errNoWelcome
}
