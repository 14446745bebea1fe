package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/client"
	"liveboard/shared/client/nethttp"
	"liveboard/shared/protocol"
)

// seen is what one change showed: the status and how many messages.
type seen struct {
	status string
	msgs   int
}

// recordingClient runs a client on the lobby and records every change.
func recordingClient(t *testing.T, a *app, cfg client.Config) (*client.Client, func() []seen, <-chan struct{}) {
	t.Helper()
	var mu sync.Mutex
	var log []seen
	online := make(chan struct{})
	var once sync.Once
	var c *client.Client
	cfg.Base, cfg.Board, cfg.Platform = a.url, "lobby", &nethttp.Platform{}
	cfg.OnChange = func(ch client.Change) {
		n := len(c.State().Messages)
		mu.Lock()
		log = append(log, seen{ch.Status, n})
		mu.Unlock()
		if ch.Status == client.StatusOnline {
			once.Do(func() { close(online) })
		}
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return c, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), log...) }, online
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatal("never: " + what)
	}
}

// A catch-up is one change, at synced: a browser renders the page once,
// not once per message. No change shows part of it, even one longer than
// client.FramesPerChange (which bounds a batch once online).
func TestClientReportsTheCatchUpAsOneChange(t *testing.T) {
	const posts = client.FramesPerChange + 44
	a := startApp(t, "-post-burst", fmt.Sprint(posts))
	w, _ := join(t, a, "lobby", tokenB, "bob", nil)
	for i := range posts {
		w.post(fmt.Sprint("m", i), fmt.Sprint("message ", i))
	}
	zero := int64(0)
	_, changes, online := recordingClient(t, a, client.Config{Token: tokenA, After: &zero})
	waitClosed(t, online, "online")
	for _, ch := range changes() {
		if ch.status == client.StatusOnline {
			if ch.msgs != posts {
				t.Fatalf("first change online shows %d messages, want %d (%v)", ch.msgs, posts, changes())
			}
			return
		}
		if ch.msgs != 0 {
			t.Fatalf("a change before synced shows %d messages: %v", ch.msgs, changes())
		}
	}
}

// earlyConn is what a page's early socket is, made natively: a WebSocket
// dialled and greeted before the client exists.
type earlyConn struct {
	c      *websocket.Conn
	url    string
	hello  []byte
	writes atomic.Int32
	closed chan struct{}
	once   sync.Once
}

func dialEarly(t *testing.T, a *app, hello []byte) *earlyConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := a.wsURL("lobby")
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}
	return &earlyConn{c: c, url: url, hello: hello, closed: make(chan struct{})}
}

func (e *earlyConn) URL() string   { return e.url }
func (e *earlyConn) Hello() []byte { return e.hello }
func (e *earlyConn) Read(ctx context.Context) ([]byte, error) {
	_, b, err := e.c.Read(ctx)
	return b, err
}
func (e *earlyConn) Write(ctx context.Context, b []byte) error {
	e.writes.Add(1)
	return e.c.Write(ctx, websocket.MessageText, b)
}
func (e *earlyConn) Close() {
	e.once.Do(func() { close(e.closed); e.c.CloseNow() })
}

// savedHello is the hello a client with cfg stores for the early socket.
func savedHello(t *testing.T, cfg client.Config) []byte {
	t.Helper()
	var hello []byte
	cfg.Base, cfg.Board, cfg.Platform = "http://127.0.0.1", "lobby", &nethttp.Platform{}
	cfg.SaveHello = func(b []byte) { hello = b }
	if _, err := client.New(cfg); err != nil {
		t.Fatal(err)
	}
	return hello
}

// The client takes over a socket greeted with the hello it stored: it goes
// online on it and posts through it, and the socket stays open.
func TestClientAdoptsTheEarlySocket(t *testing.T) {
	a := startApp(t)
	cfg := client.Config{Token: tokenA, Name: "early"}
	early := dialEarly(t, a, savedHello(t, cfg))
	cfg.Early = early
	c, _, online := recordingClient(t, a, cfg)
	waitClosed(t, online, "online")
	if _, err := c.Post("through the early socket"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(apiMessages(t, a, "lobby", "?after=0").Messages) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the post was never stored")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if early.writes.Load() == 0 {
		t.Fatal("the post did not go through the early socket")
	}
	select {
	case <-early.closed:
		t.Fatal("the adopted socket was closed")
	default:
	}
}

// A socket greeted otherwise (the name changed since it was stored) is
// closed, and the client dials its own.
func TestClientClosesAnEarlySocketThatIsNotItsOwn(t *testing.T) {
	a := startApp(t)
	early := dialEarly(t, a, savedHello(t, client.Config{Token: tokenA, Name: "before"}))
	_, _, online := recordingClient(t, a, client.Config{Token: tokenA, Name: "after", Early: early})
	waitClosed(t, early.closed, "the early socket closed")
	waitClosed(t, online, "online on its own socket")
	if early.writes.Load() != 0 {
		t.Fatal("the client wrote to a socket it did not adopt")
	}
}

// The stored hello is the one a fresh client sends: no after, and it
// follows the name.
func TestClientSavesItsFreshHello(t *testing.T) {
	var saved []string
	cfg := client.Config{Base: "http://127.0.0.1", Board: "lobby", Token: tokenA, Name: "민지", Platform: &nethttp.Platform{}}
	cfg.SaveHello = func(b []byte) { saved = append(saved, string(b)) }
	after := int64(7)
	cfg.After = &after
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.SetName("jun")
	want := []string{
		`{"type":"hello","token":"` + tokenA + `","name":"민지"}`,
		`{"type":"hello","token":"` + tokenA + `","name":"jun"}`,
	}
	if fmt.Sprint(saved) != fmt.Sprint(want) {
		t.Fatalf("saved %q\nwant %q", saved, want)
	}
}

// A client given the page it was pre-rendered with starts from it, and
// the catch-up replaces it: what the server has, nothing of the shown
// page left over, in the one change at synced.
func TestClientStartsFromTheShownPageAndTheCatchUpReplacesIt(t *testing.T) {
	a := startApp(t)
	w, _ := join(t, a, "lobby", tokenB, "bob", nil)
	for i := range 3 {
		w.post(fmt.Sprint("s", i), fmt.Sprint("stored ", i))
	}
	shown := []protocol.Message{{Seq: 1, Text: "shown but stale"}, {Seq: 7, Text: "shown, since deleted"}}
	cfg := client.Config{Base: a.url, Board: "lobby", Token: tokenA, Platform: &nethttp.Platform{}, Shown: shown, ShownMore: true}
	before, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st := before.State(); len(st.Messages) != 2 || st.Messages[1].Text != "shown, since deleted" || !st.More || st.Synced {
		t.Fatalf("not started from the shown page: %+v", st)
	}
	c, changes, online := recordingClient(t, a, client.Config{Token: tokenA, Shown: shown})
	waitClosed(t, online, "online")
	if ch := changes(); len(ch) == 0 || ch[0].status != client.StatusOnline || ch[0].msgs != 3 {
		t.Fatalf("changes %v, want the first online with the 3 stored messages", ch)
	}
	var got []string
	for _, m := range c.State().Messages {
		got = append(got, m.Text)
	}
	if fmt.Sprint(got) != "[stored 0 stored 1 stored 2]" {
		t.Fatalf("after the catch-up: %q", got)
	}
}
