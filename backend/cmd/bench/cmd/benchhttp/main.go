// Command benchhttp serves the same files from liveboard's server, net/http,
// fasthttp and nginx, one at a time, loads each with wrk on loopback, and
// prints a table of requests per second, p99 latency and server CPU per
// request, with each server's ratio to net/http measured in the same run.
// With -rounds N the servers take turns N times, and a summary gives
// liveboard's median ratio to the better of nginx and fasthttp.
//
//	go run ./cmd/benchhttp -wasm ../../../assets/public/web/app.wasm -rounds 3
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"liveboard/bench/internal/procstat"
)

type scenario struct{ name, path string }

var scenarios = []scenario{
	{"1 KiB file", "/1k.txt"},
	{"app.wasm (raw)", "/app.wasm"},
	{"404", "/missing"},
}

type result struct {
	rps float64
	p99 string
	cpu time.Duration // server CPU per request
}

// peer is a running server.
type peer struct {
	url  string
	pid  int // its CPU, with its children's, is the server's
	stop func()
}

func main() {
	wasm := flag.String("wasm", "", "the raw app.wasm to serve (default: 7 MiB of random bytes)")
	duration := flag.Duration("duration", 8*time.Second, "wrk duration per scenario")
	conns := flag.Int("conns", 64, "wrk connections")
	threads := flag.Int("threads", 2, "wrk threads")
	only := flag.String("only", "", "comma-separated servers to run (default all)")
	rounds := flag.Int("rounds", 1, "times the servers take turns; the summary gives medians")
	flag.Parse()
	if err := run(*wasm, *duration, *conns, *threads, *rounds, *only); err != nil {
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

func run(wasm string, duration time.Duration, conns, threads, rounds int, only string) error {
	work, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	root := filepath.Join(work, "root")
	if err := makeRoot(root, wasm); err != nil {
		return err
	}
	bin := filepath.Join(work, "bin")
	for _, p := range []string{"peer-liveboard", "peer-nethttp", "peer-fasthttp"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, p), "./cmd/"+p).CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", p, err, out)
		}
	}
	servers := []struct {
		name  string
		start func() (peer, error)
	}{
		{"liveboard", goPeer(filepath.Join(bin, "peer-liveboard"), root)},
		{"net/http", goPeer(filepath.Join(bin, "peer-nethttp"), root)},
		{"fasthttp", goPeer(filepath.Join(bin, "peer-fasthttp"), root)},
		{"nginx", nginx(work, root)},
	}
	var all []map[string][]result // per round, per server, per scenario
	var order []string
	for round := range rounds {
		results := map[string][]result{}
		order = order[:0]
		for _, s := range servers {
			if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
				continue
			}
			p, err := s.start()
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			for _, sc := range scenarios {
				before := procstat.TreeCPU(p.pid)
				r, err := wrk(p.url+sc.path, duration, conns, threads)
				if err != nil {
					p.stop()
					return fmt.Errorf("%s %s: %w", s.name, sc.name, err)
				}
				if n := r.rps * duration.Seconds(); n > 0 {
					r.cpu = time.Duration(float64(procstat.TreeCPU(p.pid)-before) / n)
				}
				fmt.Fprintf(os.Stderr, "round %d  %-10s %-16s %10.0f req/s  p99 %s  %.1f µs CPU/req\n", round+1, s.name, sc.name, r.rps, r.p99, micros(r.cpu))
				results[s.name] = append(results[s.name], r)
			}
			p.stop()
			order = append(order, s.name)
		}
		all = append(all, results)
		printRound(round, results, order, duration, conns, threads)
	}
	printSummary(all)
	return nil
}

// makeRoot writes the served files: 1k.txt and app.wasm.
func makeRoot(root, wasm string) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	os.Chmod(filepath.Dir(root), 0o755) // nginx workers run as nobody
	if err := os.WriteFile(filepath.Join(root, "1k.txt"), []byte(strings.Repeat("liveboard\n", 103)[:1024]), 0o644); err != nil {
		return err
	}
	var data []byte
	if wasm != "" {
		b, err := os.ReadFile(wasm)
		if err != nil {
			return err
		}
		data = b
	} else {
		data = make([]byte, 7<<20)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
	}
	return os.WriteFile(filepath.Join(root, "app.wasm"), data, 0o644)
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

func goPeer(bin, root string) func() (peer, error) {
	return func() (peer, error) {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-root", root)
		return startAndWait(cmd)
	}
}

// startAndWait starts cmd and reads its address from "listening on URL".
func startAndWait(cmd *exec.Cmd) (peer, error) {
	out, err := cmd.StderrPipe()
	if err != nil {
		return peer{}, err
	}
	if err := cmd.Start(); err != nil {
		return peer{}, err
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case url := <-found:
		return peer{url: url, pid: cmd.Process.Pid, stop: stop}, nil
	case <-time.After(10 * time.Second):
		stop()
		return peer{}, fmt.Errorf("%s did not say where it listens", cmd.Path)
	}
}

// nginx runs Debian's nginx in the foreground with sendfile and an open
// file cache, on a free port, with everything in work.
func nginx(work, root string) func() (peer, error) {
	return func() (peer, error) {
		bin, err := exec.LookPath("nginx")
		if err != nil {
			bin = "/usr/sbin/nginx"
		}
		port, err := freePort()
		if err != nil {
			return peer{}, err
		}
		dir := filepath.Join(work, "nginx")
		os.MkdirAll(dir, 0o755)
		conf := fmt.Sprintf(`worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
  keepalive_requests 1000000;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  types { text/plain txt; application/wasm wasm; }
  server {
    listen 127.0.0.1:%[2]d;
    root %[3]s;
  }
}
`, dir, port, root)
		cfgPath := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(cfgPath, []byte(conf), 0o644); err != nil {
			return peer{}, err
		}
		cmd := exec.Command(bin, "-c", cfgPath, "-g", "daemon off;")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return peer{}, err
		}
		stop := func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if exec.Command("curl", "-sf", "-o", "/dev/null", url+"/1k.txt").Run() == nil {
				return peer{url: url, pid: cmd.Process.Pid, stop: stop}, nil
			}
		}
		stop()
		return peer{}, fmt.Errorf("nginx did not come up")
	}
}

var (
	rpsLine = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99Line = regexp.MustCompile(`\s99%\s+(\S+)`)
)

func wrk(url string, d time.Duration, conns, threads int) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns),
		"-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", url).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	m := rpsLine.FindSubmatch(out)
	p := p99Line.FindSubmatch(out)
	if m == nil || p == nil {
		return result{}, fmt.Errorf("wrk output not understood:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	return result{rps: rps, p99: string(p[1])}, nil
}
