package client

import (
	"time"

	"liveboard/shared/protocol"
)

// Post queues text as a new post and sends it when online. It returns the
// post's id; the post stays in the outbox until acked.
func (c *Client) Post(text string) (string, error) {
	return c.PostWithID(NewPostID(), text)
}

// PostWithID is Post with the caller's id (a resend from elsewhere).
func (c *Client) PostWithID(id, text string) (string, error) {
	n, err := c.PostAll([]OutboxItem{{ID: id, Text: text}})
	if n == 0 {
		return "", err
	}
	return id, nil
}

// PostAll queues several posts with one write of the outbox, in order. It
// stops at the first text that cannot be a post (ErrEmpty, ErrTooLong…)
// and returns how many it queued.
func (c *Client) PostAll(items []OutboxItem) (int, error) {
	c.mu.Lock()
	queued := make([]OutboxItem, 0, len(items))
	var err error
	for _, o := range items {
		if o.Text, err = protocol.NormalizeText(o.Text); err != nil {
			break
		}
		if o.Name == "" {
			o.Name = c.cfg.Name
		}
		c.st.Queue(o)
		queued = append(queued, o)
	}
	if len(queued) > 0 {
		c.saveOutbox() // before anything is sent: a crash then resends it
	}
	l := c.onlineLink()
	c.mu.Unlock()
	if l != nil {
		for _, o := range queued {
			l.post(o)
		}
	}
	if len(queued) > 0 {
		c.changed(nil)
	}
	return len(queued), err
}

// Edit asks to replace the text of one's message seq; it reports false
// when offline.
func (c *Client) Edit(seq int64, text string) bool {
	l := c.currentOnline()
	if l != nil {
		l.edit(seq, text)
	}
	return l != nil
}

// Delete asks to delete one's message seq; it reports false when offline.
func (c *Client) Delete(seq int64) bool {
	l := c.currentOnline()
	if l != nil {
		l.remove(seq)
	}
	return l != nil
}

// LoadOlder asks for the page before the oldest message shown.
func (c *Client) LoadOlder() bool {
	c.mu.Lock()
	before := c.st.Oldest()
	l := c.onlineLink()
	c.mu.Unlock()
	if l != nil {
		l.history(before)
	}
	return l != nil
}

func (c *Client) currentOnline() link {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.onlineLink()
}

// onlineLink is the link when synced on it. Called with c.mu held.
func (c *Client) onlineLink() link {
	if c.status != StatusOnline {
		return nil
	}
	return c.link
}

// saveOutbox writes the outbox now. Called with c.mu held.
func (c *Client) saveOutbox() {
	c.saveDue = false
	if c.cfg.Outbox != nil {
		c.cfg.Outbox.SaveOutbox(c.cfg.Board, append([]OutboxItem(nil), c.st.Outbox...))
	}
}

// outboxShrank schedules a write of the outbox after an ack or a refusal.
// Posts only leave it, so a write that comes late only resends posts the
// server already has, which it answers as repeats: one write per
// OutboxSaveDelay, not one per ack. Called with c.mu held.
func (c *Client) outboxShrank() {
	if c.cfg.Outbox == nil || c.saveDue {
		return
	}
	c.saveDue = true
	time.AfterFunc(OutboxSaveDelay, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.saveDue {
			c.saveOutbox()
		}
	})
}

// Flush writes the outbox now, as a program does before it exits.
func (c *Client) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.saveOutbox()
}

// Pending is how many posts wait in the outbox.
func (c *Client) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.st.Outbox)
}

// NewPostID makes a post id, in the order posts are written
// (protocol.NewID).
func NewPostID() string { return protocol.NewID("p-") }
