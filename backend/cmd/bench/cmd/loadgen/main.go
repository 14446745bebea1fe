// Command loadgen is bench:ws. It runs liveboard and the naive net/http +
// coder/websocket hub (peer-wshub) one after the other under the same
// load, on loopback only, and stops by itself:
//
//   - fan-out: N subscribers on one board (ramped up; source addresses
//     spread over 127.0.0.0/8 so ports do not run out), posts at a fixed
//     rate (delivery latency p50/p99), then posts as fast as acks allow
//     (saturated deliveries/s); server RSS per idle and busy connection.
//   - durable posts: 100 concurrent posters, acked posts/s, against the
//     same SQLite store committing one transaction per post.
package main

import (
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"
)

type config struct {
	liveboard, peer string
	centrifugo      string // the Centrifugo binary ("build": built here; "": left out)
	previous        string // an earlier liveboard binary, for a before/after row
	subs            int
	rate            int
	fixedFor        time.Duration
	heavyRate       int
	heavyFor        time.Duration
	storm           bool
	saturateFor     time.Duration
	posters         int
	durableFor      time.Duration
	only            string
	transports      string
	termLines       int
	metricsCost     int // rounds of the metrics-cost comparison (0: off)
	attackFor       time.Duration
	before          string // bench:slow's pipelining row: the binary before the fix
	soakFor         time.Duration
	soakBoards      int
}

func main() {
	var c config
	flag.StringVar(&c.liveboard, "liveboard", "../../../bin/liveboard", "the liveboard binary")
	flag.StringVar(&c.peer, "peer", "", "the peer-wshub binary (default: built here)")
	flag.StringVar(&c.centrifugo, "centrifugo", "build", "the Centrifugo v5.4.9 binary (build: built from backend/cmd/bench/centrifugo; none: left out)")
	flag.StringVar(&c.previous, "previous", "", "an earlier liveboard binary: its WebSocket row is measured too")
	flag.IntVar(&c.termLines, "term-lines", 10_000, "lines `liveboard post` sends in the durable mode (0: skip)")
	flag.StringVar(&c.transports, "transports", "websocket,sse", "liveboard's transports to measure")
	flag.IntVar(&c.subs, "subs", 10_000, "subscribers on the board")
	flag.IntVar(&c.rate, "rate", 5, "posts per second in the fixed-rate phase")
	flag.DurationVar(&c.fixedFor, "fixed-for", 15*time.Second, "length of the fixed-rate phase")
	flag.IntVar(&c.heavyRate, "heavy-rate", 100, "posts per second offered in the heavy phase (0: skip it)")
	flag.DurationVar(&c.heavyFor, "heavy-for", 10*time.Second, "length of the heavy phase")
	flag.BoolVar(&c.storm, "storm", true, "restart each server that keeps a log, and time its subscribers' return")
	flag.DurationVar(&c.saturateFor, "saturate-for", 10*time.Second, "length of the saturated phase")
	flag.IntVar(&c.posters, "posters", 100, "concurrent posters in the durable-posts mode")
	flag.DurationVar(&c.durableFor, "durable-for", 5*time.Second, "length of each durable-posts run")
	flag.IntVar(&c.metricsCost, "metrics-cost", 0, "instead of the usual rows: this many interleaved rounds of liveboard over WebSocket with /metrics scraped every second and not")
	flag.DurationVar(&c.attackFor, "attack-for", 30*time.Second, "length of each slow attack (bench:slow)")
	flag.StringVar(&c.before, "before", "", "bench:slow: a binary from before the pipelining fix, for its row")
	flag.DurationVar(&c.soakFor, "soak-for", 10*time.Minute, "length of the soak")
	flag.IntVar(&c.soakBoards, "soak-boards", 100, "boards the soak's clients and posts are spread over (1: every client on one board, an overload on this machine)")
	flag.StringVar(&c.only, "only", "", "fanout or durable (default both); cluster (bench:cluster) or pgdurable (bench:pg) alone")
	flag.Parse()
	raiseFileLimit()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func run(c config) error {
	work, err := os.MkdirTemp("", "loadgen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if c.peer == "" {
		c.peer = work + "/peer-wshub"
		if err := goBuild(c.peer, "./cmd/peer-wshub"); err != nil {
			return err
		}
	}
	switch c.centrifugo {
	case "none":
		c.centrifugo = ""
	case "build":
		c.centrifugo = ""
		if c.only == "" || c.only == "fanout" {
			c.centrifugo = work + "/centrifugo"
			if err := buildCentrifugo(c.centrifugo); err != nil {
				return err
			}
		}
	}
	switch c.only {
	case "cluster":
		return clusterBench(c, work)
	case "pgdurable":
		return pgDurable(c)
	case "slow":
		if err := pipelineLatency(map[string]string{"before": c.before, "after": c.liveboard}, 21, work); err != nil {
			return err
		}
		return slowBench(c, work)
	case "soak":
		return soak(c)
	}
	if c.only == "" || c.only == "fanout" {
		if err := fanoutAll(c, work); err != nil {
			return err
		}
	}
	if c.only == "" || c.only == "durable" {
		if err := durable(c, work); err != nil {
			return err
		}
	}
	return nil
}
