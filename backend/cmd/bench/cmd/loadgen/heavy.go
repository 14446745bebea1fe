package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// heavyResult is the phase that offers more than the readers can take:
// where coalescing writes pays.
type heavyResult struct {
	deliveries     float64 // per second, over the phase and its drain
	cpu            float64 // µs of server CPU per delivered frame
	framesPerWrite float64 // liveboard only (its /metrics); 0 otherwise
}

// heavyPhase offers c.heavyRate posts/s for c.heavyFor, then waits until
// deliveries stop (a second without one, at most 60 s): the CPU and the
// writes of the backlog count too.
func heavyPhase(c config, srv *server, metrics bool, post func(int) error, n int) (heavyResult, error) {
	var res heavyResult
	if c.heavyRate <= 0 {
		return res, nil
	}
	deliveries.Store(0)
	before, _ := writeCounters(srv, metrics)
	cpu := startCPU(srv.cmd.Process.Pid)
	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(c.heavyRate))
	for end := start.Add(c.heavyFor); time.Now().Before(end); n++ {
		<-tick.C
		if err := post(n); err != nil {
			return res, err
		}
	}
	tick.Stop()
	for last, deadline := int64(-1), time.Now().Add(60*time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		d := deliveries.Load()
		if d == last {
			break
		}
		last = d
	}
	got := deliveries.Load()
	res.cpu = perUnit(cpu.used(), got)
	res.deliveries = float64(got) / time.Since(start).Seconds()
	if after, ok := writeCounters(srv, metrics); ok {
		if writes := after.writes - before.writes; writes > 0 {
			res.framesPerWrite = (after.frames - before.frames) / writes
		}
	}
	fmt.Printf("  %d posts/s offered: %.0f deliveries/s, %.1f µs CPU each, %.1f frames per write\n", c.heavyRate, res.deliveries, res.cpu, res.framesPerWrite)
	return res, nil
}

type writeCount struct{ frames, writes float64 }

// writeCounters reads liveboard's frames sent (all transports) and socket
// writes.
func writeCounters(srv *server, metrics bool) (writeCount, bool) {
	var w writeCount
	if !metrics {
		return w, false
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		return w, false
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(value, 64)
		switch {
		case strings.HasPrefix(name, "liveboard_frames_sent_total{"):
			w.frames += v // each run has readers on one transport only
		case name == "liveboard_socket_writes_total":
			w.writes = v
		}
	}
	return w, sc.Err() == nil
}
