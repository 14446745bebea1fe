package main

import (
	"debug/elf"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liveboard/shared/protocol"
)

// repoRoot is the repository's top, where deploy/ is.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestSystemdUnitVerifies(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatal("systemd-analyze is missing (Debian: systemd)")
	}
	unit, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "liveboard.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=liveboard", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
	// verify wants the binary where ExecStart says: point it at ours.
	dir := t.TempDir()
	path := filepath.Join(dir, "liveboard.service")
	os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/liveboard", binary)), 0o644)
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// The Dockerfile's build line gives a static binary (the image has no libc).
func TestDockerfileBuildLineIsStatic(t *testing.T) {
	docker, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	const line = "CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/liveboard ./backend/cmd/liveboard"
	if !strings.Contains(string(docker), line) || !strings.Contains(string(docker), `"healthcheck"`) {
		t.Fatal("the Dockerfile's build line or HEALTHCHECK changed: update this test")
	}
	out := filepath.Join(t.TempDir(), "liveboard")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Fatalf("the binary is dynamic (%v)", p.Type)
		}
	}
}

// startNginx runs nginx with deploy/nginx-liveboard.conf in front of the
// given upstream nodes (host:port).
func startNginx(t *testing.T, upstreams ...string) *app {
	t.Helper()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx"
		if _, err := os.Stat(nginx); err != nil {
			t.Fatal("nginx is missing (Debian: nginx-light; go tool task test installs it)")
		}
	}
	site, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "nginx-liveboard.conf"))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	servers := ""
	for _, u := range upstreams {
		servers += "server " + u + " max_fails=2 fail_timeout=5s;\n    "
	}
	conf := strings.Replace(string(site), "server 127.0.0.1:8080 max_fails=2 fail_timeout=5s;", servers, 1)
	conf = strings.ReplaceAll(conf, "listen 80;", "listen 127.0.0.1:"+port+";")
	dir := t.TempDir()
	main := fmt.Sprintf(`daemon off; master_process off; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 256; }
http { access_log off; client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
%[2]s
}`, dir, conf)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	cmd := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start:\n%s", log)
		}
	}
	return &app{url: "http://127.0.0.1:" + port}
}

// nginx with deploy/nginx-liveboard.conf in front of the server: a post
// goes through it live over WebSocket and over SSE.
func TestNginxSiteCarriesWebSocketAndSSE(t *testing.T) {
	a := startApp(t, "-trusted-proxy", "127.0.0.1/32")
	front := startNginx(t, strings.TrimPrefix(a.url, "http://"))
	sse := openEvents(t, front, "proxied", "")
	sse.catchUp()
	ws, _ := join(t, front, "proxied", tokenA, "alice", nil)
	seq := ws.post("1", "through nginx 안녕")
	if f := sse.until(protocol.TypeMessage); f.Seq != seq || f.Text != "through nginx 안녕" {
		t.Fatalf("over SSE through nginx: %+v", f)
	}
	apiPost(t, front, "proxied", tokenB, "2", "posted through nginx")
	if f := ws.until(protocol.TypeMessage, protocol.TypeAck); f.Text != "through nginx 안녕" && f.Text != "posted through nginx" {
		t.Fatalf("over WebSocket through nginx: %+v", f)
	}
	if f := sse.until(protocol.TypeMessage); f.Text != "posted through nginx" {
		t.Fatalf("the API post over SSE: %+v", f)
	}
	if code, _ := getStatus(t, front.url+"/metrics"); code != 404 {
		t.Errorf("/metrics through nginx: %d, want 404", code)
	}
}

// The same site in front of three cluster nodes, round robin with no
// sticky sessions: readers over WebSocket and SSE land on different
// nodes, posts go through whichever node nginx picks, and every reader
// gets every post in one order.
func TestNginxInFrontOfThreeNodes(t *testing.T) {
	c := startCluster(t, 3, "")
	var upstreams []string
	for _, n := range c.nodes {
		upstreams = append(upstreams, strings.TrimPrefix(n.url, "http://"))
	}
	front := startNginx(t, upstreams...)
	var sses []*sseReader
	var wss []*wsClient
	for range 3 {
		s := openEvents(t, front, "lobby", "")
		s.catchUp()
		sses = append(sses, s)
		ws, _ := join(t, front, "lobby", tokenA, "alice", nil)
		wss = append(wss, ws)
	}
	var seqs []int64
	for i := range 6 {
		seqs = append(seqs, apiPost(t, front, "lobby", tokenB, fmt.Sprint("n", i), fmt.Sprint("through nginx ", i)))
	}
	for _, s := range sses {
		for i, seq := range seqs {
			if f := s.until(protocol.TypeMessage); f.Seq != seq || f.Text != fmt.Sprint("through nginx ", i) {
				t.Fatalf("SSE reader got %+v, want seq %d", f, seq)
			}
		}
	}
	for _, ws := range wss {
		for i, seq := range seqs {
			if f := ws.until(protocol.TypeMessage, protocol.TypePresence); f.Seq != seq || f.Text != fmt.Sprint("through nginx ", i) {
				t.Fatalf("WebSocket reader got %+v, want seq %d", f, seq)
			}
		}
	}
}
