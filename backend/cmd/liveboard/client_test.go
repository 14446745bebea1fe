package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liveboard/shared/client"
	"liveboard/shared/client/nethttp"
	"liveboard/shared/protocol"
)

// gate is a proxy in front of the app that can block /ws the ways real
// proxies do, or cut everything.
type gate struct {
	srv   *httptest.Server
	ws    atomic.Value // "", "close", "silent", "html"
	down  atomic.Bool
	mu    sync.Mutex
	conns map[net.Conn]bool // hijacked ones too, which httptest forgets
}

func newGate(t *testing.T, a *app) *gate {
	t.Helper()
	target, _ := url.Parse(a.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	g := &gate{conns: map[net.Conn]bool{}}
	g.ws.Store("")
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode := g.ws.Load().(string)
		if g.down.Load() {
			mode = "close"
		} else if r.URL.Path != "/ws" {
			mode = ""
		}
		switch mode {
		case "close":
			c, _, _ := http.NewResponseController(w).Hijack()
			c.Close()
		case "silent": // accepts the connection and never answers
			c, _, _ := http.NewResponseController(w).Hijack()
			<-r.Context().Done()
			c.Close()
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>blocked by policy</html>"))
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	g.srv.Config.ConnState = func(c net.Conn, st http.ConnState) {
		g.mu.Lock()
		defer g.mu.Unlock()
		switch st {
		case http.StateNew:
			g.conns[c] = true
		case http.StateClosed:
			delete(g.conns, c)
		}
	}
	g.srv.Start()
	t.Cleanup(func() { g.srv.CloseClientConnections(); g.srv.Close() })
	return g
}

// cut drops every connection through the gate and refuses new ones.
func (g *gate) cut() {
	g.down.Store(true)
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.conns {
		c.Close()
	}
}

// watched is a client under test, with every change it reported.
type watched struct {
	*client.Client
	mu      sync.Mutex
	news    map[int64]int // log seqs reported as news, and how often
	changed chan struct{}
}

func startClient(t *testing.T, base string, token string) *watched {
	t.Helper()
	w := &watched{news: map[int64]int{}, changed: make(chan struct{}, 1)}
	c, err := client.New(client.Config{
		Base: base, Board: "lobby", Token: token, Name: "tester",
		Platform:       &nethttp.Platform{},
		WelcomeTimeout: 500 * time.Millisecond, WebSocketRetry: time.Second,
		OnChange: func(ch client.Change) {
			w.mu.Lock()
			for _, f := range ch.News {
				if protocol.IsLogEvent(f.Type) {
					w.news[f.Seq]++
				}
			}
			w.mu.Unlock()
			select {
			case w.changed <- struct{}{}:
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Client = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitFor waits for cond, woken by each change.
func (w *watched) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case <-w.changed:
		case <-time.After(50 * time.Millisecond): // time-driven changes (backoff) report nothing
		case <-deadline:
			st, tr := w.Status()
			t.Fatalf("never: %s (status %s on %q)", what, st, tr)
		}
	}
}

func (w *watched) on(t *testing.T, transport string) {
	t.Helper()
	w.waitFor(t, "online on "+transport, func() bool {
		st, tr := w.Status()
		return st == client.StatusOnline && tr == transport
	})
}

// repeated lists seqs reported as news more than once.
func (w *watched) repeated() []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []int64
	for seq, n := range w.news {
		if n > 1 {
			out = append(out, seq)
		}
	}
	return out
}

func (w *watched) hasText(text string) bool {
	for _, m := range w.State().Messages {
		if m.Text == text && !m.Pending {
			return true
		}
	}
	return false
}

// sameAsServer checks the client's messages against the HTTP API's.
func sameAsServer(t *testing.T, a *app, w *watched) {
	t.Helper()
	page := apiMessages(t, a, "lobby", "?after=0&limit=200")
	var want, got []string
	for _, m := range page.Messages {
		want = append(want, fmt.Sprintf("%d:%s", m.Seq, m.Text))
	}
	for _, m := range w.State().Messages {
		got = append(got, fmt.Sprintf("%d:%s", m.Seq, m.Text))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("client %v\nserver %v", got, want)
	}
}

// Blocked /ws, each way a proxy blocks it: the client goes online over SSE,
// posts and reads there, and moves back to WebSocket when /ws is allowed,
// with nothing lost and nothing repeated.
func TestClientFallsBackToSSEAndComesBack(t *testing.T) {
	for _, mode := range []string{"close", "silent", "html"} {
		t.Run(mode, func(t *testing.T) {
			a := startApp(t)
			g := newGate(t, a)
			g.ws.Store(mode)
			c := startClient(t, g.srv.URL, tokenA)
			c.on(t, client.TransportSSE)
			if _, err := c.Post("over SSE: 한국어"); err != nil {
				t.Fatal(err)
			}
			other, _ := join(t, a, "lobby", tokenB, "bob", nil)
			other.post("b1", "from a WebSocket reader")
			c.waitFor(t, "both posts", func() bool { return c.hasText("over SSE: 한국어") && c.hasText("from a WebSocket reader") })

			g.ws.Store("")
			c.on(t, client.TransportWebSocket)
			other.post("b2", "after the return")
			if _, err := c.Post("back on WebSocket"); err != nil {
				t.Fatal(err)
			}
			c.waitFor(t, "posts after the return", func() bool { return c.hasText("after the return") && c.hasText("back on WebSocket") })
			if r := c.repeated(); len(r) > 0 {
				t.Fatalf("seqs reported twice: %v", r)
			}
			sameAsServer(t, a, c)
		})
	}
}

// A post written while the link is cut waits in the outbox and is stored
// exactly once when the link is back.
func TestClientOutboxSendsOnceAfterACut(t *testing.T) {
	a := startApp(t)
	g := newGate(t, a)
	c := startClient(t, g.srv.URL, tokenA)
	c.on(t, client.TransportWebSocket)
	g.cut()
	c.waitFor(t, "the cut seen", func() bool { st, _ := c.Status(); return st != client.StatusOnline })
	if _, err := c.Post("written during the cut"); err != nil {
		t.Fatal(err)
	}
	if st := c.State(); len(st.Outbox) != 1 || !st.Messages[len(st.Messages)-1].Pending {
		t.Fatalf("not pending: %+v", st)
	}
	g.down.Store(false)
	c.waitFor(t, "the post stored", func() bool { return c.hasText("written during the cut") && len(c.State().Outbox) == 0 })
	page := apiMessages(t, a, "lobby", "?after=0")
	if len(page.Messages) != 1 || page.Messages[0].Text != "written during the cut" {
		t.Fatalf("server has %+v", page.Messages)
	}
}

// Posts over the rate stay in the outbox and go out when the server says
// they may: every one stored once.
func TestClientRetriesRateLimitedPosts(t *testing.T) {
	a := startApp(t, "-post-burst", "2", "-post-window", "2s")
	c := startClient(t, a.url, tokenA)
	c.on(t, client.TransportWebSocket)
	for i := 0; i < 5; i++ {
		if _, err := c.Post(fmt.Sprint("post ", i)); err != nil {
			t.Fatal(err)
		}
	}
	c.waitFor(t, "all five stored", func() bool { return len(c.State().Outbox) == 0 && c.hasText("post 4") })
	page := apiMessages(t, a, "lobby", "?after=0")
	seen := map[string]bool{}
	for _, m := range page.Messages {
		if seen[m.Text] {
			t.Fatalf("%q stored twice", m.Text)
		}
		seen[m.Text] = true
	}
	if len(page.Messages) != 5 {
		t.Fatalf("%d posts stored, want 5", len(page.Messages))
	}
}
