package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

func TestTwoClientsSeeEachOthersPostsInOrder(t *testing.T) {
	a := startApp(t)
	alice, _ := join(t, a, "lobby", tokenA, "alice", nil)
	bob, _ := join(t, a, "lobby", tokenB, "bob", nil)
	s1 := alice.post("a-1", "hello from alice")
	s2 := bob.post("b-1", "hello from bob")
	s3 := alice.post("a-2", "and again")
	for _, cl := range []*wsClient{alice, bob} {
		var got []string
		for len(got) < 3 {
			if f := cl.next(); f.Type == protocol.TypeMessage {
				got = append(got, fmt.Sprintf("%d:%s:%s", f.Seq, f.Name, f.Text))
			}
		}
		want := []string{fmt.Sprintf("%d:alice:hello from alice", s1), fmt.Sprintf("%d:bob:hello from bob", s2), fmt.Sprintf("%d:alice:and again", s3)}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// exactTexts must come back byte for byte.
var exactTexts = []string{
	"가나다라마바사",
	"???",
	"😀👍🏽 🇰🇷 family: 👨‍👩‍👧",
	"line one\nline two\n\nline four",
	"שלום עולם مرحبا",
	`<img src=x onerror=alert(1)> & "quotes" 'single'`,
	strings.Repeat("😀", 3999) + "끝",
}

func TestExactTextRoundTripsOverWebSocket(t *testing.T) {
	a := startApp(t)
	w, _ := join(t, a, "lobby", tokenA, "", nil)
	r, _ := join(t, a, "lobby", tokenB, "", nil)
	for i, text := range exactTexts {
		w.post(fmt.Sprint("t", i), text)
		f := r.until(protocol.TypeMessage)
		if f.Text != text {
			t.Errorf("text %d: got %d runes %q…, want %q…", i, len([]rune(f.Text)), clip(f.Text), clip(text))
		}
	}
	page := apiMessages(t, a, "lobby", "?after=0&limit=200")
	if len(page.Messages) != len(exactTexts) {
		t.Fatalf("the API has %d messages, want %d", len(page.Messages), len(exactTexts))
	}
	for i, m := range page.Messages {
		if m.Text != exactTexts[i] {
			t.Errorf("API text %d differs", i)
		}
	}
}

func clip(s string) string { return string([]rune(s)[:min(20, len([]rune(s)))]) }

func TestExactTextRoundTripsOverFormPost(t *testing.T) {
	a := startApp(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, text := range exactTexts {
		// A browser sends CRLF line breaks; they arrive as LF.
		form := url.Values{"text": {strings.ReplaceAll(text, "\n", "\r\n")}, "name": {"폼"}, "id": {fmt.Sprint("form-", i)}}
		resp, err := client.PostForm(a.url+"/b/lobby", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/b/lobby" {
			t.Fatalf("form post: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	page := apiMessages(t, a, "lobby", "?after=0&limit=200")
	if len(page.Messages) != len(exactTexts) {
		t.Fatalf("%d messages, want %d", len(page.Messages), len(exactTexts))
	}
	for i, m := range page.Messages {
		if m.Text != exactTexts[i] || m.Name != "폼" {
			t.Errorf("form text %d: %q by %q", i, clip(m.Text), m.Name)
		}
	}
	// The same hidden id again is the same post.
	resp, _ := client.PostForm(a.url+"/b/lobby", url.Values{"text": {"again"}, "id": {"form-0"}})
	resp.Body.Close()
	if got := apiMessages(t, a, "lobby", "?after=0&limit=200"); len(got.Messages) != len(exactTexts) {
		t.Fatalf("a resubmitted form made a second post")
	}
}

func TestDuplicatePostIDGivesOneMessage(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	s1 := cl.post("same", "first")
	s2 := cl.post("same", "second try")
	if s1 != s2 {
		t.Fatalf("the repeated id was acked as %d, then %d", s1, s2)
	}
	if page := apiMessages(t, a, "lobby", "?after=0"); len(page.Messages) != 1 || page.Messages[0].Text != "first" {
		t.Fatalf("messages: %+v", page.Messages)
	}
	// Another author may use the same id.
	other, _ := join(t, a, "lobby", tokenB, "", nil)
	if s3 := other.post("same", "mine"); s3 == s1 {
		t.Fatal("another author's id collided")
	}
}

// state is a board as a client sees it after applying frames.
type state map[int64]string

func (s state) apply(f protocol.ServerFrame) {
	switch f.Type {
	case protocol.TypeMessage:
		s[f.Seq] = describe(f.Text, f.Deleted, f.EditedAt != nil)
	case protocol.TypeEdited:
		s[f.Target] = describe(f.Text, false, true)
	case protocol.TypeDeleted:
		s[f.Target] = describe("", true, true)
	}
}

func describe(text string, deleted, edited bool) string {
	if deleted {
		return "(deleted)"
	}
	if edited {
		return text + " (edited)"
	}
	return text
}

func TestResumeGetsExactlyTheMissedEvents(t *testing.T) {
	a := startApp(t)
	stayer, _ := join(t, a, "lobby", tokenA, "", nil)
	leaver, _ := join(t, a, "lobby", tokenB, "", nil)
	stay, left := state{}, state{}
	s1 := stayer.post("1", "one")
	s2 := leaver.post("2", "two")
	s3 := stayer.post("3", "three")
	var lastApplied int64
	for lastApplied < s3 {
		f := leaver.next()
		left.apply(f)
		if f.Type == protocol.TypeMessage {
			lastApplied = f.Seq
		}
	}
	leaver.c.CloseNow()

	// While it is away: an edit of an old message, a delete, a post, its edit and delete.
	stayer.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: s1, Text: "one, edited"})
	stayer.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: s3})
	s4 := stayer.post("4", "four")
	stayer.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: s4, Text: "four, edited"})
	s5 := stayer.post("5", "five, soon gone")
	stayer.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: s5})
	// The stayer may not delete someone else's message.
	stayer.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: s2})

	// The stayer saw everything live (post() set aside what it read past).
	for _, s := range []int64{s1, s2, s3} {
		stay[s] = map[int64]string{s1: "one", s2: "two", s3: "three"}[s]
	}
	var seen int64
	for gotErr := false; !gotErr; {
		f := stayer.next()
		if f.Type == protocol.TypeError {
			if f.Code != protocol.CodeForbidden {
				t.Fatalf("deleting another's message: %+v", f)
			}
			gotErr = true
		}
		if f.Seq > s3 || f.Type == protocol.TypeEdited || f.Type == protocol.TypeDeleted {
			stay.apply(f)
			seen = max(seen, f.Seq)
		}
	}
	if head := apiMessages(t, a, "lobby", "?after=0").Head; seen != head {
		t.Fatalf("the stayer saw up to %d, the head is %d", seen, head)
	}

	back, catchUp := join(t, a, "lobby", tokenB, "", ptr(lastApplied))
	var seqs []int64
	for _, f := range catchUp {
		if f.Type == protocol.TypePresence {
			continue
		}
		left.apply(f)
		seqs = append(seqs, f.Seq)
	}
	for i, s := range seqs {
		if s != lastApplied+int64(i)+1 {
			t.Fatalf("catch-up seqs %v: not exactly the events after %d", seqs, lastApplied)
		}
	}
	if int64(len(seqs)) != back.head-lastApplied {
		t.Fatalf("catch-up has %d events, want %d", len(seqs), back.head-lastApplied)
	}
	if fmt.Sprint(left) != fmt.Sprint(stay) {
		t.Fatalf("resumed state\n%v\ndiffers from the state of a client that never left\n%v", left, stay)
	}
	// A deleted message's words are gone from the log too.
	_, all := join(t, a, "lobby", tokenC, "", ptr(int64(0)))
	for _, f := range all {
		if strings.Contains(f.Text, "soon gone") || strings.Contains(f.Text, "three") {
			t.Fatalf("a deleted message's text is still served: %+v", f)
		}
	}
}

