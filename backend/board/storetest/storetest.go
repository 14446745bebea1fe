// Package storetest is the conformance suite of board.Store: every
// adapter (SQLite, PostgreSQL) runs Run in its own tests, so that the
// contract lives once, in the domain, and not in one adapter's tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"liveboard/backend/board"
)

// Storage opens a store on one test's storage, with onCommit as its
// commit-order hook. Called again after Close, it reopens the same
// storage: what was stored must be there.
type Storage func(onCommit func([]board.Event)) (board.Store, error)

// Run runs the suite. fresh gives each subtest storage of its own.
func Run(t *testing.T, fresh func(t *testing.T) Storage) {
	for _, c := range []struct {
		name string
		f    func(*testing.T, Storage)
	}{
		{"SeqsAreGaplessAndInHookOrderUnderConcurrentAppenders", testConcurrentOrder},
		{"BoardsHaveSeqsOfTheirOwn", testBoardsIndependent},
		{"RepeatedIDIsTheFirstPost", testIdempotent},
		{"EditAndDeleteRules", testEditDeleteRules},
		{"DeleteBlanksTheMessageAndItsEdits", testBlanking},
		{"ReadsPage", testPaging},
		{"HookSeesEachEventBeforeAppendReturns", testHookBeforeReturn},
		{"ReopenKeepsEverything", testReopen},
		{"UseAfterCloseIsErrClosed", testClosed},
	} {
		t.Run(c.name, func(t *testing.T) { c.f(t, fresh(t)) })
	}
}

