package main

import (
	"fmt"
	"strings"
	"time"
)

// fanoutAll runs bench:ws's fan-out on every server, one after another,
// with the same load generator, and prints one table.
func fanoutAll(c config, work string) error {
	lb := func(bin, data string) []string {
		return []string{bin, "-addr", "127.0.0.1:0", "-data", work + "/" + data, "-post-burst", "1000000000", "-send-queue", "4096", "-max-conns", "30000", "-metrics"}
	}
	if c.metricsCost > 0 {
		return metricsCost(c, func(i int, scrape bool) (fanoutResult, error) {
			name := "liveboard, websocket, /metrics not scraped"
			if scrape {
				name = "liveboard, websocket, /metrics scraped every 1 s"
			}
			return fanout(c, target{name: name, argv: lb(c.liveboard, fmt.Sprint("data-metrics-", i, scrape)), scrape: scrape, wire: liveboardWire{}, gc: true})
		})
	}
	var targets []target
	for _, tr := range strings.Split(c.transports, ",") {
		targets = append(targets, target{name: "liveboard, " + tr, argv: lb(c.liveboard, "data-"+tr), wire: liveboardWire{sse: tr == "sse"},
			gc: true, metrics: true, storm: tr == "websocket", seqs: true})
	}
	if c.previous != "" {
		targets = append(targets, target{name: "liveboard before, websocket", argv: lb(c.previous, "data-previous"), wire: liveboardWire{}, gc: true, storm: true, seqs: true})
	}
	if c.centrifugo != "" {
		argv, err := centrifugoArgv(c.centrifugo, work)
		if err != nil {
			return err
		}
		targets = append(targets, target{name: "Centrifugo v5.4.9", argv: argv, wire: centrifugoWire{}, start: startCentrifugo, storm: true})
	}
	targets = append(targets, target{name: "net/http + coder/websocket hub", argv: []string{c.peer, "-addr", "127.0.0.1:0"}, wire: liveboardWire{}, gc: true, storm: true})
	floor, err := floorRow(c, work)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	var rows []fanoutResult
	for _, t := range targets {
		r, err := fanout(c, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		rows = append(rows, r)
	}
	printFanout(c, rows, floor)
	return nil
}

func printFanout(c config, rows []fanoutResult, floor float64) {
	peer := rows[len(rows)-1]
	fmt.Printf("\nfan-out: %d subscribers on one board; %d posts/s for %v; %d posts/s offered for %v; saturated for %v (loopback, same load generator)\n\n",
		c.subs, c.rate, c.fixedFor, c.heavyRate, c.heavyFor, c.saturateFor)
	fmt.Println("| server | join | × peer | p50 | p99 | µs CPU per delivery at", c.rate, "posts/s | deliveries/s at", c.heavyRate, "offered | µs CPU each | frames per write | saturated deliveries/s | KiB per idle conn (10 s) | after GC |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		gc := "n/a"
		if r.idlePerConnGC > 0 {
			gc = fmt.Sprintf("%.1f", r.idlePerConnGC/1024)
		}
		fpw := "n/a"
		if r.heavy.framesPerWrite > 0 {
			fpw = fmt.Sprintf("%.1f", r.heavy.framesPerWrite)
		}
		fmt.Printf("| %s | %v | %.2f | %v | %v | %.1f | %.0f | %.1f | %s | %.0f | %.1f | %s |\n", r.name, r.join.Round(time.Millisecond), r.join.Seconds()/peer.join.Seconds(),
			r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond), r.cpuFixed, r.heavy.deliveries, r.heavy.cpu, fpw, r.saturated, r.idlePerConn/1024, gc)
	}
	fmt.Printf("| floor: a pre-built 120-byte frame, one Write per reader, no server logic | | | | | %.1f (per write) | | | | | | |\n", floor)
	if !c.storm {
		return
	}
	fmt.Printf("\nreconnect storm: the server restarted on its data, every subscriber back at once (resuming after its last seq), %d posts during it\n\n", stormPosts)
	fmt.Println("| server | back | all synced after | × peer | with every post, in order |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range rows {
		if r.storm.back == 0 {
			continue
		}
		complete := "n/a (no log)"
		if r.storm.complete >= 0 {
			complete = fmt.Sprint(r.storm.complete)
		}
		fmt.Printf("| %s | %d | %v | %.2f | %s |\n", r.name, r.storm.back, r.storm.took.Round(time.Millisecond), r.storm.took.Seconds()/peer.storm.took.Seconds(), complete)
	}
}