func TestJoinWithoutAfterGetsLatest50InCurrentState(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	for i := 0; i < 60; i++ {
		cl.post(fmt.Sprint(i), fmt.Sprint("post ", i))
	}
	cl.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: 59, Text: "post 58, edited"})
	cl.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: 60})
	cl.until(protocol.TypeDeleted, protocol.TypeMessage, protocol.TypeEdited, protocol.TypeAck)
	_, catchUp := join(t, a, "lobby", tokenB, "", nil)
	if len(catchUp) != 50 || catchUp[0].Seq != 11 || catchUp[49].Seq != 60 {
		t.Fatalf("catch-up: %d messages from %d", len(catchUp), catchUp[0].Seq)
	}
	if e := catchUp[48]; e.Text != "post 58, edited" || e.EditedAt == nil {
		t.Errorf("edited message: %+v", e)
	}
	if d := catchUp[49]; !d.Deleted || d.Text != "" {
		t.Errorf("deleted message: %+v", d)
	}
}

func TestHistoryPagesOlderMessages(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	for i := 1; i <= 30; i++ {
		cl.post(fmt.Sprint(i), fmt.Sprint("post ", i))
	}
	// Each post's live frame came before its ack: what was read past is
	// all live, and what follows is the history answer.
	cl.pending = nil
	cl.send(protocol.ClientFrame{Type: protocol.TypeHistory, Before: 21, Limit: 15})
	var got []int64
	for {
		f := cl.next()
		if f.Type == protocol.TypeHistoryEnd {
			if !f.More {
				t.Error("more=false with 5 older messages left")
			}
			break
		}
		if f.Type == protocol.TypeMessage {
			got = append(got, f.Seq)
		}
	}
	if fmt.Sprint(got) != "[6 7 8 9 10 11 12 13 14 15 16 17 18 19 20]" {
		t.Fatalf("first page %v, want 6..20", got)
	}
	cl.send(protocol.ClientFrame{Type: protocol.TypeHistory, Before: 6, Limit: 15})
	var seqs []int64
	for {
		f := cl.next()
		if f.Type == protocol.TypeMessage {
			seqs = append(seqs, f.Seq)
		}
		if f.Type == protocol.TypeHistoryEnd {
			if f.More || fmt.Sprint(seqs) != "[1 2 3 4 5]" {
				t.Fatalf("last page %v more=%v", seqs, f.More)
			}
			break
		}
	}
}

