package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// app is the whole server running in-process on a real socket.
type app struct {
	url  string
	data string
	stop func()
}

// startApp runs run() with args on a free port and a fresh data directory.
func startApp(t *testing.T, args ...string) *app {
	t.Helper()
	data := t.TempDir()
	return startAppIn(t, data, args...)
}

func startAppIn(t *testing.T, data string, args ...string) *app {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-data", data}, args...), func(string) string { return "" }, w, io.Discard)
		w.Close()
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("the app did not start: %v %v", err, <-done)
	}
	go io.Copy(io.Discard, r)
	a := &app{url: strings.TrimSpace(strings.TrimPrefix(line, "liveboard listening on ")), data: data}
	var stopped bool
	a.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(a.stop)
	return a
}

func (a *app) wsURL(board string) string {
	return "ws" + strings.TrimPrefix(a.url, "http") + "/ws?board=" + board
}

// wsClient is a test client speaking the protocol.
type wsClient struct {
	t    *testing.T
	c    *websocket.Conn
	ctx  context.Context
	you  string
	head int64
	// pending holds frames read past while waiting for an ack, for next.
	pending []protocol.ServerFrame
}

func dialWS(t *testing.T, a *app, board string, opts *websocket.DialOptions) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	if opts == nil && strings.HasPrefix(a.url, "https://") {
		opts = &websocket.DialOptions{HTTPClient: insecureClient}
	}
	c, _, err := websocket.Dial(ctx, a.wsURL(board), opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.SetReadLimit(protocol.MaxFrameBytes)
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, c: c, ctx: ctx}
}

// join dials, says hello, and reads up to synced, returning the catch-up.
func join(t *testing.T, a *app, board, token, name string, after *int64) (*wsClient, []protocol.ServerFrame) {
	t.Helper()
	cl := dialWS(t, a, board, nil)
	cl.send(protocol.ClientFrame{Type: protocol.TypeHello, Token: token, Name: name, After: after})
	w := cl.next()
	if w.Type != protocol.TypeWelcome {
		t.Fatalf("first frame %+v, want welcome", w)
	}
	cl.you, cl.head = w.You, w.Head
	var catchUp []protocol.ServerFrame
	for {
		f := cl.next()
		if f.Type == protocol.TypeSynced {
			if f.Head != w.Head {
				t.Fatalf("synced head %d, welcome head %d", f.Head, w.Head)
			}
			return cl, catchUp
		}
		catchUp = append(catchUp, f)
	}
}

func (cl *wsClient) send(f any) {
	cl.t.Helper()
	b, _ := json.Marshal(f)
	if err := cl.c.Write(cl.ctx, websocket.MessageText, b); err != nil {
		cl.t.Fatalf("write: %v", err)
	}
}

func (cl *wsClient) next() protocol.ServerFrame {
	cl.t.Helper()
	f, err := cl.read()
	if err != nil {
		cl.t.Fatalf("read: %v", err)
	}
	return f
}

func (cl *wsClient) read() (protocol.ServerFrame, error) {
	if len(cl.pending) > 0 {
		f := cl.pending[0]
		cl.pending = cl.pending[1:]
		return f, nil
	}
	_, b, err := cl.c.Read(cl.ctx)
	if err != nil {
		return protocol.ServerFrame{}, err
	}
	var f protocol.ServerFrame
	if err := json.Unmarshal(b, &f); err != nil {
		cl.t.Fatalf("bad frame %q: %v", b, err)
	}
	return f, nil
}

// until reads frames until one of type typ (skipping presence), failing on
// anything else unless skip lists it.
func (cl *wsClient) until(typ string, skip ...string) protocol.ServerFrame {
	cl.t.Helper()
	for {
		f := cl.next()
		if f.Type == typ {
			return f
		}
		if f.Type == protocol.TypePresence || contains(skip, f.Type) {
			continue
		}
		cl.t.Fatalf("got %+v while waiting for %s", f, typ)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// post sends a post and waits for its ack, returning the seq.
func (cl *wsClient) post(id, text string) int64 {
	cl.t.Helper()
	cl.send(protocol.ClientFrame{Type: protocol.TypePost, ID: id, Text: text})
	var skipped []protocol.ServerFrame
	defer func() { cl.pending = append(cl.pending, skipped...) }()
	for {
		f := cl.next()
		switch f.Type {
		case protocol.TypeAck:
			if f.ID != id {
				cl.t.Fatalf("ack for %q, want %q", f.ID, id)
			}
			return f.Seq
		case protocol.TypeError:
			cl.t.Fatalf("post %q: error %+v", id, f)
		default:
			skipped = append(skipped, f)
		}
	}
}

// closeStatus reads until the socket closes and returns the close code,
// -1 for a connection dropped without a close frame. It fails the test if
// the socket is still open when the test's deadline passes.
func (cl *wsClient) closeStatus() websocket.StatusCode {
	cl.t.Helper()
	for {
		if _, err := cl.read(); err != nil {
			if cl.ctx.Err() != nil {
				cl.t.Fatalf("the socket was never closed: %v", err)
			}
			return websocket.CloseStatus(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

const tokenA, tokenB, tokenC = "token-a-0123456789", "token-b-0123456789", "token-c-0123456789"

// apiMessages reads the board through the HTTP API.
func apiMessages(t *testing.T, a *app, board, query string) (page struct {
	Messages []protocol.ServerFrame `json:"messages"`
	Next     int64                  `json:"next"`
	Head     int64                  `json:"head"`
}) {
	t.Helper()
	resp, err := http.Get(a.url + "/api/boards/" + board + "/messages" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API: %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return page
}

// completeOnce adds a resumed reader's catch-up to the seqs it had, and
// checks that it ends with every one of posts, none twice.
func completeOnce(t *testing.T, got map[int64]bool, rest []protocol.ServerFrame, posts int) {
	t.Helper()
	for _, f := range rest {
		if f.Type == protocol.TypeMessage {
			if got[f.Seq] {
				t.Fatalf("seq %d delivered twice", f.Seq)
			}
			got[f.Seq] = true
		}
	}
	if len(got) != posts {
		t.Fatalf("after resuming, %d of %d posts", len(got), posts)
	}
}

// smallReadBuffer is a client whose sockets have a 64 KiB receive buffer,
// so that a reader that does not read falls behind sooner.
func smallReadBuffer() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(64 << 10)
		}
		return c, err
	}}}
}
