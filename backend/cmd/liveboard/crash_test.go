package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// TestKill9KeepsEveryAckedPost runs the real binary, posts from several
// clients, kills it with SIGKILL mid-stream, restarts it on the same data,
// and checks that every acked post is there exactly once, also after the
// clients resend what was not acked (as the app's outbox does).
func TestKill9KeepsEveryAckedPost(t *testing.T) {
	data := t.TempDir()
	p := start(t, nil, "-addr", "127.0.0.1:0", "-data", data, "-post-burst", "1000000")

	const clients = 4
	var mu sync.Mutex
	acked := map[string]int64{} // post id -> seq
	sent := map[string]bool{}
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			conn, _, err := websocket.Dial(ctx, "ws"+p.url[4:]+"/ws?board=crash", nil)
			if err != nil {
				return
			}
			defer conn.CloseNow()
			token := fmt.Sprintf("crash-client-token-%d", c)
			writeFrame(ctx, conn, protocol.ClientFrame{Type: protocol.TypeHello, Token: token})
			// A writer keeps up to 16 posts in flight; the reader records acks.
			window := make(chan struct{}, 16)
			go func() {
				for i := 0; ; i++ {
					select {
					case window <- struct{}{}:
					case <-ctx.Done():
						return
					}
					id := fmt.Sprintf("c%d-%d", c, i)
					mu.Lock()
					sent[id] = true
					mu.Unlock()
					if writeFrame(ctx, conn, protocol.ClientFrame{Type: protocol.TypePost, ID: id, Text: "crash " + id}) != nil {
						return
					}
				}
			}()
			for {
				_, b, err := conn.Read(ctx)
				if err != nil {
					return
				}
				var f protocol.ServerFrame
				json.Unmarshal(b, &f)
				if f.Type == protocol.TypeAck {
					mu.Lock()
					acked[f.ID] = f.Seq
					mu.Unlock()
					<-window
				}
			}
		}()
	}
	// Kill once a good number of posts are acked, while posting goes on.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 300 {
		t.Fatalf("only %d posts acked before the kill", len(acked))
	}
	if len(sent) <= len(acked) {
		t.Logf("every sent post was acked before the kill (%d)", len(sent))
	}

	q := start(t, nil, "-addr", "127.0.0.1:0", "-data", data, "-post-burst", "1000000")
	stored := allMessages(t, q.url, "crash")
	for id, seq := range acked {
		if got, ok := stored[id]; !ok || got != seq {
			t.Fatalf("acked post %s (seq %d) after restart: %d %v", id, seq, got, ok)
		}
	}

	// The clients resend what was never acked, with the same ids.
	for id := range sent {
		if _, ok := acked[id]; ok {
			continue
		}
		var c, i int
		fmt.Sscanf(id, "c%d-%d", &c, &i)
		body := fmt.Sprintf(`{"id":%q,"text":%q,"token":"crash-client-token-%d"}`, id, "crash "+id, c)
		resp, err := http.Post(q.url+"/api/boards/crash/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 && resp.StatusCode != 200 {
			t.Fatalf("resend %s: %d", id, resp.StatusCode)
		}
	}
	stored = allMessages(t, q.url, "crash")
	if len(stored) != len(sent) {
		t.Fatalf("%d posts stored for %d sent", len(stored), len(sent))
	}
	t.Logf("%d acked before SIGKILL, %d sent, all stored exactly once", len(acked), len(sent))
}

func writeFrame(ctx context.Context, c *websocket.Conn, f protocol.ClientFrame) error {
	b, _ := json.Marshal(f)
	return c.Write(ctx, websocket.MessageText, b)
}

// allMessages pages through the API and returns post id -> seq, failing
// on a repeated id.
func allMessages(t *testing.T, base, board string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for after := int64(0); ; {
		page := messagesAfter(t, base, board, after)
		if len(page.Messages) == 0 {
			return out
		}
		for _, m := range page.Messages {
			if _, dup := out[m.ID]; dup {
				t.Fatalf("post %s stored twice", m.ID)
			}
			out[m.ID] = m.Seq
		}
		after = page.Next
	}
}

// messagesAfter reads one page of the API. A node that refuses (5xx,
// as one does whose database connection was just cut) or cannot be
// reached is asked again, as a client would: a refused page read as
// an empty one ended the listing early, and an acked post looked lost.
// The deadline only bounds a broken server, not a slow machine.
func messagesAfter(t *testing.T, base, board string, after int64) (page struct {
	Messages []protocol.ServerFrame `json:"messages"`
	Next     int64                  `json:"next"`
}) {
	t.Helper()
	url := fmt.Sprintf("%s/api/boards/%s/messages?after=%d&limit=200", base, board, after)
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(url)
		if err == nil && resp.StatusCode < 500 {
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", url, resp.StatusCode)
			}
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			return page
		}
		if resp != nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: no answer for 2 minutes (%v)", url, err)
		}
	}
}