func TestBadFramesAreAnsweredAndTheSocketStays(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	for _, raw := range []string{`not json`, `{"type":"dance"}`, `{"type":"post","id":"x","text":"   "}`, `[1,2]`} {
		cl.c.Write(cl.ctx, websocket.MessageText, []byte(raw))
		if f := cl.until(protocol.TypeError); f.Code != protocol.CodeBadRequest {
			t.Errorf("%s: %+v", raw, f)
		}
	}
	long := strings.Repeat("a", protocol.MaxTextRunes+1)
	cl.send(protocol.ClientFrame{Type: protocol.TypePost, ID: "long", Text: long})
	if f := cl.until(protocol.TypeError); f.Code != protocol.CodeTooLong || f.ID != "long" {
		t.Errorf("too long: %+v", f)
	}
	cl.send(protocol.ClientFrame{Type: protocol.TypePing})
	cl.until(protocol.TypePong)
	cl.post("ok", "still here")
}

func TestInvalidUTF8Closes1007(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	cl.c.Write(cl.ctx, websocket.MessageText, []byte("{\"type\":\"post\",\"id\":\"x\",\"text\":\"\xff\xfe\"}"))
	if got := cl.closeStatus(); got != websocket.StatusInvalidFramePayloadData {
		t.Fatalf("close %d, want 1007", got)
	}
}

func TestOversizedFrameCloses1009(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	cl.c.Write(cl.ctx, websocket.MessageText, []byte(`{"type":"post","id":"x","text":"`+strings.Repeat("a", protocol.MaxFrameBytes)+`"}`))
	if got := cl.closeStatus(); got != websocket.StatusMessageTooBig {
		t.Fatalf("close %d, want 1009", got)
	}
}

func TestAFrameOfFullyEscaped4000CharactersFits(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	var b strings.Builder
	for i := 0; i < protocol.MaxTextRunes; i++ {
		b.WriteString(`\ud83d\ude00`)
	}
	raw := `{"type":"post","id":"escaped","text":"` + b.String() + `"}`
	cl.c.Write(cl.ctx, websocket.MessageText, []byte(raw))
	if f := cl.until(protocol.TypeAck, protocol.TypeMessage); f.ID != "escaped" {
		t.Fatalf("ack %+v", f)
	}
}

