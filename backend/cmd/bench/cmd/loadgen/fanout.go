package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

type fanoutResult struct {
	name              string
	connected         int
	idlePerConn       float64 // bytes
	busyPerConn       float64
	fixedDeliveries   float64 // per second
	p50, p99          time.Duration
	saturated         float64 // deliveries per second
	saturatedPostsSec float64
}

// dialer spreads source addresses over 127.0.0.2–127.0.0.250, so that
// 10,000 connections do not exhaust one address's ports.
type dialer struct{ n atomic.Uint32 }

func (d *dialer) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		ip := net.IPv4(127, 0, 0, byte(2+d.n.Add(1)%249))
		return (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext(ctx, network, addr)
	}}}
}

// subscriber counts deliveries and keeps the latency of the timed ones.
// It reads over WebSocket, or over SSE (next gives each event's data).
type subscriber struct {
	next      func(ctx context.Context) ([]byte, error)
	close     func()
	latencies []time.Duration
	mu        sync.Mutex
}

var (
	deliveries atomic.Int64
	recording  atomic.Bool
	// recordFrom ignores posts sent before it (unix ns): the backlog of a
	// saturated phase must not count as the latency of the next.
	recordFrom atomic.Int64
)

func (s *subscriber) readLoop(ctx context.Context) {
	for {
		b, err := s.next(ctx)
		if err != nil {
			return
		}
		if !bytes.Contains(b, []byte(`"type":"message"`)) {
			continue
		}
		deliveries.Add(1)
		if i := bytes.Index(b, []byte("sent=")); i >= 0 && recording.Load() {
			j := i + 5
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if sent, err := strconv.ParseInt(string(b[i+5:j]), 10, 64); err == nil && sent >= recordFrom.Load() {
				s.mu.Lock()
				s.latencies = append(s.latencies, time.Duration(time.Now().UnixNano()-sent))
				s.mu.Unlock()
			}
		}
	}
}

func hello(ctx context.Context, c *websocket.Conn, token string) error {
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: token})
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		return err
	}
	for { // up to synced
		_, m, err := c.Read(ctx)
		if err != nil {
			return err
		}
		if bytes.Contains(m, []byte(`"type":"synced"`)) {
			return nil
		}
	}
}

// dialWS opens a WebSocket subscriber, up to synced.
func dialWS(ctx context.Context, d *dialer, wsURL, token string) (*subscriber, error) {
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: d.client()})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	if err := hello(ctx, conn, token); err != nil {
		conn.CloseNow()
		return nil, err
	}
	return &subscriber{
		next: func(ctx context.Context) ([]byte, error) {
			_, b, err := conn.Read(ctx)
			return b, err
		},
		close: func() { conn.CloseNow() },
	}, nil
}

// dialSSE opens an SSE subscriber, up to synced.
func dialSSE(ctx context.Context, d *dialer, eventsURL string) (*subscriber, error) {
	rctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel) // only until synced
	req, _ := http.NewRequestWithContext(rctx, "GET", eventsURL, nil)
	resp, err := d.client().Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("events: %s", resp.Status)
	}
	r := client.NewEventReader(resp.Body)
	for {
		ev, err := r.Next()
		if err != nil {
			cancel()
			return nil, err
		}
		if ev.Type == protocol.TypeSynced {
			break
		}
	}
	stop()
	return &subscriber{
		next: func(context.Context) ([]byte, error) {
			ev, err := r.Next()
			return []byte(ev.Data), err
		},
		close: func() { cancel(); resp.Body.Close() },
	}, nil
}

