package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"liveboard/backend/broker/natsbroker"
	"liveboard/backend/broker/natsbroker/natstest"
	"liveboard/backend/store/postgres/pgtest"
)

// Three nodes, readers and posters on each: 3,000 posts, edits and deletes
// interleaved through all three into one board give every reader the same
// log, gap-free, with no duplicate, equal to what the API returns. A node
// started afterwards serves the whole history and goes live.
func TestClusterGivesEveryReaderOneOrder(t *testing.T) {
	c := startCluster(t, 3, "")
	var readers []*logReader
	for i, n := range c.nodes {
		for j := range 2 {
			readers = append(readers, follow(t, "lobby", fmt.Sprintf("r%d%d", i, j), n.url))
		}
	}
	const postersPerNode, ops = 3, 334 // 9 × 334 ≥ 3,000
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		for j := range postersPerNode {
			p := newPoster(t, i*postersPerNode+j, n.url)
			wg.Add(1)
			go func() { defer wg.Done(); p.work("lobby", ops) }()
		}
	}
	wg.Wait()
	allCaughtUp(t, c.nodes[0].url, "lobby", readers)

	late := c.add()
	r := follow(t, "lobby", "late", late.url)
	allCaughtUp(t, late.url, "lobby", []*logReader{r})
	newPoster(t, 99, c.nodes[1].url).post("lobby", "after-the-late-node")
	allCaughtUp(t, c.nodes[0].url, "lobby", append(readers, r))
}

// kill -9 of one node mid-stream: its readers resume on another node with
// no gap, every acked post is stored once, and the posts it never acked,
// resent to another node, are stored once.
func TestClusterSurvivesKill9OfANode(t *testing.T) {
	c := startCluster(t, 3, "")
	urls := []string{c.nodes[0].url, c.nodes[1].url, c.nodes[2].url}
	var readers []*logReader
	for i := range 3 {
		// Each reader starts on node i and moves on in order.
		bases := append(slices.Clone(urls[i:]), urls[:i]...)
		readers = append(readers, follow(t, "lobby", fmt.Sprintf("r%d", i), bases...))
	}
	var posters []*poster
	var wg sync.WaitGroup
	for i := range 6 {
		bases := append(slices.Clone(urls[i%3:]), urls[:i%3]...)
		p := newPoster(t, i, bases...)
		posters = append(posters, p)
		wg.Add(1)
		go func() { defer wg.Done(); p.work("lobby", 300) }()
	}
	// Kill node 2 once its posters are well under way.
	for acked(posters) < 400 {
		time.Sleep(5 * time.Millisecond)
	}
	c.nodes[2].cmd.Process.Signal(syscall.SIGKILL)
	c.nodes[2].cmd.Wait()
	wg.Wait()
	if acked(posters) < 6*225 {
		t.Fatalf("only %d posts acked", acked(posters))
	}
	stored := allMessages(t, urls[0], "lobby") // fails on a post stored twice
	for _, p := range posters {
		for id, seq := range p.acked {
			if stored[id] != seq {
				t.Fatalf("post %s acked as seq %d, stored as %d", id, seq, stored[id])
			}
		}
	}
	allCaughtUp(t, urls[0], "lobby", readers)
	if readers[2].hops < 2 {
		t.Fatalf("the reader of the killed node never reconnected")
	}
}

func acked(posters []*poster) int {
	n := 0
	for _, p := range posters {
		p.mu.Lock()
		n += len(p.acked)
		p.mu.Unlock()
	}
	return n
}

