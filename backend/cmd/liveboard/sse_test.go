package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// sseReader is a test reader of /api/boards/NAME/events.
type sseReader struct {
	t    *testing.T
	resp *http.Response
	r    *client.EventReader
	ids  []string // the id field of each log event read
}

func openEvents(t *testing.T, a *app, board, query string, header ...string) *sseReader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", a.url+"/api/boards/"+board+"/events"+query, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("events: %s", resp.Status)
	}
	return &sseReader{t: t, resp: resp, r: client.NewEventReader(resp.Body)}
}

func (s *sseReader) next() protocol.ServerFrame {
	s.t.Helper()
	ev, err := s.r.Next()
	if err != nil {
		s.t.Fatalf("event stream: %v", err)
	}
	var f protocol.ServerFrame
	if err := json.Unmarshal([]byte(ev.Data), &f); err != nil {
		s.t.Fatalf("event data %q: %v", ev.Data, err)
	}
	if ev.Type == "ping" && f.Type == protocol.TypePong {
		return f // the heartbeat
	}
	if ev.Type != f.Type {
		s.t.Fatalf("event %q carries a %q frame", ev.Type, f.Type)
	}
	if protocol.IsLogEvent(f.Type) {
		if ev.ID != fmt.Sprint(f.Seq) {
			s.t.Fatalf("%s frame seq %d has id %q", f.Type, f.Seq, ev.ID)
		}
		s.ids = append(s.ids, ev.ID)
	} else if ev.ID != "" {
		s.t.Fatalf("a %s frame has an id", f.Type)
	}
	return f
}

// until reads up to a frame of type typ, skipping presence.
func (s *sseReader) until(typ string) protocol.ServerFrame {
	s.t.Helper()
	for {
		f := s.next()
		if f.Type == typ {
			return f
		}
		if f.Type != protocol.TypePresence && f.Type != protocol.TypePong {
			s.t.Fatalf("got %+v while waiting for %s", f, typ)
		}
	}
}

// catchUp reads welcome … synced and returns what came between.
func (s *sseReader) catchUp() (protocol.ServerFrame, []protocol.ServerFrame) {
	s.t.Helper()
	w := s.next()
	if w.Type != protocol.TypeWelcome {
		s.t.Fatalf("first frame %+v, want welcome", w)
	}
	var got []protocol.ServerFrame
	for {
		f := s.next()
		if f.Type == protocol.TypeSynced {
			return w, got
		}
		got = append(got, f)
	}
}

