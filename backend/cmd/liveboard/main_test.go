package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the real liveboard binary, built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "liveboard-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "liveboard")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic("build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is the binary running as a subprocess.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *strings.Builder
}

// start runs the binary with args and env and waits for its address.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	p := &process{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no address line: %v\n%s", err, p.stderr)
	}
	p.url = strings.TrimSpace(strings.TrimPrefix(line, "liveboard listening on "))
	return p
}

func TestEnvironmentSetsAddressAndData(t *testing.T) {
	data := filepath.Join(t.TempDir(), "nested", "data")
	p := start(t, []string{"LIVEBOARD_ADDR=127.0.0.1:0", "LIVEBOARD_DATA=" + data})
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Fatalf("address %q", p.url)
	}
	if _, err := os.Stat(data); err != nil {
		t.Fatalf("the data directory was not created: %v", err)
	}
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	p := start(t, []string{"LIVEBOARD_ADDR=127.0.0.1:1"}, "-addr", "127.0.0.1:0", "-data", t.TempDir())
	if strings.HasSuffix(p.url, ":1") {
		t.Fatalf("the environment won over the flag: %q", p.url)
	}
}

func TestHelpListsFlagsAndTheirEnvironment(t *testing.T) {
	out, err := exec.Command(binary, "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"-addr", "LIVEBOARD_ADDR", "-data", "LIVEBOARD_DATA", "-tls-cert"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("-h does not mention %s:\n%s", want, out)
		}
	}
}

func TestBadFlagFails(t *testing.T) {
	if err := exec.Command(binary, "-tls-cert", "x").Run(); err == nil {
		t.Fatal("-tls-cert without -tls-key was accepted")
	}
}

func TestServesAssetsAndShutsDownOnSIGTERM(t *testing.T) {
	p := start(t, nil, "-addr", "127.0.0.1:0", "-data", t.TempDir())
	resp, err := http.Get(p.url + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/x-icon" || len(b) == 0 {
		t.Fatalf("favicon: %d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Fatalf("no shutdown logged:\n%s", p.stderr)
	}
}

func TestRunInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, func(string) string { return "" }, w, io.Discard)
	}()
	line, _ := bufio.NewReader(r).ReadString('\n')
	url := strings.TrimSpace(strings.TrimPrefix(line, "liveboard listening on "))
	resp, err := http.Get(url + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
