package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// bench:cluster: three nodes on PostgreSQL and NATS against one node on
// SQLite with the in-process hub, under the same load: c.subs subscribers
// spread over the nodes, posts through every node.

type clusterResult struct {
	name       string
	nodes      int
	connected  int
	join       time.Duration
	saturated  float64 // deliveries/s
	satPosts   float64 // posts/s
	fixedRate  float64 // deliveries/s offered in the latency phase
	p50, p99   time.Duration
	cpuPer10k  map[string]float64 // CPU seconds per 10,000 deliveries, by process group
	natsPerPos float64            // NATS event messages received per post, all nodes
}

func natsURL() string {
	if u := os.Getenv("LIVEBOARD_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

func clusterBench(c config, work string) error {
	dbURL, drop, err := freshDatabase()
	if err != nil {
		return err
	}
	defer drop()
	b := make([]byte, 4)
	rand.Read(b)
	prefix := "lbbench" + hex.EncodeToString(b)
	lb := func(extra ...string) []string {
		return append([]string{c.liveboard, "-addr", "127.0.0.1:0", "-post-burst", "1000000000", "-send-queue", "4096", "-max-conns", "30000", "-metrics"}, extra...)
	}
	var rows []clusterResult
	// Three nodes, then one node on the same engines: the second row
	// separates what the engines cost from what three processes sharing
	// two cores cost.
	for _, n := range []int{3, 1} {
		var nodes []*server
		for i := range n {
			s, err := startServer(lb("-data", fmt.Sprintf("%s/node%d-%d", work, n, i), "-store", dbURL, "-broker", natsURL(), "-broker-prefix", fmt.Sprint(prefix, n)))
			if err != nil {
				return err
			}
			nodes = append(nodes, s)
		}
		r, err := measureCluster(c, fmt.Sprintf("%d node(s), PostgreSQL + NATS", n), nodes, fmt.Sprint("bench", n))
		for _, s := range nodes {
			s.stop()
		}
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	single, err := startServer(lb("-data", work+"/single"))
	if err != nil {
		return err
	}
	r, err := measureCluster(c, "1 node, SQLite + in-process hub", []*server{single}, "bench")
	single.stop()
	if err != nil {
		return err
	}
	rows = append(rows, r)
	printCluster(c, rows)
	return nil
}

func measureCluster(c config, name string, nodes []*server, boardName string) (clusterResult, error) {
	res := clusterResult{name: name, nodes: len(nodes), cpuPer10k: map[string]float64{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wsURL := func(n int) string {
		return "ws" + strings.TrimPrefix(nodes[n%len(nodes)].url, "http") + "/ws?board=" + boardName
	}

	var d dialer
	subs := make([]*subscriber, c.subs)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	start := time.Now()
	for i := range subs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
			defer dcancel()
			if s, err := dialWS(dctx, &d, wsURL(i), fmt.Sprintf("loadgen-subscriber-%06d", i)); err == nil {
				subs[i] = s
			}
		}()
	}
	wg.Wait()
	res.join = time.Since(start)
	subs = slices.DeleteFunc(subs, func(s *subscriber) bool { return s == nil })
	res.connected = len(subs)
	defer func() {
		for _, s := range subs {
			s.close()
		}
	}()
	if len(subs) == 0 {
		return res, fmt.Errorf("no subscriber connected")
	}
	fmt.Printf("%s: %d subscribers in %v\n", name, len(subs), res.join.Round(time.Millisecond))
	for _, s := range subs {
		go s.readLoop(ctx)
	}
	posters := make([]*wsPoster, len(nodes))
	for i := range nodes {
		p, err := dialPoster(ctx, wsURL(i), fmt.Sprintf("loadgen-poster-token-%d", i))
		if err != nil {
			return res, err
		}
		posters[i] = p
	}
	time.Sleep(3 * time.Second) // past the join's presence frames

	// Saturated: 64 posts in flight, spread over the nodes' posters.
	deliveries.Store(0)
	cpu0 := cpuByGroup(nodes)
	nats0 := natsReceived(nodes)
	t0 := time.Now()
	sent, err := saturate(posters, c.saturateFor)
	if err != nil {
		return res, err
	}
	elapsed := time.Since(t0)
	res.saturated = float64(deliveries.Load()) / elapsed.Seconds()
	res.satPosts = float64(sent) / elapsed.Seconds()
	delivered := float64(deliveries.Load())
	for g, s := range cpuByGroup(nodes) {
		res.cpuPer10k[g] = (s - cpu0[g]) / delivered * 10_000
	}
	drained(2 * time.Second) // the backlog of the saturated phase arrives
	res.natsPerPos = (natsReceived(nodes) - nats0) / float64(sent)

	// Fixed rate: 50,000 deliveries/s or half of saturation, the lower.
	res.fixedRate = min(50_000, res.saturated/2)
	postsPerSec := max(1, res.fixedRate/float64(len(subs)))
	for _, s := range subs {
		s.mu.Lock()
		s.latencies = nil
		s.mu.Unlock()
	}
	recordFrom.Store(time.Now().UnixNano())
	recording.Store(true)
	tick := time.NewTicker(time.Duration(float64(time.Second) / postsPerSec))
	end := time.Now().Add(c.fixedFor)
	for n := 0; time.Now().Before(end); n++ {
		<-tick.C
		if err := posters[n%len(posters)].post(); err != nil {
			return res, err
		}
	}
	tick.Stop()
	time.Sleep(2 * time.Second)
	recording.Store(false)
	var all []time.Duration
	for _, s := range subs {
		s.mu.Lock()
		all = append(all, s.latencies...)
		s.mu.Unlock()
	}
	slices.Sort(all)
	if len(all) > 0 {
		res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	fmt.Printf("%s: events read to fill gaps: %.0f by streams, %.0f by the broker; readers closed as too slow: %.0f\n", name,
		sumMetric(nodes, "liveboard_gaps_filled_total"), sumMetric(nodes, "liveboard_broker_filled_total"), sumMetric(nodes, "liveboard_slow_closes_total"))
	fmt.Printf("%s: saturated %.0f deliveries/s (%.0f posts/s); at %.0f deliveries/s p50 %v p99 %v; CPU per 10k deliveries %v; NATS messages received per post %.2f\n",
		name, res.saturated, res.satPosts, res.fixedRate, res.p50, res.p99, res.cpuPer10k, res.natsPerPos)
	return res, nil
}

// wsPoster posts over WebSocket; acks carries each ack's seq.
type wsPoster struct {
	conn *websocket.Conn
	ctx  context.Context
	acks chan int64
	n    atomic.Int64
}

func dialPoster(ctx context.Context, wsURL, token string) (*wsPoster, error) {
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	if err := hello(ctx, conn, token); err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { conn.CloseNow() })
	p := &wsPoster{conn: conn, ctx: ctx, acks: make(chan int64, 1<<16)}
	go func() {
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if bytes.Contains(b, []byte(`"type":"ack"`)) {
				p.acks <- seqOf(b)
			}
		}
	}()
	return p, nil
}

func (p *wsPoster) post() error {
	i := p.n.Add(1)
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePost, ID: fmt.Sprint("p", i), Text: fmt.Sprintf("sent=%d", time.Now().UnixNano())})
	return p.conn.Write(p.ctx, websocket.MessageText, b)
}

