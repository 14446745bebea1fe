package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
	"liveboard/backend/store/sqlite"
	"liveboard/shared/protocol"
)

// durable measures acked posts per second: the SQLite store with group
// commit and with one transaction per post, then the whole server over
// WebSocket.
func durable(c config, work string) error {
	fmt.Printf("\ndurable posts: %d concurrent posters, %v each run, synchronous=FULL\n\n", c.posters, c.durableFor)
	fmt.Println("| what | acked posts/s | × one transaction per post |")
	fmt.Println("|---|---:|---:|")
	baseline, err := storeRate(c, work+"/tx-per-post", 1)
	if err != nil {
		return err
	}
	grouped, err := storeRate(c, work+"/group", 0)
	if err != nil {
		return err
	}
	server, err := serverRate(c, work+"/server")
	if err != nil {
		return err
	}
	fmt.Printf("| store, one transaction per post | %.0f | 1.00 |\n", baseline)
	fmt.Printf("| store, group commit | %.0f | %.1f |\n", grouped, grouped/baseline)
	fmt.Printf("| liveboard over WebSocket, a board per poster (group commit) | %.0f | %.1f |\n", server, server/baseline)
	if c.termLines > 0 {
		term, err := termPostRate(c, work+"/term", c.termLines)
		if err != nil {
			return err
		}
		fmt.Printf("| `liveboard post`, %d lines on stdin | %.0f | %.1f (%.2f × the WebSocket row) |\n", c.termLines, term, term/baseline, term/server)
		first, err := tailFirstLine(c, work+"/tail", 11)
		if err != nil {
			return err
		}
		fmt.Printf("\n`liveboard tail` on a board of 50 messages: first line after %v (median of 11 starts, process start included)\n", first.Round(time.Millisecond))
	}
	return nil
}

func storeRate(c config, dir string, maxBatch int) (float64, error) {
	os.MkdirAll(dir, 0o755)
	s, err := sqlite.Open(dir, sqlite.Options{MaxBatch: maxBatch})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return appendRate(c, s, func(int) string { return "bench" }), nil
}

// appendRate is acked appends per second from c.posters goroutines for
// c.durableFor, poster p writing to boardOf(p).
func appendRate(c config, s board.Store, boardOf func(p int) string) float64 {
	var n atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(c.durableFor)
	start := time.Now()
	for p := 0; p < c.posters; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				_, _, err := s.Append(context.Background(), board.Command{Board: boardOf(p), Kind: board.KindPost,
					Author: fmt.Sprint("a", p), ID: protocol.NewID("p-"), Name: "x", Text: "durable post", At: time.Now()})
				if err != nil {
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

func serverRate(c config, dir string) (float64, error) {
	srv, err := startServer([]string{c.liveboard, "-addr", "127.0.0.1:0", "-data", dir, "-post-burst", "1000000000"})
	if err != nil {
		return 0, err
	}
	defer srv.stop()
	// Each poster on a board of its own: this measures the path to disk and
	// back, not the fan-out of every post to the 99 others (fan-out has its
	// own measurement).
	wsURL := "ws" + strings.TrimPrefix(srv.url, "http") + "/ws?board=durable-"
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c.posters)
	ctx, cancel := context.WithTimeout(context.Background(), c.durableFor+30*time.Second)
	defer cancel()
	var ready sync.WaitGroup
	ready.Add(c.posters)
	startAt := make(chan struct{})
	for p := 0; p < c.posters; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, _, err := websocket.Dial(ctx, fmt.Sprint(wsURL, p), nil)
			if err != nil {
				ready.Done()
				errs <- err
				return
			}
			defer conn.CloseNow()
			if err := hello(ctx, conn, fmt.Sprintf("durable-poster-token-%d", p)); err != nil {
				ready.Done()
				errs <- err
				return
			}
			ready.Done()
			<-startAt
			end := time.Now().Add(c.durableFor)
			for time.Now().Before(end) {
				b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: protocol.NewID("p-"), Text: "durable post"})
				if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
					errs <- err
					return
				}
				for { // wait for this post's ack; skip the board's own events
					_, m, err := conn.Read(ctx)
					if err != nil {
						errs <- err
						return
					}
					if bytes.Contains(m, []byte(`"type":"ack"`)) {
						break
					}
				}
				n.Add(1)
			}
		}()
	}
	ready.Wait()
	start := time.Now()
	close(startAt)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}
