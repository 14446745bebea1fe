package client

import (
	"encoding/json"

	"liveboard/shared/protocol"
)

// saveHello hands SaveHello the hello of a client that has nothing yet:
// no after, so the early socket asks for the latest page, as this page's
// client will.
func (c *Client) saveHello() {
	if c.cfg.SaveHello == nil {
		return
	}
	c.mu.Lock()
	b, _ := json.Marshal(c.helloAfter(nil))
	c.mu.Unlock()
	c.cfg.SaveHello(b)
}

// hello is the frame that opens a WebSocket: with after once synced, so
// the server sends only what was missed.
func (c *Client) hello() protocol.ClientFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.helloAfter(c.resumeAfter())
}

// helloAfter is the hello frame. Called with c.mu held.
func (c *Client) helloAfter(after *int64) protocol.ClientFrame {
	return protocol.ClientFrame{Type: protocol.TypeHello, Token: c.cfg.Token, Name: c.cfg.Name, After: after}
}

// resumeAfter is the after of a hello or an SSE URL. Called with c.mu held.
func (c *Client) resumeAfter() *int64 {
	if c.st.Synced || c.st.LastSeq > 0 {
		after := c.st.LastSeq
		return &after
	}
	return nil
}
