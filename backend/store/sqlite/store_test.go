package sqlite

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/board/storetest"
	"liveboard/shared/protocol"
)

func post(author, id, text string) board.Command {
	return board.Command{Board: "b", Kind: board.KindPost, Author: author, ID: id, Name: "n", Text: text, At: time.Now()}
}

// The Store contract, as every adapter must keep it.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Storage {
		dir := t.TempDir()
		return func(onCommit func([]board.Event)) (board.Store, error) {
			return Open(dir, Options{OnCommit: onCommit})
		}
	})
}

// TestGroupCommitBatchesConcurrentAppends checks that concurrent appends
// share transactions, and that seqs stay gapless and in commit order.
func TestGroupCommitBatchesConcurrentAppends(t *testing.T) {
	var mu sync.Mutex
	var commits int
	var order []int64
	s, err := Open(t.TempDir(), Options{OnCommit: func(evs []board.Event) {
		mu.Lock()
		defer mu.Unlock()
		commits++
		for _, ev := range evs {
			order = append(order, ev.Seq)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.Append(context.Background(), post(fmt.Sprint("a", i%7), fmt.Sprint(i), "x")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s.Close()
	for i, seq := range order {
		if seq != int64(i+1) {
			t.Fatalf("published seqs %v…: not gapless and in order", order[:min(len(order), i+3)])
		}
	}
	if len(order) != n || commits >= n {
		t.Fatalf("%d events in %d commits: no batching", len(order), commits)
	}
	t.Logf("%d appends in %d transactions", n, commits)
}

// BenchmarkAppendConcurrent appends posts from 100 goroutines, as the
// durable-posts mode of bench:ws does; compare MaxBatch 1 with the default.
// Their ids are the clients' (protocol.NewID): the index's layout depends
// on them.
func BenchmarkAppendConcurrent(b *testing.B) {
	for _, batch := range []int{1, 0} {
		b.Run(fmt.Sprint("maxbatch=", batch), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{MaxBatch: batch})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var n atomic.Int64
			b.SetParallelism(50) // 100 posters on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				author := fmt.Sprint("a", n.Add(1))
				for pb.Next() {
					if _, _, err := s.Append(context.Background(), post(author, protocol.NewID("p-"), "durable post")); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
