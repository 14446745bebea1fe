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
		l.close() // the link serve ends on, after any move to WebSocket
		c.flushCatchUp()
	}()
	c.applyQueued(l, welcome)

	beat := time.NewTicker(protocol.HeartbeatInterval)
	defer beat.Stop()
	heard := time.Now()
	var up upgrade
	if l.transport() == TransportSSE {
		up.next = time.After(c.cfg.WebSocketRetry)
	}
	defer up.abandon()
	for {
		select {
		case f := <-l.frames():
			heard = time.Now()
			c.applyQueued(l, f)
		case <-l.done():
			c.applyRest(l)
			return false
		case <-beat.C:
			if time.Since(heard) > protocol.DeadAfter {
				return false
			}
			l.ping()
		case <-up.next:
			c.lastWSTry = time.Now()
			up.opening, up.late = c.openWebSocket(ctx), time.After(c.cfg.WelcomeTimeout)
		case <-up.late: // a socket that opens and says nothing: not yet
			up.abandon()
			up.next = time.After(c.cfg.WebSocketRetry)
		case o := <-up.opening:
			up.opening, up.late = nil, nil
			if o.err != nil {
				up.next = time.After(c.cfg.WebSocketRetry)
				continue
			}
			heard = time.Now()
			l = c.moveTo(l, o)
		case <-c.kick:
			return true
		case <-ctx.Done():
			return false
		}
	}
}

// upgrade is serve's attempt to leave SSE for WebSocket: when to try
// next, the socket being opened, and when its welcome is late.
type upgrade struct {
	next, late <-chan time.Time
	opening    <-chan opened
}

// abandon drops a socket still being opened.
func (u *upgrade) abandon() {
	if u.opening != nil {
		discard(u.opening)
	}
	u.opening, u.late = nil, nil
}

// moveTo makes the WebSocket an upgrade opened the link and closes the
// old one. Its hello resumed from LastSeq, so what SSE delivered
// meanwhile comes again and is not news.
func (c *Client) moveTo(old link, o opened) link {
	c.mu.Lock()
	c.link = o.l
	c.mu.Unlock()
	old.close()
	c.wsFails, c.onSSE = 0, false
	c.applyQueued(o.l, o.welcome)
	return o.l
}

// applyRest applies the frames an ended link had already read: they
// still count.
func (c *Client) applyRest(l link) {
	for {
		select {
		case f := <-l.frames():
			c.applyQueued(l, f)
		default:
			return
		}
	}
}

// applyQueued applies f and the frames the link already holds behind it,
// up to FramesPerChange, and reports them as one change. Until the link
// is synced it reports nothing: a catch-up is one change at synced, so a
// browser renders its page once, not once per message (each frame comes
// in its own event there, so batching what is queued is not enough).
func (c *Client) applyQueued(l link, f protocol.ServerFrame) {
	var news []protocol.ServerFrame
	news = c.apply(l, f, news)
drain:
	for range FramesPerChange - 1 {
		select {
		case f = <-l.frames():
			news = c.apply(l, f, news)
		default:
			break drain
		}
	}
	c.catchUp = append(c.catchUp, news...)
	if len(c.catchUp) == 0 || !c.isOnline() {
		return
	}
	news, c.catchUp = c.catchUp, nil
	c.changed(news)
}

// flushCatchUp reports what a link that ended before synced applied.
func (c *Client) flushCatchUp() {
	if news := c.catchUp; len(news) > 0 {
		c.catchUp = nil
		c.changed(news)
	}
}

func (c *Client) isOnline() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status == StatusOnline
}

// apply changes the state by one frame and acts on what it means: online
// at synced (the outbox goes out), a resend after rate_limited. It returns
// news with f added when f is news.
func (c *Client) apply(l link, f protocol.ServerFrame, news []protocol.ServerFrame) []protocol.ServerFrame {
	if f.Type == protocol.TypePong {
		return news
	}
	c.mu.Lock()
	isNews := c.st.Apply(f)
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
	if isNews {
		news = append(news, f)
	}
	return news
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
