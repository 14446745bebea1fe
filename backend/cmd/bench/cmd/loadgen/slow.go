package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// bench:slow: slowhttptest's attacks against the real binary, with the
// defaults and with -max-conns 500, while a normal client measures
// /favicon.ico (a new connection each time, as a new visitor) and a
// WebSocket round trip (ping → pong on a socket opened before the attack).

type attack struct {
	name string
	args func(base string) []string
}

func attacks(length int) []attack {
	l := fmt.Sprint(length)
	return []attack{
		{"slowloris, 1,000 connections", func(base string) []string {
			return []string{"-H", "-c", "1000", "-r", "500", "-i", "5", "-x", "24", "-p", "3", "-l", l, "-u", base + "/"}
		}},
		{"slow POST bodies, 1,000 connections", func(base string) []string {
			return []string{"-B", "-c", "1000", "-r", "500", "-i", "5", "-x", "10", "-s", "65536", "-p", "3", "-l", l, "-u", base + "/api/boards/slow/messages", "-t", "POST"}
		}},
		{"slow reading of app.wasm, 1,000 connections", func(base string) []string {
			return []string{"-X", "-c", "1000", "-r", "500", "-w", "10", "-y", "20", "-n", "5", "-z", "32", "-k", "3", "-p", "3", "-l", l, "-u", base + "/web/app.wasm"}
		}},
		{"range-header flood", func(base string) []string {
			return []string{"-R", "-c", "1000", "-r", "500", "-a", "10", "-b", "3000", "-p", "3", "-l", l, "-u", base + "/web/app.wasm"}
		}},
	}
}

type slowResult struct {
	attack, config           string
	favP50, favP99, wsP99    time.Duration
	favicons, refused, fails int
	rssPeak                  int64
}

func slowBench(c config, work string) error {
	if _, err := exec.LookPath("slowhttptest"); err != nil {
		return fmt.Errorf("slowhttptest is missing (scripts/need slowhttptest)")
	}
	var rows []slowResult
	for i, a := range attacks(int(c.attackFor.Seconds())) {
		for j, cfg := range []struct {
			name string
			args []string
		}{
			{"defaults", nil},
			{"-max-conns 500", []string{"-max-conns", "500"}},
		} {
			argv := append([]string{c.liveboard, "-addr", "127.0.0.1:0", "-data", fmt.Sprintf("%s/slow-%d-%d", work, i, j)}, cfg.args...)
			r, err := underAttack(c, a, argv)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", a.name, cfg.name, err)
			}
			r.attack, r.config = a.name, cfg.name
			fmt.Printf("%s, %s: favicon p50 %v p99 %v (%d, %d refused with 503, %d failed), WebSocket p99 %v, RSS peak %.1f MiB\n",
				a.name, cfg.name, r.favP50, r.favP99, r.favicons, r.refused, r.fails, r.wsP99, float64(r.rssPeak)/(1<<20))
			rows = append(rows, r)
		}
	}
	fmt.Printf("\nslow attacks (slowhttptest, %v each) while a normal client fetches /favicon.ico every 50 ms on a new connection and does a WebSocket ping round trip every 50 ms\n\n", c.attackFor)
	fmt.Println("| attack | server | favicon p50 | favicon p99 | answered 503 | failed | WebSocket p99 | RSS peak |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %v | %v | %.1f %% | %d | %v | %.0f MiB |\n", r.attack, r.config, r.favP50.Round(100*time.Microsecond), r.favP99.Round(100*time.Microsecond),
			100*float64(r.refused)/float64(max(1, r.favicons)), r.fails, r.wsP99.Round(100*time.Microsecond), float64(r.rssPeak)/(1<<20))
	}
	return nil
}

func underAttack(c config, a attack, argv []string) (slowResult, error) {
	var r slowResult
	srv, err := startServer(argv)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.url, "http")+"/ws?board=slow", nil)
	if err != nil {
		return r, err
	}
	defer ws.CloseNow()
	if err := hello(ctx, ws, "slow-bench-normal-client-0"); err != nil {
		return r, err
	}
	cmd := exec.Command("slowhttptest", a.args(srv.url)...)
	cmd.Dir = os.TempDir()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	time.Sleep(3 * time.Second) // the attack's connections open
	var mu sync.Mutex
	var fav, rtt []time.Duration
	var wg sync.WaitGroup
	end := time.Now().Add(c.attackFor - 5*time.Second)
	wg.Add(3)
	go func() { // a new visitor every 50 ms
		defer wg.Done()
		cl := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		for time.Now().Before(end) {
			t0 := time.Now()
			resp, err := cl.Get(srv.url + "/favicon.ico")
			d := time.Since(t0)
			mu.Lock()
			r.favicons++
			switch {
			case err != nil:
				r.fails++
			case resp.StatusCode == 503:
				r.refused++
			case resp.StatusCode == 200:
				fav = append(fav, d)
			default:
				r.fails++
			}
			mu.Unlock()
			if resp != nil {
				resp.Body.Close()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	go func() { // a reader already connected: ping → pong
		defer wg.Done()
		ping, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePing})
		for time.Now().Before(end) {
			t0 := time.Now()
			if ws.Write(ctx, websocket.MessageText, ping) != nil {
				return
			}
			for {
				_, b, err := ws.Read(ctx)
				if err != nil {
					return
				}
				if strings.Contains(string(b), `"type":"pong"`) {
					break
				}
			}
			mu.Lock()
			rtt = append(rtt, time.Since(t0))
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	go func() { // the server's memory
		defer wg.Done()
		for time.Now().Before(end) {
			r.rssPeak = max(r.rssPeak, srv.rss(false))
			time.Sleep(500 * time.Millisecond)
		}
	}()
	wg.Wait()
	cmd.Process.Kill()
	cmd.Wait()
	slices.Sort(fav)
	slices.Sort(rtt)
	if len(fav) > 0 {
		r.favP50, r.favP99 = fav[len(fav)/2], fav[len(fav)*99/100]
	}
	if len(rtt) > 0 {
		r.wsP99 = rtt[len(rtt)*99/100]
	}
	return r, nil
}