func open(t *testing.T, st Storage, hook func([]board.Event)) board.Store {
	t.Helper()
	s, err := st(hook)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var at = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

func post(boardName, author, id, text string) board.Command {
	return board.Command{Board: boardName, Kind: board.KindPost, Author: author, ID: id, Name: "name-" + author, Text: text, At: at}
}

func edit(boardName, author string, target int64, text string) board.Command {
	return board.Command{Board: boardName, Kind: board.KindEdit, Author: author, Target: target, Text: text, At: at.Add(time.Minute)}
}

func del(boardName, author string, target int64, admin bool) board.Command {
	return board.Command{Board: boardName, Kind: board.KindDelete, Author: author, Target: target, Admin: admin, At: at.Add(2 * time.Minute)}
}

func mustAppend(t *testing.T, s board.Store, cmd board.Command) board.Event {
	t.Helper()
	ev, _, err := s.Append(context.Background(), cmd)
	if err != nil {
		t.Fatalf("append %v to %d: %v", cmd.Kind, cmd.Target, err)
	}
	return ev
}

// allEvents pages through a board's whole log.
func allEvents(t *testing.T, s board.Store, boardName string) []board.Event {
	t.Helper()
	var out []board.Event
	for after := int64(0); ; {
		evs, err := s.Events(context.Background(), boardName, after, 37)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		after = evs[len(evs)-1].Seq
	}
}

func seqs(evs []board.Event) []int64 {
	out := make([]int64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Seq
	}
	return out
}

func gapless(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

func testConcurrentOrder(t *testing.T, st Storage) {
	var mu sync.Mutex
	hooked := map[string][]int64{}
	s := open(t, st, func(evs []board.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			hooked[ev.Board] = append(hooked[ev.Board], ev.Seq)
		}
	})
	const perBoard = 150
	boards := []string{"one", "two"}
	var wg sync.WaitGroup
	returned := map[string][]int64{}
	for _, b := range boards {
		for i := 0; i < perBoard; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, dup, err := s.Append(context.Background(), post(b, fmt.Sprint("a", i%5), fmt.Sprint(i), "x"))
				if err != nil || dup {
					t.Errorf("append: %v %v", err, dup)
					return
				}
				mu.Lock()
				returned[b] = append(returned[b], ev.Seq)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, b := range boards {
		if got := hooked[b]; !slices.Equal(got, gapless(perBoard)) {
			t.Errorf("%s: the hook saw %v…, want 1..%d in order", b, got[:min(10, len(got))], perBoard)
		}
		got := slices.Sorted(slices.Values(returned[b]))
		if !slices.Equal(got, gapless(perBoard)) {
			t.Errorf("%s: appends returned seqs %v…, want each of 1..%d once", b, got[:min(10, len(got))], perBoard)
		}
		if got := seqs(allEvents(t, s, b)); !slices.Equal(got, gapless(perBoard)) {
			t.Errorf("%s: the log reads %v…, want 1..%d", b, got[:min(10, len(got))], perBoard)
		}
	}
}

func testBoardsIndependent(t *testing.T, st Storage) {
	s := open(t, st, nil)
	for i, b := range []string{"x", "y", "x", "y", "y"} {
		mustAppend(t, s, post(b, "a", fmt.Sprint(i), "t"))
	}
	for b, want := range map[string]int64{"x": 2, "y": 3, "empty": 0} {
		if h, err := s.Head(context.Background(), b); err != nil || h != want {
			t.Errorf("head of %s: %d %v, want %d", b, h, err, want)
		}
	}
}

func testIdempotent(t *testing.T, st Storage) {
	s := open(t, st, nil)
	ctx := context.Background()
	first := mustAppend(t, s, post("b", "alice", "id-1", "first"))
	again, dup, err := s.Append(ctx, post("b", "alice", "id-1", "second"))
	if err != nil || !dup || again.Seq != first.Seq || again.Message.Text != "first" || again.Message.ID != "id-1" {
		t.Fatalf("repeat: %+v dup=%v %v: want the first post, duplicate", again, dup, err)
	}
	other, dup, err := s.Append(ctx, post("b", "bob", "id-1", "bob's"))
	if err != nil || dup || other.Seq != first.Seq+1 {
		t.Fatalf("the same id from another author: %+v dup=%v %v: want a new post", other, dup, err)
	}
	if got := seqs(allEvents(t, s, "b")); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("log %v: the repeat took a seq", got)
	}
}

func testHookBeforeReturn(t *testing.T, st Storage) {
	var mu sync.Mutex
	seen := map[int64]bool{}
	s := open(t, st, func(evs []board.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			if seen[ev.Seq] {
				panic(fmt.Sprintf("seq %d hooked twice", ev.Seq))
			}
			seen[ev.Seq] = true
		}
	})
	for i := 0; i < 20; i++ {
		ev := mustAppend(t, s, post("b", "a", fmt.Sprint(i), "x"))
		mu.Lock()
		ok := seen[ev.Seq]
		mu.Unlock()
		if !ok {
			t.Fatalf("Append of seq %d returned before the hook saw it", ev.Seq)
		}
	}
	if _, _, err := s.Append(context.Background(), post("b", "a", "3", "repeat")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 20 {
		t.Fatalf("the hook saw %d events for 20 posts and a repeat", len(seen))
	}
}

func testReopen(t *testing.T, st Storage) {
	s, err := st(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		mustAppend(t, s, post("b", "a", fmt.Sprint(i), fmt.Sprint("text ", i)))
	}
	mustAppend(t, s, edit("b", "a", 3, "edited"))
	mustAppend(t, s, del("b", "a", 4, false))
	before := allEvents(t, s, "b")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, st, nil)
	after := allEvents(t, s, "b")
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("after reopen the log differs:\n%v\n%v", before, after)
	}
	next := mustAppend(t, s, post("b", "a", "new", "y"))
	if next.Seq != 33 {
		t.Fatalf("after reopen the next seq is %d, want 33", next.Seq)
	}
	again, dup, err := s.Append(context.Background(), post("b", "a", "5", "resent"))
	if err != nil || !dup || again.Seq != 6 {
		t.Fatalf("a post resent after reopen: %+v dup=%v %v", again, dup, err)
	}
}

func testClosed(t *testing.T, st Storage) {
	s, err := st(nil)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, post("b", "a", "1", "x"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := s.Append(ctx, post("b", "a", "2", "late")); !errors.Is(err, board.ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Head(ctx, "b"); !errors.Is(err, board.ErrClosed) {
		t.Errorf("Head after Close: %v, want ErrClosed", err)
	}
	if _, _, err := s.Latest(ctx, "b", 5); !errors.Is(err, board.ErrClosed) {
		t.Errorf("Latest after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}
