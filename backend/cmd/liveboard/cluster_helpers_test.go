package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/broker/natsbroker/natstest"
	"liveboard/backend/store/postgres/pgtest"
	"liveboard/shared/protocol"
)

// cluster is real liveboard processes on loopback ports, sharing one
// PostgreSQL database (fresh for the test) and one NATS.
type cluster struct {
	t     *testing.T
	store string
	nats  string
	pfx   string
	nodes []*process
}

func startCluster(t *testing.T, n int, natsURL string) *cluster {
	t.Helper()
	if natsURL == "" {
		natsURL = natstest.URL(t)
	}
	c := &cluster{t: t, store: pgtest.Database(t), nats: natsURL, pfx: natstest.Prefix()}
	for range n {
		c.add()
	}
	return c
}

// add starts one more node.
func (c *cluster) add() *process {
	c.t.Helper()
	p := start(c.t, nil, "-addr", "127.0.0.1:0", "-data", c.t.TempDir(), "-post-burst", "1000000",
		"-store", c.store, "-broker", c.nats, "-broker-prefix", c.pfx)
	c.nodes = append(c.nodes, p)
	return p
}

// logReader follows a board over WebSocket, from seq 0, and checks as it
// goes that the log comes in order with no gap and no duplicate. When its
// node goes away it resumes on the next one of bases from its last seq,
// as the clients do.
type logReader struct {
	board string
	name  string
	bases []string

	mu       sync.Mutex
	last     int64
	st       state
	problems []string
	presence []string // the names of the last presence frame
	hops     int      // connections made
}

func follow(t *testing.T, board, name string, bases ...string) *logReader {
	r := &logReader{board: board, name: name, bases: bases, st: state{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

func (r *logReader) run(ctx context.Context) {
	for i := 0; ctx.Err() == nil; i++ {
		base := r.bases[i%len(r.bases)]
		r.session(ctx, base)
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// session is one connection: hello with the last seq, then frames until
// it drops.
func (r *logReader) session(ctx context.Context, base string) {
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws?board="+r.board, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	r.mu.Lock()
	after := r.last
	r.hops++
	r.mu.Unlock()
	hello := protocol.ClientFrame{Type: protocol.TypeHello, Token: "reader-token-" + r.name + "-0123456789", Name: r.name, After: &after}
	if writeFrame(ctx, conn, hello) != nil {
		return
	}
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var f protocol.ServerFrame
		if err := json.Unmarshal(b, &f); err != nil {
			r.note("bad frame %q", b)
			return
		}
		r.apply(f)
	}
}

func (r *logReader) apply(f protocol.ServerFrame) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch f.Type {
	case protocol.TypeMessage, protocol.TypeEdited, protocol.TypeDeleted:
		switch {
		case f.Seq == r.last+1:
			r.last = f.Seq
			r.st.apply(f)
		case f.Seq <= r.last:
			r.problems = append(r.problems, fmt.Sprintf("duplicate seq %d after %d", f.Seq, r.last))
		default:
			r.problems = append(r.problems, fmt.Sprintf("gap: seq %d after %d", f.Seq, r.last))
		}
	case protocol.TypePresence:
		r.presence = slices.Clone(f.Names)
	}
}

func (r *logReader) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *logReader) lastSeq() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *logReader) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.presence)
}

// boardState is a board's messages as the HTTP API returns them, in the
// shape a reader's state has, and its head.
func boardState(t *testing.T, base, board string) (state, int64) {
	t.Helper()
	st := state{}
	var head int64
	for after := int64(0); ; {
		var page struct {
			Messages []protocol.ServerFrame `json:"messages"`
			Next     int64                  `json:"next"`
			Head     int64                  `json:"head"`
		}
		getJSON(t, fmt.Sprintf("%s/api/boards/%s/messages?after=%d&limit=200", base, board, after), &page)
		head = max(head, page.Head)
		if len(page.Messages) == 0 {
			return st, head
		}
		for _, m := range page.Messages {
			st[m.Seq] = describe(m.Text, m.Deleted, m.EditedAt != nil)
		}
		after = page.Next
	}
}

