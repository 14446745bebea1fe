package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"liveboard/backend/store/sqlite"
	"liveboard/shared/protocol"
)

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitStatus polls url until it answers want (probes are state refreshed
// every second; there is no event to wait on from outside).
func waitStatus(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := getStatus(t, url)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d %q, want %d", url, code, body, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLivezAndReadyzAndDrainOnSIGTERM(t *testing.T) {
	p := start(t, nil, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-drain-delay", "3s")
	if code, body := getStatus(t, p.url+"/livez"); code != 200 || body != "ok\n" {
		t.Fatalf("livez %d %q", code, body)
	}
	waitStatus(t, p.url+"/readyz", 200)
	p.cmd.Process.Signal(syscall.SIGTERM)
	body := waitStatus(t, p.url+"/readyz", 503)
	if !strings.Contains(body, "draining") {
		t.Fatalf("readyz while draining: %q", body)
	}
	// Still serving meanwhile.
	if code, _ := getStatus(t, p.url+"/favicon.ico"); code != 200 {
		t.Fatalf("while draining the node stopped serving: %d", code)
	}
	if code, _ := getStatus(t, p.url+"/livez"); code != 200 {
		t.Fatalf("livez while draining: %d", code)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after draining: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after the drain delay")
	}
}

// The access log has one line per request and never the query, a token
// or message text.
func TestAccessLogLeavesSecretsOut(t *testing.T) {
	p := start(t, nil, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-access-log", "-log-format", "json")
	getStatus(t, p.url+"/favicon.ico?name=secret-query")
	body := `{"id":"1","text":"secret words of a post","token":"secret-token-0123456789"}`
	resp, err := http.Post(p.url+"/api/boards/lobby/messages", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	log := p.stderr.String()
	for _, want := range []string{`"method":"GET","path":"/favicon.ico","status":200`, `"method":"POST","path":"/api/boards/lobby/messages","status":201`} {
		if !strings.Contains(log, want) {
			t.Errorf("no access line %s in:\n%s", want, log)
		}
	}
	for _, secret := range []string{"secret-query", "secret words", "secret-token"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
}

func TestEveryFlagHasAnEnvironmentVariable(t *testing.T) {
	// -h lists every flag of serve with its variable.
	out, _ := exec.Command(binary, "-h").CombinedOutput()
	flags := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "  -") {
			flags++
			if !strings.Contains(line, "(env LIVEBOARD_") {
				t.Errorf("a flag without its environment variable: %s", line)
			}
		}
	}
	if flags < 15 {
		t.Fatalf("-h listed %d flags:\n%s", flags, out)
	}
}

func TestBackupWhileServingRestoresEveryMessageAndEdit(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	for i := 0; i < 30; i++ {
		apiPost(t, a, "lobby", tokenA, fmt.Sprint(i), fmt.Sprint("message ", i))
	}
	apiWrite(t, a, "PATCH", "/api/boards/lobby/messages/3", map[string]string{"text": "edited", "token": tokenA})
	apiWrite(t, a, "DELETE", "/api/boards/lobby/messages/4", map[string]string{"token": tokenA})
	restore := t.TempDir()
	dest := filepath.Join(restore, "liveboard.db")
	cfg := t.TempDir()
	if code, out, stderr := runTerm(t, cfg, "", "backup", "-data", a.data, dest); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runTerm(t, cfg, "", "backup", "-data", a.data, dest); code != 1 || !strings.Contains(stderr, "exists") {
		t.Fatalf("a backup over an existing file: %d %s", code, stderr)
	}
	cmd := exec.Command(binary, "backup", "x")
	cmd.Env = append(os.Environ(), "LIVEBOARD_STORE=postgres://db/liveboard")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "pg_dump") {
		t.Fatalf("backup under PostgreSQL: %v %s", err, out)
	}

	copyStore, err := sqlite.Open(restore, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	live, err := sqlite.Open(a.data, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	got, _ := copyStore.Events(context.Background(), "lobby", 0, 1000)
	want, _ := live.Events(context.Background(), "lobby", 0, 1000)
	if len(got) != 32 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the copy has %d events, the original %d:\n%v\n%v", len(got), len(want), got, want)
	}
}

func TestHealthcheckSubcommand(t *testing.T) {
	a := startApp(t)
	cfg := t.TempDir()
	waitStatus(t, a.url+"/readyz", 200)
	if code, _, stderr := runTerm(t, cfg, "", "healthcheck", a.url+"/readyz"); code != 0 {
		t.Fatalf("healthcheck of a ready server: %d %s", code, stderr)
	}
	if code, _, _ := runTerm(t, cfg, "", "healthcheck", "http://127.0.0.1:"+freePort(t)+"/readyz"); code != 1 {
		t.Fatalf("healthcheck of nothing: %d", code)
	}
	if code, _, _ := runTerm(t, cfg, "", "healthcheck"); code != 2 {
		t.Fatalf("healthcheck without a URL: %d", code)
	}
}

// scrape reads the metrics and returns the value of each sample line.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	code, body := getStatus(t, url)
	if code != 200 {
		t.Fatalf("%s: %d", url, code)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		var v float64
		fmt.Sscan(line[i+1:], &v)
		out[line[:i]] = v
	}
	return out
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	mport := freePort(t)
	a := startApp(t, "-metrics-addr", "127.0.0.1:"+mport)
	murl := "http://127.0.0.1:" + mport + "/metrics"
	if code, _ := getStatus(t, a.url+"/metrics"); code != 404 {
		t.Fatalf("/metrics on the main listener with -metrics-addr: %d", code)
	}
	sse := openEvents(t, a, "lobby", "")
	sse.catchUp()
	ws, _ := join(t, a, "lobby", tokenA, "", nil)
	ws.post("1", "counted")
	sse.until(protocol.TypeMessage)
	var m map[string]float64
	// The delivery histogram settles a second after the last write.
	deadline := time.Now().Add(30 * time.Second)
	for {
		m = scrape(t, murl)
		if m["liveboard_delivery_seconds_count"] >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery observed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for name, min := range map[string]float64{
		`liveboard_connections{transport="websocket"}`:           1,
		`liveboard_connections{transport="sse"}`:                 1,
		`liveboard_posts_total`:                                  1,
		`liveboard_events_stored_total{kind="post"}`:             1,
		`liveboard_frames_sent_total{transport="sse"}`:           3,
		`liveboard_frames_sent_total{transport="websocket"}`:     3,
		`liveboard_frames_received_total{transport="websocket"}`: 1,
		`liveboard_socket_writes_total`:                          2,
		`liveboard_store_commit_seconds_count`:                   1,
		`liveboard_store_batch_size_count`:                       1,
		`liveboard_http_responses_total{class="1xx"}`:            2,
		`go_goroutines`:                 1,
		`process_resident_memory_bytes`: 1,
	} {
		if m[name] < min {
			t.Errorf("%s = %v, want at least %v", name, m[name], min)
		}
	}
	for name := range m {
		if strings.Contains(name, "board=") || strings.Contains(name, "author") {
			t.Errorf("a metric with a board or user label: %s", name)
		}
	}
}

// A catch-up larger than one socket write's batch (web's wsBatchBytes,
// 32 KiB) is counted in the writes it took, not as one: frames ÷ writes
// is the coalescing operators read.
func TestSocketWritesCountEachWriteOfALargeCatchUp(t *testing.T) {
	mport := freePort(t)
	a := startApp(t, "-post-burst", "1000", "-metrics-addr", "127.0.0.1:"+mport)
	const posts, size = protocol.DefaultPageLimit, 1500
	for i := range posts {
		apiPost(t, a, "big", tokenA, fmt.Sprint(i), strings.Repeat("x", size))
	}
	_, catchUp := join(t, a, "big", tokenB, "", nil)
	if len(catchUp) != posts {
		t.Fatalf("caught up %d messages, want %d", len(catchUp), posts)
	}
	const minWrites = posts * size / (32 << 10) // more than 2: the bytes cannot fit in fewer
	var m map[string]float64
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		m = scrape(t, "http://127.0.0.1:"+mport+"/metrics")
		if m[`liveboard_frames_sent_total{transport="websocket"}`] >= posts+2 { // welcome, messages, synced
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("frames sent %v, want at least %d", m[`liveboard_frames_sent_total{transport="websocket"}`], posts+2)
		}
	}
	if w := m["liveboard_socket_writes_total"]; w <= minWrites || w >= posts {
		t.Fatalf("%v socket writes for a %d-byte catch-up, want more than %d and fewer than its %d frames", w, posts*size, minWrites, posts)
	}
}

func TestMetricsOnTheMainListenerOnlyWhenAsked(t *testing.T) {
	if code, _ := getStatus(t, startApp(t).url+"/metrics"); code != 404 {
		t.Fatalf("/metrics without -metrics: %d, want 404", code)
	}
	if m := scrape(t, startApp(t, "-metrics").url+"/metrics"); m["go_goroutines"] < 1 {
		t.Fatal("-metrics serves no Go metrics")
	}
}
