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
	r := &soakRun{ctx: ctx, srv: srv, boards: max(c.soakBoards, 1), clients: make([]*websocket.Conn, c.subs)}
	if err := fillBoards(ctx, r.boards, r.boardURL); err != nil {
		return err
	}
	r.connectAll()
	fmt.Printf("soak: %d clients connected on %d boards; %v with 1 %%/s churn and %d posts/s\n", r.live(), r.boards, c.soakFor, soakPostsPerSecond)
	posters, err := soakPosters(ctx, r.boards, r.boardURL)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	go r.post(posters, stop)
	r.churning.Add(1)
	go r.churn(stop)
	start := time.Now()
	deliveredAtStart := r.delivered.Load()
	samples, err := r.sample(c.soakFor)
	close(stop)
	if err != nil {
		return err
	}
	rate := deliveryRate{
		offered:  float64(soakPostsPerSecond * c.subs / r.boards),
		received: float64(r.delivered.Load()-deliveredAtStart) / time.Since(start).Seconds(),
	}
	r.churning.Wait() // no reconnect may land after the teardown
	r.closeAll(posters)
	return reportSoak(c, r.boards, rate, base, r.awaitBaseline(base), samples)
}

// soakRun is one soak's server and readers. A nil slot in clients is a
// reader that left and is still coming back (or failed to).
type soakRun struct {
	ctx       context.Context
	srv       *server
	boards    int
	d         dialer
	delivered atomic.Int64   // messages the readers received
	churning  sync.WaitGroup // the churn loop and the reconnects it started

	mu      sync.Mutex
	clients []*websocket.Conn
}

func (r *soakRun) boardURL(b int) string {
	return "ws" + strings.TrimPrefix(r.srv.url, "http") + fmt.Sprintf("/ws?board=soak-%03d", b)
}

// connectAll opens every reader, 100 at a time.
func (r *soakRun) connectAll() {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	for i := range r.clients {
		sem <- struct{}{}
		wg.Add(1)
		go func() { defer wg.Done(); defer func() { <-sem }(); r.open(i) }()
	}
	wg.Wait()
}

// open connects reader i, says hello, and counts what it receives after
// synced until it is closed.
func (r *soakRun) open(i int) {
	dctx, dcancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer dcancel()
	conn, _, err := websocket.Dial(dctx, r.boardURL(i%r.boards), &websocket.DialOptions{HTTPClient: r.d.client()})
	if err != nil {
		return
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: fmt.Sprintf("soak-client-token-%06d", i), Name: fmt.Sprint("reader ", i)})
	if conn.Write(dctx, websocket.MessageText, b) != nil {
		conn.CloseNow()
		return
	}
	go func() {
		synced := false // the catch-up page before synced is not a delivery
		for {
			_, m, err := conn.Read(r.ctx)
			if err != nil {
				return
			}
			switch {
			case synced && bytes.Contains(m, []byte(`"type":"message"`)):
				r.delivered.Add(1)
			case !synced:
				synced = bytes.Contains(m, []byte(`"type":"synced"`))
			}
		}
	}()
	r.mu.Lock()
	r.clients[i] = conn
	r.mu.Unlock()
}

// post sends soakPostsPerSecond, round the boards, until stop.
func (r *soakRun) post(posters []*wsPoster, stop <-chan struct{}) {
	t := time.NewTicker(time.Second / soakPostsPerSecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-t.C:
			posters[i%r.boards].post()
		}
	}
}

// churn makes 1 % of the readers leave and come back each second, until
// stop.
func (r *soakRun) churn(stop <-chan struct{}) {
	defer r.churning.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			for range len(r.clients) / 100 {
				i := rand.IntN(len(r.clients))
				r.mu.Lock()
				conn := r.clients[i]
				r.clients[i] = nil
				r.mu.Unlock()
				// A nil slot is still reopening (or failed to): a second
				// open of it would overwrite the first's socket in the
				// slot, and that socket would never be closed.
				if conn == nil {
					continue
				}
				conn.Close(websocket.StatusNormalClosure, "")
				r.churning.Add(1)
				go func() { defer r.churning.Done(); r.open(i) }()
			}
		}
	}
}

// sample reads the server's /metrics every 10 s for d.
func (r *soakRun) sample(d time.Duration) ([]sample, error) {
	var samples []sample
	start := time.Now()
	for tick := time.NewTicker(10 * time.Second); time.Since(start) < d; <-tick.C {
		// RSS is read before the forced collection: the collection and the
		// scavenger after it make RSS swing by more than any leak would.
		before, err := scrapeSample(r.srv.url)
		if err != nil {
			return nil, err
		}
		// SIGUSR1 makes the server collect its garbage: heap_alloc is then
		// the live heap, not the sawtooth between collections.
		r.srv.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(1500 * time.Millisecond)
		s, err := scrapeSample(r.srv.url)
		if err != nil {
			return nil, err
		}
		s.rss = before.rss
		s.at, s.conns = time.Since(start).Round(time.Second), r.live()
		samples = append(samples, s)
		fmt.Printf("  %v: %d clients, RSS %.1f MiB, heap %.1f MiB, %0.f goroutines, %0.f fds\n", s.at, s.conns, s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.fds)
	}
	return samples, nil
}

// closeAll makes everyone leave at once: CloseNow, not a close handshake
// per client one after another (that took minutes for 10,000).
func (r *soakRun) closeAll(posters []*wsPoster) {
	r.mu.Lock()
	for i, conn := range r.clients {
		if conn != nil {
			conn.CloseNow()
			r.clients[i] = nil
		}
	}
	r.mu.Unlock()
	for _, p := range posters {
		p.conn.CloseNow()
	}
}

// awaitBaseline waits up to a minute for the server to see everyone go,
// and returns its last sample. Goroutines that stayed are printed: Go
// prints every goroutine's stack on SIGQUIT.
func (r *soakRun) awaitBaseline(base sample) sample {
	var after sample
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		if after, err = scrapeSample(r.srv.url); err == nil && after.goroutines <= base.goroutines+10 && after.fds <= base.fds+10 {
			break
		}
	}
	if after.goroutines > base.goroutines+10 {
		r.srv.echo.Store(true)
		r.srv.cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(2 * time.Second)
	}
	return after
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

// live counts the readers connected now.
func (r *soakRun) live() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.clients {
		if c != nil {
			n++
		}
	}
	return n
}

func tmpDir() string { return os.TempDir() }