// NATS stopped for 5 s mid-stream, then started again: every reader, on
// every node, still ends with every post, in order.
func TestClusterRidesOutANATSOutage(t *testing.T) {
	srv := natstest.Start(t)
	c := startCluster(t, 3, srv.URL())
	var readers []*logReader
	for i, n := range c.nodes {
		readers = append(readers, follow(t, "lobby", fmt.Sprintf("r%d", i), n.url))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, n := range c.nodes {
		p := newPoster(t, i, n.url)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				p.post("lobby", fmt.Sprintf("n%d-%d", i, k))
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second) // posts flowing through NATS
	srv.Stop()
	outage := time.Now()
	if body := waitStatus(t, c.nodes[1].url+"/readyz", 503); !strings.Contains(body, "broker") {
		t.Fatalf("readyz without NATS: %q", body)
	}
	time.Sleep(5*time.Second - time.Since(outage)) // the outage, with posts going on
	srv.Restart()
	waitStatus(t, c.nodes[1].url+"/readyz", 200)
	time.Sleep(time.Second) // posts flowing again
	close(stop)
	wg.Wait()
	allCaughtUp(t, c.nodes[0].url, "lobby", readers)
}

// A name that joins on node B appears on node A, and is gone within the
// presence TTL after B is killed with -9.
func TestClusterPresenceSpansNodes(t *testing.T) {
	c := startCluster(t, 2, "")
	onA := follow(t, "lobby", "Ann", c.nodes[0].url)
	follow(t, "lobby", "Bo", c.nodes[1].url)
	deadline := time.Now().Add(20 * time.Second)
	for !slices.Equal(onA.names(), []string{"Ann", "Bo"}) {
		if time.Now().After(deadline) {
			t.Fatalf("node a shows %v, want Ann and Bo", onA.names())
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.nodes[1].cmd.Process.Signal(syscall.SIGKILL)
	killed := time.Now()
	c.nodes[1].cmd.Wait()
	// Its log named the store without the password.
	if log := c.nodes[1].stderr.String(); strings.Contains(log, "liveboard:liveboard@") || !strings.Contains(log, `store="postgres://liveboard:xxxxx@`) {
		t.Fatalf("the store URL is not redacted in the log:\n%s", log)
	}
	for !slices.Equal(onA.names(), []string{"Ann"}) {
		if time.Since(killed) > natsbroker.PresenceTTL+natsbroker.AnnounceEvery+2*time.Second {
			t.Fatalf("node a still shows %v %v after node b died", onA.names(), time.Since(killed))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The flags refuse what cannot work, with a clear message that never
// repeats a password.
func TestClusterFlagsRefuseWhatCannotWork(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-broker", "nats://127.0.0.1:4222"}, "needs -store postgres://"},
		{[]string{"-store", "mysql://root:hunter2@db/x"}, "postgres:// URL, not mysql://root:xxxxx@db/x"},
		{[]string{"-store", "postgres://u:p@h/d", "-broker", "redis://h"}, "nats:// URL"},
		{[]string{"-store", "postgres://u:p@h/d", "-broker", "nats://h", "-broker-prefix", "a.b"}, "-broker-prefix"},
	} {
		var stderr strings.Builder
		err := run(context.Background(), append([]string{"-data", t.TempDir()}, c.args...), func(string) string { return "" }, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: %v; want an error with %q", c.args, err, c.want)
		}
	}
}

// The database's connections cut again and again mid-stream: posts in
// flight are acked and stored, or refused (503/500) and resent by the
// poster, with the same id, to the next node; none is acked and lost, none
// stored twice, and every reader still ends with the whole log.
func TestClusterSurvivesCutDatabaseConnections(t *testing.T) {
	c := startCluster(t, 3, "")
	urls := []string{c.nodes[0].url, c.nodes[1].url, c.nodes[2].url}
	var readers []*logReader
	for i, u := range urls {
		readers = append(readers, follow(t, "lobby", fmt.Sprintf("r%d", i), u))
	}
	var posters []*poster
	var wg sync.WaitGroup
	for i := range 6 {
		p := newPoster(t, i, append(slices.Clone(urls[i%3:]), urls[:i%3]...)...)
		posters = append(posters, p)
		wg.Add(1)
		go func() { defer wg.Done(); p.work("lobby", 150) }()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	cuts := pgtest.CutConnections(t, c.store, done, nil)
	stored := allMessages(t, urls[0], "lobby")
	for _, p := range posters {
		for id, seq := range p.acked {
			if stored[id] != seq {
				t.Fatalf("post %s acked as seq %d, stored as %d", id, seq, stored[id])
			}
		}
	}
	allCaughtUp(t, urls[0], "lobby", readers)
	if cuts == 0 {
		t.Fatal("no connection was cut: the test proved nothing")
	}
}
