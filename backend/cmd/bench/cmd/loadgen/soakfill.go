package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"liveboard/backend/session"
)

// fillBoards posts at least session.TailEvents messages to each board and
// waits for their acks, before any reader comes. A board's tail, the
// bounded cache joins catch up from, then loads full at the first join and
// stays at its cap: the soak measures the steady state, not a cache
// filling up (at 50 posts/s over 100 boards, 10 minutes add only 300
// posts a board).
//
// A tail grows by a quarter past its cap and is then cut back (tail.push).
// Posts go round the boards, so boards filled alike would grow and be cut
// all at once: a heap sawtooth of about 6 MiB with a period near the
// soak's length, which the trend would read as a rise. Board b gets
// b/boards of that quarter more, so the boards' cuts are spread evenly,
// as a deployment's boards are.
func fillCount(b, boards int) int {
	return session.TailEvents + b*(session.TailEvents/4)/boards
}
func fillBoards(ctx context.Context, boards int, boardURL func(int) string) error {
	var wg sync.WaitGroup
	errs := make([]error, boards)
	sem := make(chan struct{}, 10)
	for b := range boards {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[b] = fillBoard(ctx, b, boardURL(b), fillCount(b, boards))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func fillBoard(ctx context.Context, b int, url string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, fillTimeout)
	defer cancel()
	p, err := dialPoster(ctx, url, fmt.Sprintf("soak-filler-token-%06d", b))
	if err != nil {
		return err
	}
	defer p.conn.CloseNow()
	go func() {
		for range n {
			if p.post() != nil {
				return
			}
		}
	}()
	for acked := 0; acked < n; acked++ {
		select {
		case <-p.acks:
		case <-ctx.Done():
			return fmt.Errorf("fill board %d: %d of %d acked in %v", b, acked, n, fillTimeout)
		}
	}
	return nil
}

// fillTimeout bounds the fill of one board.
const fillTimeout = 2 * time.Minute
