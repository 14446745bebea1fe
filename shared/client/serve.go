package client

import (
	"context"
	"time"

	"liveboard/shared/protocol"
)

// serve applies a link's frames until it fails, goes silent, or RetryNow
// drops it (then it reports true). On SSE it tries WebSocket again every
// WebSocketRetry and moves over when it answers.
func (c *Client) serve(ctx context.Context, l link, welcome protocol.ServerFrame) (kicked bool) {
	c.mu.Lock()
	c.link = l
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.link = nil
		c.mu.Unlock()
		l.close()
	}()
	c.apply(l, welcome)

	beat := time.NewTicker(protocol.HeartbeatInterval)
	defer beat.Stop()
	heard := time.Now()
	var probe, probeLate <-chan time.Time
	var probing <-chan opened
	if l.transport() == TransportSSE {
		probe = time.After(c.cfg.WebSocketRetry)
	}
	for {
		select {
		case f := <-l.frames():
			heard = time.Now()
			c.apply(l, f)
		case <-l.done():
			if probing != nil {
				discard(probing)
			}
			for { // frames already read still count
				select {
				case f := <-l.frames():
					c.apply(l, f)
				default:
					return false
				}
			}
		case <-beat.C:
			if time.Since(heard) > protocol.DeadAfter {
				if probing != nil {
					discard(probing)
				}
				return false
			}
			l.ping()
		case <-probe:
			c.lastWSTry = time.Now()
			probing, probeLate = c.openWebSocket(ctx), time.After(c.cfg.WelcomeTimeout)
		case <-probeLate: // a socket that opens and says nothing: not yet
			discard(probing)
			probing, probeLate = nil, nil
			probe = time.After(c.cfg.WebSocketRetry)
		case o := <-probing:
			probing, probeLate = nil, nil
			if o.err != nil {
				probe = time.After(c.cfg.WebSocketRetry)
				continue
			}
			// Back on WebSocket: its hello resumed from LastSeq, so what
			// SSE delivered meanwhile comes again and is not news.
			c.mu.Lock()
			c.link = o.l
			c.mu.Unlock()
			l.close()
			l, probe = o.l, nil
			c.wsFails, c.onSSE = 0, false
			heard = time.Now()
			c.apply(l, o.welcome)
		case <-c.kick:
			if probing != nil {
				discard(probing)
			}
			return true
		case <-ctx.Done():
			if probing != nil {
				discard(probing)
			}
			return false
		}
	}
}

// apply changes the state by one frame and acts on what it means: online
// at synced (the outbox goes out), a resend after rate_limited.
func (c *Client) apply(l link, f protocol.ServerFrame) {
	if f.Type == protocol.TypePong {
		return
	}
	c.mu.Lock()
	news := c.st.Apply(f)
	var flush []OutboxItem
	switch f.Type {
	case protocol.TypeSynced:
		c.status, c.transport = StatusOnline, l.transport()
		flush = append(flush, c.st.Outbox...)
	case protocol.TypeAck:
		c.outboxShrank()
	case protocol.TypeError:
		c.outboxShrank()
		if f.Code == protocol.CodeRateLimited && !c.retrying {
			c.retrying = true
			wait := time.Duration(f.RetryAfterMS) * time.Millisecond
			if wait <= 0 {
				wait = RateRetry
			}
			time.AfterFunc(wait, c.resend)
		}
	}
	c.mu.Unlock()
	for _, o := range flush {
		l.post(o)
	}
	if news {
		c.changed([]protocol.ServerFrame{f})
	}
}

// resend sends the outbox again after a rate limit.
func (c *Client) resend() {
	c.mu.Lock()
	c.retrying = false
	l := c.onlineLink()
	items := append([]OutboxItem(nil), c.st.Outbox...)
	c.mu.Unlock()
	if l != nil {
		for _, o := range items {
			l.post(o)
		}
	}
}