func TestCrossOriginHandshakeIs403(t *testing.T) {
	a := startApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, a.wsURL("lobby"), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin dial: %v %v", err, resp)
	}
	// Allowed with -allow-origin.
	b := startApp(t, "-allow-origin", "good.example")
	c, _, err := websocket.Dial(ctx, b.wsURL("lobby"), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://good.example"}}})
	if err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
	c.CloseNow()
}

func TestNoHelloCloses1008(t *testing.T) {
	const timeout = 300 * time.Millisecond
	a := startApp(t, "-hello-timeout", timeout.String())
	start := time.Now()
	cl := dialWS(t, a, "lobby", nil)
	if got := cl.closeStatus(); got != websocket.StatusPolicyViolation {
		t.Fatalf("close %d, want 1008", got)
	}
	if waited := time.Since(start); waited < timeout {
		t.Fatalf("closed after %v, before the hello timeout", waited)
	}
}

func TestBadHelloCloses1008(t *testing.T) {
	a := startApp(t)
	cl := dialWS(t, a, "lobby", nil)
	cl.send(protocol.ClientFrame{Type: protocol.TypeHello, Token: "short"})
	if got := cl.closeStatus(); got != websocket.StatusPolicyViolation {
		t.Fatalf("close %d, want 1008", got)
	}
}

func TestFloodIsRateLimited(t *testing.T) {
	// 20 posts a day: the bucket does not refill while the test runs, on
	// however slow a machine (one token every 72 minutes).
	a := startApp(t, "-post-window", "24h")
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	for i := 0; i < 25; i++ {
		cl.send(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint("f", i), Text: "flood"})
	}
	acks, limited := 0, 0
	for acks+limited < 25 {
		switch f := cl.next(); f.Type {
		case protocol.TypeAck:
			acks++
		case protocol.TypeError:
			if f.Code != protocol.CodeRateLimited || f.ID == "" || f.RetryAfterMS <= 0 {
				t.Fatalf("error %+v", f)
			}
			limited++
		}
	}
	if acks != 20 || limited != 5 {
		t.Fatalf("%d acked and %d limited, want 20 and 5", acks, limited)
	}
}

func TestEditAndDeleteRules(t *testing.T) {
	a := startApp(t, "-admin-token", "the-admin-token-0123")
	alice, _ := join(t, a, "lobby", tokenA, "", nil)
	bob, _ := join(t, a, "lobby", tokenB, "", nil)
	s := alice.post("1", "alice's")
	bob.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: s, Text: "bob was here"})
	if f := bob.until(protocol.TypeError, protocol.TypeMessage); f.Code != protocol.CodeForbidden {
		t.Fatalf("bob edits alice's: %+v", f)
	}
	bob.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: 999, Text: "x"})
	if f := bob.until(protocol.TypeError); f.Code != protocol.CodeNotFound {
		t.Fatalf("edit of nothing: %+v", f)
	}
	alice.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: s, Text: "alice's, better"})
	if f := bob.until(protocol.TypeEdited); f.Target != s || f.Text != "alice's, better" {
		t.Fatalf("edited: %+v", f)
	}
	admin, _ := join(t, a, "lobby", "the-admin-token-0123", "", nil)
	admin.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: s})
	if f := bob.until(protocol.TypeDeleted); f.Target != s {
		t.Fatalf("deleted: %+v", f)
	}
	alice.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: s, Text: "back from the dead"})
	if f := alice.until(protocol.TypeError, protocol.TypeMessage, protocol.TypeEdited, protocol.TypeDeleted); f.Code != protocol.CodeNotFound {
		t.Fatalf("edit of a deleted message: %+v", f)
	}
}

func TestPresenceCountsDistinctAuthors(t *testing.T) {
	a := startApp(t)
	first, _ := join(t, a, "room", tokenA, "alice", nil)
	if f := first.until(protocol.TypePresence); f.Online != 1 || fmt.Sprint(f.Names) != "[alice]" {
		t.Fatalf("alone: %+v", f)
	}
	join(t, a, "room", tokenB, "bob", nil)
	join(t, a, "room", tokenB, "bob", nil) // the same author twice
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f := first.next()
		if f.Type == protocol.TypePresence && f.Online == 2 {
			if fmt.Sprint(f.Names) != "[alice bob]" {
				t.Fatalf("names %v", f.Names)
			}
			return
		}
	}
	t.Fatal("presence never said 2 online")
}

