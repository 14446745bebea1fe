package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
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
	wsURL := "ws" + strings.TrimPrefix(srv.url, "http") + "/ws?board=soak"
	var d dialer
	var mu sync.Mutex
	clients := make([]*websocket.Conn, c.subs)
	open := func(i int) {
		dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
		defer dcancel()
		conn, _, err := websocket.Dial(dctx, wsURL, &websocket.DialOptions{HTTPClient: d.client()})
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
			for {
				if _, _, err := conn.Read(ctx); err != nil {
					return
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
	fmt.Printf("soak: %d clients connected; %v with 1 %%/s churn and 50 posts/s\n", live(&mu, clients), c.soakFor)

	poster, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return err
	}
	if err := hello(ctx, poster, "soak-poster-token-000000"); err != nil {
		return err
	}
	go func() {
		for {
			if _, _, err := poster.Read(ctx); err != nil {
				return
			}
		}
	}()
	stop := make(chan struct{})
	var churning sync.WaitGroup // the churn loop and the reconnects it started
	churning.Add(1)
	go func() { // 50 posts a second
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint("s", i), Text: "soak post " + strconv.Itoa(i)})
				poster.Write(ctx, websocket.MessageText, b)
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
					if conn != nil {
						conn.Close(websocket.StatusNormalClosure, "")
					}
					churning.Add(1)
					go func() { defer churning.Done(); open(i) }()
				}
			}
		}
	}()
	var samples []sample
	start := time.Now()
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
	poster.Close(websocket.StatusNormalClosure, "")
	// Back to the baseline: wait for the server to see everyone go.
	var after sample
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		if after, err = scrapeSample(srv.url); err == nil && after.goroutines <= base.goroutines+10 && after.fds <= base.fds+10 {
			break
		}
	}
	return reportSoak(c, base, after, samples)
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

// scrapeSample reads the four series from /metrics.
func scrapeSample(base string) (sample, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	var s sample
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "process_resident_memory_bytes":
			s.rss = v
		case "go_memstats_heap_alloc_bytes": // live heap: read right after a forced GC
			s.heap = v
		case "go_goroutines":
			s.goroutines = v
		case "process_open_fds":
			s.fds = v
		}
	}
	return s, sc.Err()
}

// slopePerMinute is the least-squares slope of ys over the samples' times,
// per minute, as a share of the mean.
func slopePerMinute(samples []sample, y func(sample) float64) float64 {
	n := float64(len(samples))
	var sx, sy, sxx, sxy float64
	for _, s := range samples {
		x := s.at.Minutes()
		v := y(s)
		sx, sy, sxx, sxy = sx+x, sy+v, sxx+x*x, sxy+x*v
	}
	den := n*sxx - sx*sx
	if den == 0 || sy == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den / (sy / n)
}

func reportSoak(c config, base, after sample, samples []sample) error {
	tail := samples[len(samples)/5:] // the last 80 %
	fmt.Printf("\nsoak: %d WebSockets, %v, 1 %%/s churn with presence, 50 posts/s; samples every 10 s\n\n", c.subs, c.soakFor)
	fmt.Println("| at | clients | RSS MiB | live heap MiB | goroutines | open fds |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|")
	for i, s := range samples {
		if i%3 == 0 || i == len(samples)-1 {
			fmt.Printf("| %v | %d | %.1f | %.1f | %.0f | %.0f |\n", s.at, s.conns, s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.fds)
		}
	}
	fmt.Printf("\n| series | slope over the last %v, %% of mean per minute | pass (< 1 %%) |\n|---|---:|---|\n", tail[len(tail)-1].at-tail[0].at)
	pass := true
	for _, s := range []struct {
		name string
		y    func(sample) float64
	}{
		{"RSS", func(s sample) float64 { return s.rss }},
		{"live heap", func(s sample) float64 { return s.heap }},
		{"goroutines", func(s sample) float64 { return s.goroutines }},
		{"open fds", func(s sample) float64 { return s.fds }},
	} {
		slope := 100 * slopePerMinute(tail, s.y)
		ok := slope < 1
		pass = pass && ok
		fmt.Printf("| %s | %+.2f | %v |\n", s.name, slope, ok)
	}
	back := after.goroutines <= base.goroutines+10 && after.fds <= base.fds+10
	fmt.Printf("\nafter every client left: %.0f goroutines (baseline %.0f), %.0f fds (baseline %.0f): %v\n", after.goroutines, base.goroutines, after.fds, base.fds, back)
	if !pass || !back {
		return fmt.Errorf("soak failed")
	}
	fmt.Println("soak passed")
	return nil
}

func tmpDir() string { return os.TempDir() }
