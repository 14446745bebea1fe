package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

type fanoutResult struct {
	name            string
	connected       int
	join            time.Duration // all subscribers dialled and synced
	idlePerConn     float64       // bytes, 10 s idle, no forced collection
	idlePerConnGC   float64       // bytes, after a forced collection (0: the server has none)
	busyPerConn     float64
	fixedDeliveries float64 // per second
	p50, p99        time.Duration
	cpuFixed        float64 // µs of server CPU per delivered frame at c.rate
	heavy           heavyResult
	saturated       float64 // deliveries per second
	storm           stormResult
}

// target is one server under test.
type target struct {
	name, transport string
	argv            []string
	scrape          bool // /metrics every second, for the metrics-cost rows
	wire            wire
	start           func(argv []string) (*server, error) // nil: startServer
	gc              bool                                 // SIGUSR1 makes it collect its garbage
	metrics         bool                                 // /metrics has liveboard's frame and write counters
	storm           bool                                 // restarted and resumed in the storm phase
	seqs            bool                                 // keeps a log: every reader must get every post, in order
}

// wire is how the load generator talks to one kind of server.
type wire interface {
	// dial opens subscriber i, up to synced; s, if not nil, comes back
	// after a restart and resumes where it was.
	dial(ctx context.Context, d *dialer, baseURL string, i int, s *subscriber) (*subscriber, error)
	// poster opens the publishing side; acks carries each post's seq (0
	// when the server has none).
	poster(ctx context.Context, baseURL string) (post func(i int) error, acks <-chan int64, err error)
}

