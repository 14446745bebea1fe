package client

import (
	"context"
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

	// Shown is what the page already shows, the server's pre-rendered
	// latest messages, and ShownMore whether older ones exist. The state
	// starts from them, so the first render matches the page; the
	// catch-up replaces them, and is reported at synced as one change.
	Shown     []protocol.Message
	ShownMore bool

	// Early is a WebSocket the page opened before the client started; the
	// first open takes it over when it is this client's (EarlySocket).
	Early EarlySocket
	// SaveHello keeps the hello a fresh client opens with, for the page to
	// send on its early socket next time. It is called by New and SetName.
	SaveHello func(hello []byte)

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

	// catchUp is the news of a link not yet synced, reported at synced.
	// Only Run's goroutine touches it.
	catchUp []protocol.ServerFrame

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
	for _, m := range cfg.Shown {
		c.st.Messages = append(c.st.Messages, Entry{Message: m})
	}
	c.st.More = cfg.ShownMore
	if cfg.Outbox != nil {
		c.st.Restore(cfg.Outbox.LoadOutbox(cfg.Board))
	}
	c.saveHello()
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
	c.saveHello()
}

// RetryNow drops the current link, even one that looks alive (a socket
// left half-open while the machine was offline), and dials at once.
func (c *Client) RetryNow() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
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
