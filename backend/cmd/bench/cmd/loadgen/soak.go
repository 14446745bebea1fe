package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// soak: c.subs WebSockets for c.soakFor with 1 % of them leaving and
// coming back each second (each with a name: presence changes), and 50
// posts a second. RSS, heap, goroutines and open files are read from
// /metrics every 10 s. Pass: over the last 80 % of the run no series
// rises by 1 % of its mean per minute or more, and once every client has
// left, goroutines and files are back to their baseline plus 10.
//
// Each board first gets session.TailEvents posts (soakfill.go), so its
// bounded tail is full from the start.
//
// The clients and the posts are spread over c.soakBoards boards (100 by
// default: 100 readers each), as a deployment's are. On one board, 50
// posts/s to 10,000 readers is 500,000 frames/s: more than this 2-core
// machine delivers while it also runs the 10,000 readers, so the send
// queues stay full and the heap measures how full they happen to be, not
// a leak. A soak looks for leaks under a load the server keeps up with;
// the delivered count in the report shows that it did.

// soakPostsPerSecond is the soak's post rate, over all boards.
const soakPostsPerSecond = 50

type sample struct {
	at                         time.Duration
	rss, heap, goroutines, fds float64
	conns                      int
}

func soak(c config) error {
	work := fmt.Sprintf("%s/liveboard-soak-%d", strings.TrimSuffix(tmpDir(), "/"), time.Now().UnixNano())
	srv, err := startServer([]string{c.liveboard, "-addr", "127.0.0.1:0", "-data", work, "-metrics", "-max-conns", "30000", "-post-burst", "1000000000"})
	if err != nil {
		return err
	}
	defer srv.stop()
	base, err := scrapeSample(srv.url)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	boards := max(c.soakBoards, 1)
	boardURL := func(b int) string {
		return "ws" + strings.TrimPrefix(srv.url, "http") + fmt.Sprintf("/ws?board=soak-%03d", b)
	}
	if err := fillBoards(ctx, boards, boardURL); err != nil {
		return err
	}
	var delivered atomic.Int64 // messages the readers received
	var d dialer
	var mu sync.Mutex
	clients := make([]*websocket.Conn, c.subs)
	open := func(i int) {
		dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
		defer dcancel()
		conn, _, err := websocket.Dial(dctx, boardURL(i%boards), &websocket.DialOptions{HTTPClient: d.client()})
		if err != nil {
			return
		}
		conn.SetReadLimit(protocol.MaxFrameBytes)
		b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: fmt.Sprintf("soak-client-token-%06d", i), Name: fmt.Sprint("reader ", i)})
		if conn.Write(dctx, websocket.MessageText, b) != nil {
			conn.CloseNow()
			return
		}
		go func() { // read until closed
			synced := false // the catch-up page before synced is not a delivery
			for {
				_, m, err := conn.Read(ctx)
				if err != nil {
					return
				}
				switch {
				case synced && bytes.Contains(m, []byte(`"type":"message"`)):
					delivered.Add(1)
				case !synced:
					synced = bytes.Contains(m, []byte(`"type":"synced"`))
				}
			}
		}()
		mu.Lock()
		clients[i] = conn
		mu.Unlock()
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	for i := range clients {
		sem <- struct{}{}
		wg.Add(1)
		go func() { defer wg.Done(); defer func() { <-sem }(); open(i) }()
	}
	wg.Wait()
	fmt.Printf("soak: %d clients connected on %d boards; %v with 1 %%/s churn and %d posts/s\n", live(&mu, clients), boards, c.soakFor, soakPostsPerSecond)

	posters, err := soakPosters(ctx, boards, boardURL)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	var churning sync.WaitGroup // the churn loop and the reconnects it started
	churning.Add(1)
	go func() { // soakPostsPerSecond, round the boards
		t := time.NewTicker(time.Second / soakPostsPerSecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				posters[i%boards].post()
			}
		}
	}()
	go func() { // churn: 1 % a second leave and come back
		defer churning.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				for range len(clients) / 100 {
					i := rand.IntN(len(clients))
					mu.Lock()
					conn := clients[i]
					clients[i] = nil
					mu.Unlock()
					// A nil slot is still reopening (or failed to): a second
					// open of it would overwrite the first's socket in the
					// slot, and that socket would never be closed.
					if conn == nil {
						continue
					}
					conn.Close(websocket.StatusNormalClosure, "")
					churning.Add(1)
					go func() { defer churning.Done(); open(i) }()
				}
			}
		}
	}()
	var samples []sample
	start := time.Now()
	deliveredAtStart := delivered.Load()
	for tick := time.NewTicker(10 * time.Second); time.Since(start) < c.soakFor; <-tick.C {
		// RSS is read before the forced collection: the collection and the
		// scavenger after it make RSS swing by more than any leak would.
		before, err := scrapeSample(srv.url)
		if err != nil {
			return err
		}
		// SIGUSR1 makes the server collect its garbage: heap_alloc is then
		// the live heap, not the sawtooth between collections.
		srv.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(1500 * time.Millisecond)
		s, err := scrapeSample(srv.url)
		if err != nil {
			return err
		}
		s.rss = before.rss
		s.at, s.conns = time.Since(start).Round(time.Second), live(&mu, clients)
		samples = append(samples, s)
		fmt.Printf("  %v: %d clients, RSS %.1f MiB, heap %.1f MiB, %0.f goroutines, %0.f fds\n", s.at, s.conns, s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.fds)
	}
	close(stop)
	rate := deliveryRate{
		offered:  float64(soakPostsPerSecond * c.subs / boards),
		received: float64(delivered.Load()-deliveredAtStart) / time.Since(start).Seconds(),
	}
	churning.Wait() // no reconnect may land after the teardown
	// Everyone leaves at once: CloseNow, not a close handshake per client
	// one after another (that took minutes for 10,000).
	mu.Lock()
	for i, conn := range clients {
		if conn != nil {
			conn.CloseNow()
			clients[i] = nil
		}
	}
	mu.Unlock()
	for _, p := range posters {
		p.conn.CloseNow()
	}
	// Back to the baseline: wait for the server to see everyone go.
	var after sample
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		if after, err = scrapeSample(srv.url); err == nil && after.goroutines <= base.goroutines+10 && after.fds <= base.fds+10 {
			break
		}
	}
	if after.goroutines > base.goroutines+10 {
		// What stayed: Go prints every goroutine's stack on SIGQUIT.
		srv.echo.Store(true)
		srv.cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(2 * time.Second)
	}
	return reportSoak(c, boards, rate, base, after, samples)
}

// soakPosters opens one poster per board.
func soakPosters(ctx context.Context, boards int, boardURL func(int) string) ([]*wsPoster, error) {
	posters := make([]*wsPoster, boards)
	for b := range posters {
		p, err := dialPoster(ctx, boardURL(b), fmt.Sprintf("soak-poster-token-%06d", b))
		if err != nil {
			return nil, err
		}
		posters[b] = p
	}
	return posters, nil
}

func live(mu *sync.Mutex, clients []*websocket.Conn) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, c := range clients {
		if c != nil {
			n++
		}
	}
	return n
}

func tmpDir() string { return os.TempDir() }
