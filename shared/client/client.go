package client

import (
	"context"
	crand "crypto/rand"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"liveboard/shared/protocol"
)

// Connection states, as the status element shows them.
const (
	StatusConnecting   = "connecting"
	StatusOnline       = "online"
	StatusReconnecting = "reconnecting"
)

// Config is one board's client. Base, Board, Token and Platform are
// required.
type Config struct {
	Base     string // http(s)://host[:port]
	Board    string
	Token    string // the secret; sent in hello and in HTTP bodies, never in a URL
	Name     string
	Platform Platform
	Outbox   OutboxStore // nil: the outbox lives in memory only

	// After, when set, is the seq the reader already has: the first hello
	// resumes from it instead of asking for the latest page.
	After *int64

	WelcomeTimeout time.Duration // default DefaultWelcomeTimeout
	WebSocketRetry time.Duration // default DefaultWebSocketRetry

	// OnChange is called after each change, on one of the client's
	// goroutines; the renderer reads State then. It must not block.
	OnChange func(Change)
}

// Change says what just happened.
type Change struct {
	Status    string
	Transport string
	// News are the frames just applied that the reader has not seen
	// before: new log events, acks, errors, presence.
	News []protocol.ServerFrame
}

// Client keeps one board's state and its connection. Make it with New and
// drive it with Run.
type Client struct {
	cfg    Config
	wsURL  string
	author string

	mu        sync.Mutex
	st        State
	status    string
	transport string
	link      link
	retrying  bool // a resend after rate_limited is scheduled
	saveDue   bool // an outbox write is scheduled

	wsFails   int  // failed /ws opens in a row
	onSSE     bool // the last choice was SSE
	lastWSTry time.Time
	kick      chan struct{} // RetryNow: drop the link and dial at once
}

// New checks cfg and makes a client with the stored outbox restored.
func New(cfg Config) (*Client, error) {
	if !protocol.ValidBoard(cfg.Board) {
		return nil, protocol.ErrBadBoard
	}
	if err := protocol.ValidToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.Platform == nil {
		return nil, errors.New("client: no platform")
	}
	wsURL, err := wsURLOf(cfg.Base, cfg.Board)
	if err != nil {
		return nil, err
	}
	if cfg.WelcomeTimeout <= 0 {
		cfg.WelcomeTimeout = DefaultWelcomeTimeout
	}
	if cfg.WebSocketRetry <= 0 {
		cfg.WebSocketRetry = DefaultWebSocketRetry
	}
	c := &Client{cfg: cfg, wsURL: wsURL, author: protocol.AuthorID(cfg.Token), status: StatusConnecting, kick: make(chan struct{}, 1)}
	c.st.You = c.author
	if cfg.After != nil {
		c.st.LastSeq, c.st.Synced = *cfg.After, true
	}
	if cfg.Outbox != nil {
		c.st.Restore(cfg.Outbox.LoadOutbox(cfg.Board))
	}
	return c, nil
}

// State is a copy of the board's state now.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st.Clone()
}

// Status is the connection state and the transport in use.
func (c *Client) Status() (status, transport string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.transport
}

// SetName is the name later posts carry.
func (c *Client) SetName(name string) {
	c.mu.Lock()
	c.cfg.Name = name
	c.mu.Unlock()
}

// RetryNow drops the current link, even one that looks alive (a socket
// left half-open while the machine was offline), and dials at once.
func (c *Client) RetryNow() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

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

func (c *Client) changed(news []protocol.ServerFrame) {
	if c.cfg.OnChange == nil {
		return
	}
	c.mu.Lock()
	ch := Change{Status: c.status, Transport: c.transport, News: news}
	c.mu.Unlock()
	c.cfg.OnChange(ch)
}

func (c *Client) setStatus(status, transport string) {
	c.mu.Lock()
	same := c.status == status && c.transport == transport
	c.status, c.transport = status, transport
	c.mu.Unlock()
	if !same {
		c.changed(nil)
	}
}

// Run keeps the board connected until ctx ends. RetryNow cuts a backoff,
// an attempt in flight or a live link short, and starts the backoff over:
// attempts that failed while the machine was offline say nothing about now.
func (c *Client) Run(ctx context.Context) {
	wait := BackoffMin
	for ctx.Err() == nil {
		l, welcome, err := c.connect(ctx)
		kicked := errors.Is(err, errKicked)
		if err == nil {
			wait = BackoffMin
			kicked = c.serve(ctx, l, welcome)
		}
		if ctx.Err() != nil {
			return
		}
		c.setStatus(StatusReconnecting, "")
		if kicked {
			wait = BackoffMin
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
			wait = BackoffMin
			continue
		case <-time.After(time.Duration(rand.Int64N(int64(wait)))):
		}
		wait = min(2*wait, BackoffMax)
	}
}

// hello is the frame that opens a WebSocket: with after once synced, so
// the server sends only what was missed.
func (c *Client) hello() protocol.ClientFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := protocol.ClientFrame{Type: protocol.TypeHello, Token: c.cfg.Token, Name: c.cfg.Name}
	h.After = c.resumeAfter()
	return h
}

// resumeAfter is the after of a hello or an SSE URL. Called with c.mu held.
func (c *Client) resumeAfter() *int64 {
	if c.st.Synced || c.st.LastSeq > 0 {
		after := c.st.LastSeq
		return &after
	}
	return nil
}

// Pending is how many posts wait in the outbox.
func (c *Client) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.st.Outbox)
}

// NewPostID makes a post id.
func NewPostID() string { return "p-" + crand.Text() }
