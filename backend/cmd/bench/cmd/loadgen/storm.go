package main

import (
	"context"
	"fmt"
	"time"
)

// stormResult is the reconnect storm after a restart: every subscriber
// was live, the server restarts on the same data, and all come back at
// once, resuming after the last seq they had.
type stormResult struct {
	took     time.Duration // from the restarted server's first dial to every subscriber synced
	back     int           // subscribers synced again
	complete int           // of those, how many then had every post, each once and in order (-1: the server sends no seq)
}

// stormPosts are posted while the storm runs: each reader must get them.
const stormPosts = 10

func stormPhase(ctx context.Context, t target, srv **server, subs []*subscriber) (stormResult, error) {
	var res stormResult
	closeAll(subs)
	(*srv).stop()
	restarted, err := t.start(t.argv)
	if err != nil {
		return res, err
	}
	*srv = restarted
	posted := make(chan int64, 1) // the head once the storm's posts are acked
	go func() {
		post, acks, err := t.wire.poster(ctx, restarted.url)
		if err != nil {
			posted <- -1
			return
		}
		var head int64
		for i := range stormPosts {
			post(1_000_000 + i)
			time.Sleep(100 * time.Millisecond)
		}
		for range stormPosts {
			select {
			case seq := <-acks:
				head = max(head, seq)
			case <-time.After(30 * time.Second):
				posted <- -1
				return
			}
		}
		posted <- head
	}()
	subs, res.took, err = dialAll(ctx, t, restarted.url, subs)
	if err != nil {
		return res, err
	}
	res.back = connected(subs)
	readAll(ctx, subs)
	head := <-posted
	if head < 0 {
		return res, fmt.Errorf("the posts during the storm were not acked")
	}
	if !t.seqs { // no log to check
		res.complete = -1
		return res, nil
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		res.complete = 0
		for _, s := range subs {
			if s != nil && s.last.Load() == head && s.disorder.Load() == 0 {
				res.complete++
			}
		}
		if res.complete == res.back || time.Now().After(deadline) {
			break
		}
	}
	fmt.Printf("%s: storm after a restart: %d back in %v, %d with every post up to %d\n", t.name, res.back, res.took.Round(time.Millisecond), res.complete, head)
	return res, nil
}