func fanout(c config, name, transport string, argv []string, scrape bool) (fanoutResult, error) {
	res := fanoutResult{name: name}
	srv, err := startServer(argv)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	if scrape {
		stop := scrapeEverySecond(srv.url + "/metrics")
		defer stop()
	}
	base := srv.rss(true)
	wsURL := "ws" + strings.TrimPrefix(srv.url, "http") + "/ws?board=bench"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Ramp up: 100 dials at a time (the listen backlog here is 4096).
	var d dialer
	subs := make([]*subscriber, c.subs)
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
			var s *subscriber
			var err error
			if transport == "sse" {
				s, err = dialSSE(dctx, &d, srv.url+"/api/boards/bench/events")
			} else {
				s, err = dialWS(dctx, &d, wsURL, fmt.Sprintf("loadgen-subscriber-%06d", i))
			}
			if err != nil {
				failed.Add(1)
				return
			}
			subs[i] = s
		}()
	}
	wg.Wait()
	live := subs[:0]
	for _, s := range subs {
		if s != nil {
			live = append(live, s)
		}
	}
	subs = live
	res.connected = len(subs)
	fmt.Printf("%s: %d subscribers in %v (%d failed)\n", name, len(subs), time.Since(start).Round(time.Millisecond), failed.Load())
	defer func() {
		for _, s := range subs {
			s.close()
		}
	}()
	if len(subs) == 0 {
		return res, fmt.Errorf("no subscriber connected")
	}
	time.Sleep(8 * time.Second) // past the last presence frame (1 s) and the writers' linger (5 s)
	idle := srv.rss(true)
	res.idlePerConn = float64(idle-base) / float64(len(subs))
	for _, s := range subs {
		go s.readLoop(ctx)
	}

	poster, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return res, err
	}
	defer poster.CloseNow()
	poster.SetReadLimit(protocol.MaxFrameBytes)
	if err := hello(ctx, poster, "loadgen-poster-token-0"); err != nil {
		return res, err
	}
	acks := make(chan struct{}, 1<<16)
	go func() {
		for {
			_, b, err := poster.Read(ctx)
			if err != nil {
				return
			}
			if bytes.Contains(b, []byte(`"type":"ack"`)) {
				acks <- struct{}{}
			}
		}
	}()
	post := func(i int) error {
		b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint("p", i), Text: fmt.Sprintf("sent=%d", time.Now().UnixNano())})
		return poster.Write(ctx, websocket.MessageText, b)
	}

	// Fixed rate.
	recording.Store(true)
	deliveries.Store(0)
	tick := time.NewTicker(time.Second / time.Duration(c.rate))
	phaseEnd := time.Now().Add(c.fixedFor)
	n := 0
	var busy int64
	for time.Now().Before(phaseEnd) {
		<-tick.C
		if err := post(n); err != nil {
			return res, err
		}
		n++
		if n == c.rate*int(c.fixedFor.Seconds())/2 {
			busy = srv.rss(false)
		}
	}
	tick.Stop()
	time.Sleep(2 * time.Second) // let the last posts arrive
	recording.Store(false)
	res.fixedDeliveries = float64(deliveries.Load()) / (c.fixedFor.Seconds())
	res.busyPerConn = float64(busy-base) / float64(len(subs))
	var all []time.Duration
	for _, s := range subs {
		s.mu.Lock()
		all = append(all, s.latencies...)
		s.latencies = nil
		s.mu.Unlock()
	}
	slices.Sort(all)
	if len(all) > 0 {
		res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	for len(acks) > 0 {
		<-acks
	}

	// Saturated: as fast as acks allow, 64 posts in flight.
	deliveries.Store(0)
	window := 64
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
			return res, fmt.Errorf("no ack for 5 s in the saturated phase")
		}
	}
	elapsed := time.Since(t0)
	res.saturated = float64(deliveries.Load()) / elapsed.Seconds()
	res.saturatedPostsSec = float64(sent) / elapsed.Seconds()
	fmt.Printf("%s: idle %.1f KiB/conn, busy %.1f KiB/conn, %0.f deliveries/s at %d posts/s (p50 %v, p99 %v), saturated %.0f deliveries/s\n",
		name, res.idlePerConn/1024, res.busyPerConn/1024, res.fixedDeliveries, c.rate, res.p50, res.p99, res.saturated)
	return res, nil
}

func printFanout(c config, rows []fanoutResult) {
	fmt.Printf("\nfan-out: %d subscribers on one board, %d posts/s for %v, then saturated for %v (loopback, same load generator)\n\n", c.subs, c.rate, c.fixedFor, c.saturateFor)
	fmt.Println("| server | subscribers | deliveries/s saturated | × peer | deliveries/s at fixed rate | p50 | p99 | KiB per idle conn | KiB per busy conn |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	peer := rows[len(rows)-1]
	for _, r := range rows {
		fmt.Printf("| %s | %d | %.0f | %.2f | %.0f | %v | %v | %.1f | %.1f |\n", r.name, r.connected, r.saturated, r.saturated/peer.saturated,
			r.fixedDeliveries, r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond), r.idlePerConn/1024, r.busyPerConn/1024)
	}
}