// apiWrite sends a JSON write and returns the status and the decoded body.
func apiWrite(t *testing.T, a *app, method, path string, body any, header ...string) (int, http.Header, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, a.url+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func apiPost(t *testing.T, a *app, board, token, id, text string) int64 {
	t.Helper()
	status, _, out := apiWrite(t, a, "POST", "/api/boards/"+board+"/messages", map[string]string{"id": id, "text": text, "token": token, "name": "api"})
	if status != 201 && status != 200 {
		t.Fatalf("post %q: %d %v", id, status, out)
	}
	return int64(out["seq"].(float64))
}

func TestSSEStreamHasItsHeadersAndRetry(t *testing.T) {
	a := startApp(t)
	s := openEvents(t, a, "lobby", "")
	for k, want := range map[string]string{"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no"} {
		if got := s.resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	s.catchUp()
}

// A post made over WebSocket arrives over SSE, and one made through the
// API (the fallback's way up) arrives over WebSocket, as the same frames.
func TestWebSocketAndSSEServeTheSameFrames(t *testing.T) {
	a := startApp(t)
	author := protocol.AuthorID(tokenB)
	s := openEvents(t, a, "lobby", "?author="+author+"&name=%EB%AF%BC%EC%A7%80")
	w, _ := s.catchUp()
	if w.You != author || w.Name != "민지" {
		t.Fatalf("welcome %+v", w)
	}
	ws, _ := join(t, a, "lobby", tokenA, "alice", nil)
	s1 := ws.post("w1", "from the socket")
	f := s.until(protocol.TypeMessage)
	if f.Seq != s1 || f.Text != "from the socket" || f.Name != "alice" {
		t.Fatalf("over SSE: %+v", f)
	}
	s2 := apiPost(t, a, "lobby", tokenB, "s1", "from the API")
	g := ws.until(protocol.TypeMessage, protocol.TypeAck)
	if g.Seq == s1 { // its own post, read past while waiting for the ack
		g = ws.until(protocol.TypeMessage)
	}
	h := s.until(protocol.TypeMessage)
	if g.Seq != s2 || h.Seq != s2 || g.Text != h.Text || g.Author != author || h.Author != author {
		t.Fatalf("over WebSocket %+v, over SSE %+v", g, h)
	}
}

func TestSSECarriesExactText(t *testing.T) {
	a := startApp(t)
	s := openEvents(t, a, "lobby", "")
	s.catchUp()
	for i, text := range exactTexts {
		apiPost(t, a, "lobby", tokenA, fmt.Sprint("t", i), text)
		if f := s.until(protocol.TypeMessage); f.Text != text {
			t.Errorf("text %d: got %q…, want %q…", i, clip(f.Text), clip(text))
		}
	}
	apiPost(t, a, "lobby", tokenA, "crlf", "one\r\ntwo\r\n")
	if f := s.until(protocol.TypeMessage); f.Text != "one\ntwo" {
		t.Errorf("CRLF text came as %q", f.Text)
	}
}

// A reader that resumes with Last-Event-ID (what EventSource sends) ends
// in exactly the state of one that never left, edits and deletes included.
func TestSSEResumeWithLastEventIDEqualsNeverLeaving(t *testing.T) {
	a := startApp(t)
	stayed := openEvents(t, a, "lobby", "?after=0")
	stayed.catchUp()
	var stayedState client.State
	stayedState.Apply(protocol.ServerFrame{Type: protocol.TypeSynced})

	left := openEvents(t, a, "lobby", "?after=0")
	left.catchUp()
	var leftState client.State
	leftState.Apply(protocol.ServerFrame{Type: protocol.TypeSynced})

	m1 := apiPost(t, a, "lobby", tokenA, "1", "first")
	m2 := apiPost(t, a, "lobby", tokenA, "2", "second")
	for range 2 {
		leftState.Apply(left.until(protocol.TypeMessage))
	}
	lastID := left.ids[len(left.ids)-1]
	left.resp.Body.Close() // the reader leaves

	apiWrite(t, a, "PATCH", fmt.Sprint("/api/boards/lobby/messages/", m1), map[string]string{"text": "first, edited", "token": tokenA})
	apiWrite(t, a, "DELETE", fmt.Sprint("/api/boards/lobby/messages/", m2), map[string]string{"token": tokenA})
	m3 := apiPost(t, a, "lobby", tokenA, "3", "third")
	apiWrite(t, a, "PATCH", fmt.Sprint("/api/boards/lobby/messages/", m3), map[string]string{"text": "third, edited", "token": tokenA})
	for stayedState.LastSeq < 6 {
		f := stayed.next()
		stayedState.Apply(f)
	}

	// The header wins over ?after.
	back := openEvents(t, a, "lobby", "?after=0", "Last-Event-ID", lastID)
	w, missed := back.catchUp()
	if w.Head != 6 {
		t.Fatalf("welcome head %d", w.Head)
	}
	for _, f := range missed {
		leftState.Apply(f)
	}
	if fmt.Sprint(back.ids) != "[3 4 5 6]" {
		t.Fatalf("resumed with ids %v, want exactly the missed [3 4 5 6]", back.ids)
	}
	got, want := fmt.Sprintf("%+v", leftState.Messages), fmt.Sprintf("%+v", stayedState.Messages)
	if got != want || len(leftState.Messages) != 3 {
		t.Fatalf("resumed %s\nstayed  %s", got, want)
	}
}

func TestSSEBadRequestsAreRefusedBeforeStreaming(t *testing.T) {
	a := startApp(t)
	for _, q := range []string{"?after=-1", "?after=x", "?author=not-an-author", "?author=0123456789abcdef&name=%07"} {
		resp, err := http.Get(a.url + "/api/boards/lobby/events" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", q, resp.StatusCode)
		}
	}
	resp, err := http.Get(a.url + "/api/boards/Bad%20Board/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("bad board: %d", resp.StatusCode)
	}
}

// A reader that does not read is closed once its queue overflows, while a
// reader that keeps up gets every post; the slow one then resumes with
// Last-Event-ID and has every post exactly once.
func TestSlowSSEReaderIsClosedWhileAFastOneGetsEverything(t *testing.T) {
	a := startApp(t, "-send-queue", "8", "-post-burst", "100000")
	req, _ := http.NewRequest("GET", a.url+"/api/boards/lobby/events?after=0", nil)
	resp, err := smallReadBuffer().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	slow := &sseReader{t: t, resp: resp, r: client.NewEventReader(resp.Body)}
	fast := openEvents(t, a, "lobby", "")
	fast.catchUp()

	big := strings.Repeat("가", protocol.MaxTextRunes) // 12 KB a frame
	const posts = 600                                 // 7 MB: more than the socket buffers hold
	done := make(chan int)
	go func() {
		received := 0
		for received < posts {
			ev, err := fast.r.Next()
			if err != nil {
				break
			}
			if ev.Type == protocol.TypeMessage {
				received++
			}
		}
		done <- received
	}()
	writer, _ := join(t, a, "lobby", tokenA, "", nil)
	for i := 0; i < posts; i++ {
		writer.post(fmt.Sprint(i), big)
	}
	if received := <-done; received != posts {
		t.Fatalf("the reading client got %d of %d while another was slow", received, posts)
	}
	got := map[int64]bool{}
	var last string
	for {
		ev, err := slow.r.Next()
		if err != nil {
			break
		}
		if ev.Type == protocol.TypeMessage {
			var f protocol.ServerFrame
			json.Unmarshal([]byte(ev.Data), &f)
			got[f.Seq], last = true, ev.ID
		}
	}
	if len(got) == posts {
		t.Fatal("the slow reader got everything: it was never behind")
	}
	t.Logf("slow reader: %d messages, then the end of its stream", len(got))
	back := openEvents(t, a, "lobby", "", "Last-Event-ID", last)
	_, rest := back.catchUp()
	completeOnce(t, got, rest, posts)
}

// SIGTERM (here: run's context) ends SSE streams at once: shutdown does
// not wait out -shutdown-timeout for them.
func TestShutdownEndsSSEStreamsAtOnce(t *testing.T) {
	a := startApp(t, "-shutdown-timeout", "1h")
	s := openEvents(t, a, "lobby", "")
	s.catchUp()
	stopped := make(chan struct{})
	go func() { a.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("shutdown waited for an SSE stream")
	}
	for {
		if _, err := s.r.Next(); err != nil {
			return
		}
	}
}