func TestSlowReaderIsClosed1013WhileOthersCarryOn(t *testing.T) {
	a := startApp(t, "-send-queue", "8", "-post-burst", "100000")
	// The slow reader's socket buffer is small, and it reads nothing until
	// the others are done.
	slow := dialWS(t, a, "lobby", &websocket.DialOptions{HTTPClient: smallReadBuffer()})
	slow.send(protocol.ClientFrame{Type: protocol.TypeHello, Token: tokenC})
	reader, _ := join(t, a, "lobby", tokenB, "", nil)
	writer, _ := join(t, a, "lobby", tokenA, "", nil)

	big := strings.Repeat("가", protocol.MaxTextRunes) // 12 KB a frame
	const posts = 600                                 // 7 MB: more than the socket buffers hold
	done := make(chan int)
	go func() {
		received := 0
		for received < posts {
			f, err := reader.read()
			if err != nil {
				break
			}
			if f.Type == protocol.TypeMessage {
				received++
			}
		}
		done <- received
	}()
	for i := 0; i < posts; i++ {
		writer.post(fmt.Sprint(i), big)
	}
	if received := <-done; received != posts {
		t.Fatalf("the reading client got %d of %d while another was slow", received, posts)
	}

	// Now the slow one reads what reached it, then the close.
	got := map[int64]bool{}
	var last int64
	var code websocket.StatusCode
	for {
		f, err := slow.read()
		if err != nil {
			if slow.ctx.Err() != nil {
				t.Fatal("the slow reader was never closed")
			}
			code = websocket.CloseStatus(err)
			break
		}
		if f.Type == protocol.TypeMessage {
			got[f.Seq], last = true, f.Seq
		}
	}
	if code != websocket.StatusTryAgainLater && code != -1 {
		t.Fatalf("slow reader closed with %d, want 1013 (or a dropped connection)", code)
	}
	if len(got) == posts {
		t.Fatal("the slow reader got everything: it was never behind")
	}
	t.Logf("slow reader: %d messages, then close status %d", len(got), code)

	// It resumes with after and ends with every post, once.
	_, rest := join(t, a, "lobby", tokenC, "", &last)
	completeOnce(t, got, rest, posts)
}

func TestShutdownClosesSockets1001(t *testing.T) {
	a := startApp(t)
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	go a.stop()
	if got := cl.closeStatus(); got != websocket.StatusGoingAway {
		t.Fatalf("close %d, want 1001", got)
	}
}

// TestShutdownWhilePostingKeepsEveryAckedPost stops the server while a
// client posts as fast as it can: the sockets close first, then the store,
// and every acked post is there after a restart on the same data.
func TestShutdownWhilePostingKeepsEveryAckedPost(t *testing.T) {
	a := startApp(t, "-post-burst", "1000000")
	cl, _ := join(t, a, "lobby", tokenA, "", nil)
	acked := map[string]bool{}
	var nAcked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			f, err := cl.read()
			if err != nil {
				return
			}
			if f.Type == protocol.TypeAck {
				acked[f.ID] = true
				nAcked.Add(1)
			}
		}
	}()
	stopping := false
	for i := 0; ; i++ {
		b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint(i), Text: "x"})
		if cl.c.Write(cl.ctx, websocket.MessageText, b) != nil {
			break
		}
		if !stopping && nAcked.Load() >= 50 {
			stopping = true
			go a.stop() // while posts are still on their way
		}
		if i%16 == 15 {
			time.Sleep(time.Millisecond)
		}
	}
	<-done
	a.stop()
	b := startAppIn(t, a.data)
	stored := map[string]bool{}
	for id := range allMessages(t, b.url, "lobby") {
		stored[id] = true
	}
	for id := range acked {
		if !stored[id] {
			t.Fatalf("acked post %s lost in the shutdown", id)
		}
	}
	t.Logf("%d acked before the shutdown, all stored", len(acked))
}
