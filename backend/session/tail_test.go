package session

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// countingStore counts the reads a catch-up can make.
type countingStore struct {
	board.Store
	heads, events, latest atomic.Int64
}

func (c *countingStore) Head(ctx context.Context, b string) (int64, error) {
	c.heads.Add(1)
	return c.Store.Head(ctx, b)
}

func (c *countingStore) Events(ctx context.Context, b string, after int64, limit int) ([]board.Event, error) {
	c.events.Add(1)
	return c.Store.Events(ctx, b, after, limit)
}

func (c *countingStore) Latest(ctx context.Context, b string, limit int) ([]board.Message, int64, error) {
	c.latest.Add(1)
	return c.Store.Latest(ctx, b, limit)
}

func (c *countingStore) reads() int64 { return c.heads.Load() + c.events.Load() + c.latest.Load() }

// counted makes every later read of f's service go through a counter.
func (f *fixture) counted() *countingStore {
	c := &countingStore{Store: f.store}
	f.reg.svc.Store = c
	return c
}

func at(seq int64) *int64 { return &seq }

// caughtUp opens a stream on reg and returns what its catch-up sent, from
// welcome to synced.
func caughtUp(t *testing.T, reg *Registry, after *int64) []Frame {
	t.Helper()
	sink := newRecSink()
	s, err := reg.Open(Join{Board: "b", After: after, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for i, f := range sink.frames { // the catch-up is sent before Open returns
		if protocol.FrameType(f.Data) == protocol.TypeSynced {
			return slices.Clone(sink.frames[:i+1])
		}
	}
	t.Fatalf("no synced among %d frames", len(sink.frames))
	return nil
}

func (f *fixture) appendCmd(t *testing.T, kind board.Kind, target int64, text string) {
	t.Helper()
	if _, _, err := f.store.Append(context.Background(), board.Command{Board: "b", Kind: kind, Author: "a", Target: target, Text: text, At: storedNow()}); err != nil {
		t.Fatal(err)
	}
}

func TestTheTailAnswersAsTheStoreDoes(t *testing.T) {
	f := newFixture(t, 0)
	warm := newRecSink() // loads the (empty) tail; it then follows the broker
	if _, err := f.reg.Open(Join{Board: "b", Sink: warm}); err != nil {
		t.Fatal(err)
	}
	f.post(t, 60)                                     // 1..60
	f.appendCmd(t, board.KindEdit, 58, "edited once") // 61
	f.appendCmd(t, board.KindEdit, 58, "edited twice")
	f.appendCmd(t, board.KindDelete, 58, "") // 63: blanks 58 and both edits
	f.appendCmd(t, board.KindEdit, 59, "kept")
	f.appendCmd(t, board.KindDelete, 3, "") // 65: before the latest page
	f.post(t, 2)                            // 66, 67
	f.broker.deliver(span(1, 67)...)
	warm.waitFor(t, "67 events live", func() bool { return len(warm.logSeqs()) == 67 })

	storeOnly := NewRegistry(f.reg.svc, Options{})
	storeOnly.tails = nil
	defer storeOnly.Shutdown()
	count := f.counted()
	for _, after := range []*int64{nil, at(0), at(2), at(57), at(62), at(67)} {
		before := count.reads()
		fromTail := caughtUp(t, f.reg, after)
		if n := count.reads() - before; n != 0 {
			t.Errorf("after %v: the tail's catch-up read the store %d times", after, n)
		}
		fromStore := caughtUp(t, storeOnly, after)
		if !slices.EqualFunc(fromTail, fromStore, func(a, b Frame) bool { return a.Seq == b.Seq && bytes.Equal(a.Data, b.Data) }) {
			t.Errorf("after %v:\ntail  %s\nstore %s", after, dump(fromTail), dump(fromStore))
		}
	}
	for _, f := range caughtUp(t, f.reg, at(0)) {
		if bytes.Contains(f.Data, []byte("edited once")) || bytes.Contains(f.Data, []byte("edited twice")) {
			t.Errorf("a deleted post's edit is served again: %s", f.Data)
		}
	}
}

func dump(frames []Frame) string {
	var b bytes.Buffer
	for _, f := range frames {
		fmt.Fprintf(&b, "\n  %d %s", f.Seq, f.Data)
	}
	return b.String()
}

func TestAStormOfJoinsLoadsTheTailOnce(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, 30)
	count := f.counted() // as after a restart: nothing in memory
	var wg sync.WaitGroup
	errs := make(chan string, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var seqs []int64
			for _, fr := range caughtUp(t, f.reg, at(10)) {
				if fr.Seq > 0 {
					seqs = append(seqs, fr.Seq)
				}
			}
			if !slices.Equal(seqs, span(11, 30)) {
				errs <- fmt.Sprint(seqs)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("a joiner at 10 got %s, want 11..30", e)
	}
	if h, l := count.heads.Load(), count.latest.Load(); h != 1 || l != 0 {
		t.Errorf("50 joins read the head %d times and the latest page %d times; want one load: 1 and 0", h, l)
	}
}

func TestAGapEmptiesTheTailAndTheNextJoinReloadsIt(t *testing.T) {
	f := newFixture(t, 0)
	warm := newRecSink()
	if _, err := f.reg.Open(Join{Board: "b", Sink: warm}); err != nil {
		t.Fatal(err)
	}
	f.post(t, 5)
	f.broker.deliver(1, 2, 4) // 3 is lost on the way
	warm.waitFor(t, "1..4, 3 from the store", func() bool { return len(warm.logSeqs()) == 4 })
	count := f.counted()
	var seqs []int64
	for _, fr := range caughtUp(t, f.reg, at(0)) {
		if fr.Seq > 0 {
			seqs = append(seqs, fr.Seq)
		}
	}
	if !slices.Equal(seqs, span(1, 5)) {
		t.Fatalf("a join after the gap got %v, want 1..5", seqs)
	}
	if count.heads.Load() != 1 {
		t.Errorf("%d head reads, want the one of a reload", count.heads.Load())
	}
}

func TestAReaderOlderThanTheTailReadsTheStore(t *testing.T) {
	f := newFixture(t, 1<<20) // the warm reader takes every post at once
	warm := newRecSink()
	if _, err := f.reg.Open(Join{Board: "b", Sink: warm}); err != nil {
		t.Fatal(err)
	}
	n := int64(TailEvents + TailEvents/4 + 10) // past the first trim
	f.postConcurrently(t, int(n))
	f.broker.deliver(span(1, n)...)
	warm.waitFor(t, "every post live", func() bool { return len(warm.logSeqs()) == int(n) })
	count := f.counted()
	seqsOf := func(frames []Frame) []int64 {
		var out []int64
		for _, fr := range frames {
			if fr.Seq > 0 {
				out = append(out, fr.Seq)
			}
		}
		return out
	}
	if got := seqsOf(caughtUp(t, f.reg, at(n-5))); !slices.Equal(got, span(n-4, n)) || count.reads() != 0 {
		t.Errorf("a reader 5 behind got %v with %d store reads; want %d..%d from memory", got, count.reads(), n-4, n)
	}
	if got := seqsOf(caughtUp(t, f.reg, at(0))); !slices.Equal(got, span(1, n)) || count.reads() == 0 {
		t.Errorf("a reader from 0 got %d seqs with %d store reads; want 1..%d from the store", len(got), count.reads(), n)
	}
}

// postConcurrently appends n posts from 8 goroutines (the store commits
// them in groups).
func (f *fixture) postConcurrently(t *testing.T, n int) {
	t.Helper()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if _, _, err := f.store.Append(context.Background(), board.Command{Board: "b", Kind: board.KindPost, Author: "a", ID: fmt.Sprint("c", i), Name: "n", Text: "t", At: storedNow()}); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d posts failed", failed.Load())
	}
}
