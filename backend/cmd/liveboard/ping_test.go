package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// The server pings an idle socket and takes the pongs off the wire itself
// (so that an idle reader parks on a small stack): a client that answers
// stays through several pings (each answered within the timeout, or it would be dropped) and still gets posts; one that never reads, so
// never answers, is dropped once -ping-timeout passes.
func TestPingKeepsAnsweringClientsAndDropsSilentOnes(t *testing.T) {
	a := startApp(t, "-ping-interval", "100ms", "-ping-timeout", "300ms")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var pinged atomic.Int32
	pingedThrice := make(chan struct{})
	answering, _, err := websocket.Dial(ctx, a.wsURL("lobby"), &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			if pinged.Add(1) == 3 {
				close(pingedThrice)
			}
			return true // coder/websocket answers with a pong
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer answering.CloseNow()
	frames := make(chan protocol.ServerFrame, 64)
	hello(t, ctx, answering, tokenA)
	go func() {
		for {
			_, b, err := answering.Read(ctx)
			if err != nil {
				close(frames)
				return
			}
			var f protocol.ServerFrame
			json.Unmarshal(b, &f)
			frames <- f
		}
	}()

	// The silent client speaks WebSocket by hand and never answers a
	// ping. The server drops the socket: reading then ends.
	silent := rawWebSocket(t, a, "lobby")
	silent.Write(maskedText(`{"type":"hello","token":"` + tokenB + `"}`))
	silent.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.ReadAll(silent)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the silent client was never dropped")
	}
	if !bytes.Contains(got, []byte{0x89, 0x00}) {
		t.Fatalf("the silent client was dropped without a ping: %q", got)
	}

	select {
	case <-pingedThrice:
	case <-ctx.Done():
		t.Fatalf("the answering client got %d pings", pinged.Load())
	}
	// What follows the pongs on the wire is still read frame by frame: an
	// application ping is answered, and a post reaches the client.
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePing})
	if err := answering.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	poster, _ := join(t, a, "lobby", tokenB, "bob", nil)
	poster.post("p1", "after three pings")
	ponged := false
	for f := range frames {
		ponged = ponged || f.Type == protocol.TypePong
		if f.Type == protocol.TypeMessage && f.Text == "after three pings" {
			if !ponged {
				t.Fatal("the application ping sent after the pongs was not answered")
			}
			return
		}
	}
	t.Fatal("the answering client was dropped")
}

// rawWebSocket opens /ws with a handshake of its own and returns the
// socket past the 101.
func rawWebSocket(t *testing.T, a *app, board string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(a.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET /ws?board=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", board, strings.TrimPrefix(a.url, "http://"))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols || br.Buffered() > 0 {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return c
}

// maskedText is a client's text frame (RFC 6455 §5.3: clients mask).
func maskedText(s string) []byte {
	key := [4]byte{1, 2, 3, 4}
	b := []byte{0x81, 0x80 | byte(len(s)), key[0], key[1], key[2], key[3]}
	for i := range len(s) {
		b = append(b, s[i]^key[i%4])
	}
	return b
}

func hello(t *testing.T, ctx context.Context, c *websocket.Conn, token string) {
	t.Helper()
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: token})
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}