// saturate keeps 64 posts in flight across the posters for d; it returns
// the posts sent.
func saturate(posters []*wsPoster, d time.Duration) (int, error) {
	const window = 64
	sent := 0
	for ; sent < window; sent++ {
		posters[sent%len(posters)].post()
	}
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		progressed := false
		for _, p := range posters {
			select {
			case <-p.acks:
				p.post()
				sent++
				progressed = true
			default:
			}
		}
		if !progressed {
			select {
			case <-posters[sent%len(posters)].acks:
				posters[sent%len(posters)].post()
				sent++
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return sent, nil
}

// natsReceived sums liveboard_broker_messages_total{direction="received"}
// over the nodes (0 without a broker).
func natsReceived(nodes []*server) float64 {
	return sumMetric(nodes, `liveboard_broker_messages_total{direction="received"}`)
}

// sumMetric sums one series over the nodes' /metrics.
func sumMetric(nodes []*server, series string) float64 {
	total := 0.0
	for _, n := range nodes {
		resp, err := http.Get(n.url + "/metrics")
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, series+" ") {
				f := strings.Fields(line)
				v, _ := strconv.ParseFloat(f[len(f)-1], 64)
				total += v
			}
		}
		resp.Body.Close()
	}
	return total
}

// cpuByGroup is the CPU seconds used so far by the nodes, by NATS and by
// PostgreSQL (every process of that name on the machine: nothing else
// uses them during a bench).
func cpuByGroup(nodes []*server) map[string]float64 {
	out := map[string]float64{}
	for _, n := range nodes {
		out["liveboard"] += procCPU(n.cmd.Process.Pid)
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		switch strings.TrimSpace(string(comm)) {
		case "nats-server":
			out["nats"] += procCPU(pid)
		case "postgres":
			out["postgres"] += procCPU(pid)
		}
	}
	return out
}

// procCPU is a process's user + system CPU seconds (/proc/PID/stat).
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command (which may hold spaces) start at ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100 // USER_HZ
}

func printCluster(c config, rows []clusterResult) {
	fmt.Printf("\ncluster: %d subscribers spread over the nodes, posts through every node, 64 in flight when saturated (loopback, one load generator, 2 cores for everything)\n\n", c.subs)
	fmt.Println("| setup | subscribers | join | deliveries/s saturated | × one node | latency at | p50 | p99 | CPU s per 10k deliveries: liveboard / NATS / PostgreSQL | NATS messages per post |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
	one := rows[len(rows)-1]
	for _, r := range rows {
		fmt.Printf("| %s | %d | %v | %.0f | %.2f | %.0f/s | %v | %v | %.3f / %.3f / %.3f | %.2f |\n", r.name, r.connected, r.join.Round(time.Millisecond),
			r.saturated, r.saturated/one.saturated, r.fixedRate, r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond),
			r.cpuPer10k["liveboard"], r.cpuPer10k["nats"], r.cpuPer10k["postgres"], r.natsPerPos)
	}
}

// drained waits until no delivery came for quiet (bounded at a minute).
func drained(quiet time.Duration) {
	last, since := deliveries.Load(), time.Now()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if n := deliveries.Load(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= quiet {
			return
		}
	}
}