// allCaughtUp waits until every reader has the head the API reports, then
// checks each one's whole state against the API's.
func allCaughtUp(t *testing.T, base, board string, readers []*logReader) {
	t.Helper()
	want, head := boardState(t, base, board)
	deadline := time.Now().Add(60 * time.Second)
	for _, r := range readers {
		for r.lastSeq() < head {
			if time.Now().After(deadline) {
				t.Fatalf("reader %s stuck at seq %d of %d", r.name, r.lastSeq(), head)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, r := range readers {
		r.mu.Lock()
		problems, got := slices.Clone(r.problems), r.st
		r.mu.Unlock()
		if len(problems) > 0 {
			t.Fatalf("reader %s: %v", r.name, problems[:min(5, len(problems))])
		}
		for seq, w := range want {
			if got[seq] != w {
				t.Fatalf("reader %s: seq %d is %q, the API says %q", r.name, seq, got[seq], w)
			}
		}
	}
}

// poster writes through the HTTP API of its nodes, failing over to the
// next one when its node is gone and resending with the same id, as the
// clients' outboxes do.
type poster struct {
	t     *testing.T
	token string
	bases []string
	at    int

	mu    sync.Mutex
	acked map[string]int64 // id → seq, as acknowledged
	mine  []int64          // seqs of my live posts
}

func newPoster(t *testing.T, n int, bases ...string) *poster {
	return &poster{t: t, token: fmt.Sprintf("poster-token-%02d-0123456789", n), bases: bases, acked: map[string]int64{}}
}

var apiClient = &http.Client{Timeout: 30 * time.Second}

// call sends one write until a node answers it; it returns the status and seq.
func (p *poster) call(method, path string, body map[string]string) (int, int64) {
	body["token"] = p.token
	b, _ := json.Marshal(body)
	// Clients resend until a node answers; the deadline only bounds a
	// broken cluster, not a slow machine (a count of tries did: cuts every
	// 100 ms on a loaded machine can refuse for seconds).
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if time.Now().After(deadline) {
			p.t.Errorf("%s %s: no node answered for 2 minutes", method, path)
			return 0, 0
		}
		req, _ := http.NewRequest(method, p.bases[p.at%len(p.bases)]+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		resp, err := apiClient.Do(req)
		if err != nil || resp.StatusCode >= 500 {
			if resp != nil {
				resp.Body.Close()
			}
			p.at++ // this node is gone or failing: the next one
			time.Sleep(20 * time.Millisecond)
			continue
		}
		var out struct{ Seq int64 }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		return resp.StatusCode, out.Seq
	}
}

func (p *poster) post(board, id string) {
	status, seq := p.call("POST", "/api/boards/"+board+"/messages", map[string]string{"id": id, "text": "text of " + id})
	if status != 201 && status != 200 {
		p.t.Errorf("post %s: status %d", id, status)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, ok := p.acked[id]; ok && prev != seq {
		p.t.Errorf("post %s acked as %d, then %d", id, prev, seq)
	}
	p.acked[id] = seq
	p.mine = append(p.mine, seq)
}

// change edits or deletes one of my live posts.
func (p *poster) change(board string, i int) {
	p.mu.Lock()
	if len(p.mine) == 0 {
		p.mu.Unlock()
		return
	}
	k := i % len(p.mine)
	target := p.mine[k]
	del := i%3 == 0
	if del {
		p.mine = slices.Delete(p.mine, k, k+1)
	}
	p.mu.Unlock()
	path := fmt.Sprintf("/api/boards/%s/messages/%d", board, target)
	method, body := "PATCH", map[string]string{"text": fmt.Sprintf("edit %d of %d", i, target)}
	if del {
		method, body = "DELETE", map[string]string{}
	}
	// A delete resent after a cut may find its work done: 404 then.
	if status, _ := p.call(method, path, body); status != 200 && !(del && status == 404) {
		p.t.Errorf("%s %d: status %d", method, target, status)
	}
}

// work runs n operations: mostly posts, every fourth an edit or a delete.
func (p *poster) work(board string, n int) {
	for i := range n {
		if i%4 == 3 {
			p.change(board, i)
		} else {
			p.post(board, fmt.Sprintf("%s-%d", p.token[:15], i))
		}
	}
}
