package ui

import (
	"context"
	"errors"
	"testing"
	"time"
)

var errTestEnded = errors.New("ended")

// What arrived before the end is read, in order, then the end; a reader
// waiting on an empty inbox is woken by a push from another goroutine.
func TestInboxReadsEverythingBeforeTheEnd(t *testing.T) {
	q := newInbox[string]()
	got := make(chan string)
	go func() {
		v, _ := q.next(context.Background(), errTestEnded)
		got <- v
	}()
	q.push("woken")
	if v := <-got; v != "woken" {
		t.Fatalf("got %q", v)
	}
	q.push("a")
	q.push("b")
	q.end()
	for _, want := range []string{"a", "b"} {
		if v, err := q.next(context.Background(), errTestEnded); v != want || err != nil {
			t.Fatalf("got %q %v, want %q", v, err, want)
		}
	}
	if _, err := q.next(context.Background(), errTestEnded); err != errTestEnded || !q.isEnded() {
		t.Fatalf("after the end: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := newInbox[string]().next(ctx, errTestEnded); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a cancelled wait returned %v", err)
	}
}