func fanout(c config, t target) (fanoutResult, error) {
	res := fanoutResult{name: t.name}
	if t.start == nil {
		t.start = startServer
	}
	srv, err := t.start(t.argv)
	if err != nil {
		return res, err
	}
	defer func() { srv.stop() }()
	if t.scrape {
		stop := scrapeEverySecond(srv.url + "/metrics")
		defer stop()
	}
	base := srv.rss(t.gc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	subs, join, err := dialAll(ctx, t, srv.url, make([]*subscriber, c.subs))
	if err != nil {
		return res, err
	}
	defer func() { closeAll(subs) }()
	res.connected, res.join = connected(subs), join
	fmt.Printf("%s: %d subscribers in %v\n", t.name, res.connected, join.Round(time.Millisecond))
	time.Sleep(10 * time.Second) // past the last presence frame (1 s) and the writers' linger (5 s)
	res.idlePerConn = float64(srv.rss(false)-base) / float64(res.connected)
	if t.gc {
		res.idlePerConnGC = float64(srv.rss(true)-base) / float64(res.connected)
	}
	readAll(ctx, subs)

	post, acks, err := t.wire.poster(ctx, srv.url)
	if err != nil {
		return res, err
	}
	if err := fixedPhase(c, srv, post, subs, &res, base); err != nil {
		return res, err
	}
	n := c.rate * int(c.fixedFor.Seconds())
	if res.heavy, err = heavyPhase(c, srv, t.metrics, post, n); err != nil {
		return res, err
	}
	n += c.heavyRate * int(c.heavyFor.Seconds())
	for len(acks) > 0 {
		<-acks
	}
	if res.saturated, err = saturatedPhase(c, post, acks, n); err != nil {
		return res, err
	}
	fmt.Printf("%s: idle %.1f KiB/conn (%.1f after GC), %.0f deliveries/s at %d posts/s (p50 %v, p99 %v, %.1f µs CPU each), saturated %.0f deliveries/s\n",
		t.name, res.idlePerConn/1024, res.idlePerConnGC/1024, res.fixedDeliveries, c.rate, res.p50, res.p99, res.cpuFixed, res.saturated)
	if t.storm && c.storm {
		res.storm, err = stormPhase(ctx, t, &srv, subs)
	}
	return res, err
}

// dialAll opens len(subs) subscribers, 100 at a time (the listen backlog
// here is 4096), spreading source addresses; an entry already in subs
// resumes. It returns how long until all were synced.
func dialAll(ctx context.Context, t target, url string, subs []*subscriber) ([]*subscriber, time.Duration, error) {
	var d dialer
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	var failed atomic.Int64
	start := time.Now()
	for i := range subs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
			defer dcancel()
			s, err := t.wire.dial(dctx, &d, url, i, subs[i])
			if err != nil {
				failed.Add(1)
				subs[i] = nil
				return
			}
			subs[i] = s
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if failed.Load() > 0 {
		fmt.Printf("%s: %d subscribers failed to join\n", t.name, failed.Load())
	}
	if connected(subs) == 0 {
		return subs, took, fmt.Errorf("no subscriber connected")
	}
	return subs, took, nil
}

func connected(subs []*subscriber) int {
	n := 0
	for _, s := range subs {
		if s != nil {
			n++
		}
	}
	return n
}

func readAll(ctx context.Context, subs []*subscriber) {
	for _, s := range subs {
		if s != nil {
			go s.readLoop(ctx)
		}
	}
}

func closeAll(subs []*subscriber) {
	for _, s := range subs {
		if s != nil && s.close != nil {
			s.close()
		}
	}
}

// fixedPhase posts at c.rate: delivery latency and CPU per delivery.
func fixedPhase(c config, srv *server, post func(int) error, subs []*subscriber, res *fanoutResult, base int64) error {
	recording.Store(true)
	deliveries.Store(0)
	cpu := startCPU(srv.cmd.Process.Pid)
	tick := time.NewTicker(time.Second / time.Duration(c.rate))
	phaseEnd := time.Now().Add(c.fixedFor)
	var busy int64
	for n := 0; time.Now().Before(phaseEnd); n++ {
		<-tick.C
		if err := post(n); err != nil {
			return err
		}
		if n == c.rate*int(c.fixedFor.Seconds())/2 {
			busy = srv.rss(false)
		}
	}
	tick.Stop()
	time.Sleep(2 * time.Second) // let the last posts arrive
	recording.Store(false)
	res.cpuFixed = perUnit(cpu.used(), deliveries.Load())
	res.fixedDeliveries = float64(deliveries.Load()) / c.fixedFor.Seconds()
	res.busyPerConn = float64(busy-base) / float64(res.connected)
	var all []time.Duration
	for _, s := range subs {
		if s == nil {
			continue
		}
		s.mu.Lock()
		all = append(all, s.latencies...)
		s.latencies = nil
		s.mu.Unlock()
	}
	slices.Sort(all)
	if len(all) > 0 {
		res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	return nil
}

// saturatedPhase posts as fast as acks allow, 64 in flight.
func saturatedPhase(c config, post func(int) error, acks <-chan int64, n int) (float64, error) {
	deliveries.Store(0)
	const window = 64
	sent := 0
	t0 := time.Now()
	for ; sent < window; sent++ {
		post(n + sent)
	}
	for time.Since(t0) < c.saturateFor {
		select {
		case <-acks:
			post(n + sent)
			sent++
		case <-time.After(5 * time.Second):
			return 0, fmt.Errorf("no ack for 5 s in the saturated phase")
		}
	}
	return float64(deliveries.Load()) / time.Since(t0).Seconds(), nil
}

// liveboardWire is liveboard's protocol over WebSocket (the naive hub
// speaks enough of it too); sse reads over SSE instead.
type liveboardWire struct{ sse bool }

func (w liveboardWire) dial(ctx context.Context, d *dialer, base string, i int, s *subscriber) (*subscriber, error) {
	if w.sse {
		return dialSSE(ctx, d, base+"/api/boards/bench/events")
	}
	return dialWS(ctx, d, wsURLOf(base), fmt.Sprintf("loadgen-subscriber-%06d", i), s)
}

func wsURLOf(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/ws?board=bench" }

func (liveboardWire) poster(ctx context.Context, base string) (func(int) error, <-chan int64, error) {
	p, err := dialPoster(ctx, wsURLOf(base), "loadgen-poster-token-0")
	if err != nil {
		return nil, nil, err
	}
	var mu sync.Mutex // posts come from one goroutine, except in the storm
	return func(i int) error {
		b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint("p", i), Text: fmt.Sprintf("sent=%d", time.Now().UnixNano())})
		mu.Lock()
		defer mu.Unlock()
		return p.conn.Write(ctx, websocket.MessageText, b)
	}, p.acks, nil
}
