package postgres

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"liveboard/backend/board"
	"liveboard/backend/store/postgres/pgtest"
)

func post(boardName, author, id string) board.Command {
	return board.Command{Board: boardName, Kind: board.KindPost, Author: author, ID: id, Name: "n", Text: "t " + id, At: time.Now()}
}

func openNode(t *testing.T, url string, hook func([]board.Event)) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, Options{OnCommit: hook})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Two nodes appending to the same boards at once, each batch naming the
// boards in a different order, give one gap-free log per board, without a
// deadlock; each node's hook sees its own events in seq order.
func TestTwoNodesShareOneGapFreeLogPerBoard(t *testing.T) {
	url := pgtest.Database(t)
	var mu sync.Mutex
	seen := map[string][]int64{}
	hook := func(node string) func([]board.Event) {
		return func(evs []board.Event) {
			mu.Lock()
			defer mu.Unlock()
			for _, ev := range evs {
				k := node + "/" + ev.Board
				if s := seen[k]; len(s) > 0 && s[len(s)-1] >= ev.Seq {
					t.Errorf("%s: hook saw %d after %d", k, ev.Seq, s[len(s)-1])
				}
				seen[k] = append(seen[k], ev.Seq)
			}
		}
	}
	nodes := []*Store{openNode(t, url, hook("a")), openNode(t, url, hook("b"))}
	const perNode = 300
	var wg sync.WaitGroup
	for n, s := range nodes {
		for i := range perNode {
			wg.Add(1)
			go func() {
				defer wg.Done()
				boards := []string{"x", "y"}
				if (i+n)%2 == 1 {
					boards = []string{"y", "x"}
				}
				for _, b := range boards {
					if _, _, err := s.Append(context.Background(), post(b, fmt.Sprint("node", n), fmt.Sprint(i))); err != nil {
						t.Error(err)
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, b := range []string{"x", "y"} {
		evs, err := nodes[0].Events(context.Background(), b, 0, 10*perNode)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2*perNode {
			t.Fatalf("board %s: %d events, want %d", b, len(evs), 2*perNode)
		}
		for i, ev := range evs {
			if ev.Seq != int64(i+1) {
				t.Fatalf("board %s: seq %d at %d: a gap or a duplicate", b, ev.Seq, i)
			}
		}
		if got := len(seen["a/"+b]) + len(seen["b/"+b]); got != 2*perNode {
			t.Fatalf("board %s: hooks saw %d events, want %d", b, got, 2*perNode)
		}
	}
}

// A post resent to another node after a cut is stored once, and the
// repeat answers with the first seq.
func TestAnIDIsIdempotentAcrossNodes(t *testing.T) {
	url := pgtest.Database(t)
	a, b := openNode(t, url, nil), openNode(t, url, nil)
	first, dup, err := a.Append(context.Background(), post("x", "alice", "id-1"))
	if err != nil || dup {
		t.Fatalf("first: %v dup=%v", err, dup)
	}
	again, dup, err := b.Append(context.Background(), post("x", "alice", "id-1"))
	if err != nil || !dup || again.Seq != first.Seq {
		t.Fatalf("resent to node b: seq %d dup=%v err=%v; want seq %d as a duplicate", again.Seq, dup, err, first.Seq)
	}
	if h, _ := b.Head(context.Background(), "x"); h != 1 {
		t.Fatalf("head %d after one post sent twice", h)
	}
}

// Cutting the store's connections mid-stream (pg_terminate_backend on the
// test's database) never loses an ack: every acked post is stored with its
// seq, posts refused are resent with their ids and stored once, and the
// log stays gap-free.
func TestCutConnectionsLoseNoAck(t *testing.T) {
	url := pgtest.Database(t)
	s := openNode(t, url, nil)
	ctx := context.Background()
	const posters, each = 20, 40
	var refused atomic.Int64
	acked := make([]map[string]int64, posters)
	// Posters go on past each post until two cuts have landed, however
	// fast this machine commits.
	cutTwice := make(chan struct{})
	var closeOnce sync.Once
	var wg sync.WaitGroup
	for p := range posters {
		acked[p] = map[string]int64{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if i >= each {
					select {
					case <-cutTwice:
						return
					default:
					}
				}
				id := fmt.Sprint(i)
				for { // resend on refusal, as the clients do
					ev, _, err := s.Append(ctx, post("x", fmt.Sprint("p", p), id))
					if err == nil {
						acked[p][id] = ev.Seq
						break
					}
					refused.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	cuts := pgtest.CutConnections(t, url, done, func(total int) {
		if total >= 2 {
			closeOnce.Do(func() { close(cutTwice) })
		}
	})
	// The last cut may have hit an idle pooled connection that this read
	// then takes: it fails once, and is asked again, as a client would.
	var evs []board.Event
	var err error
	for try := 0; try < 5; try++ {
		if evs, err = s.Events(ctx, "x", 0, 1<<20); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, ids := range acked {
		sent += len(ids)
	}
	if len(evs) != sent {
		t.Fatalf("%d events stored for %d posts acked", len(evs), sent)
	}
	stored := map[string]int64{}
	for i, ev := range evs {
		if ev.Seq != int64(i+1) {
			t.Fatalf("seq %d at %d: a gap", ev.Seq, i)
		}
		stored[ev.Message.Author+"/"+ev.Message.ID] = ev.Seq
	}
	for p, ids := range acked {
		for id, seq := range ids {
			if stored[fmt.Sprint("p", p, "/", id)] != seq {
				t.Fatalf("p%d/%s acked as seq %d, stored as %d", p, id, seq, stored[fmt.Sprint("p", p, "/", id)])
			}
		}
	}
	if cuts == 0 {
		t.Fatal("no connection was cut: the test proved nothing")
	}
	t.Logf("%d backends terminated, %d appends refused and resent", cuts, refused.Load())
}

// Three nodes starting together on an empty database take turns at the
// migrations (the advisory lock): all three open, and the schema is
// there once.
func TestNodesStartingTogetherMigrateOnce(t *testing.T) {
	url := pgtest.Database(t)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url, Options{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a node failed to start: %v", err)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n)
	if files, _ := migrations.ReadDir("migrations"); n != len(files) {
		t.Fatalf("%d migrations recorded, %d embedded", n, len(files))
	}
}
