package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func goBuild(out, pkg string) error {
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// server is a target process.
type server struct {
	cmd  *exec.Cmd
	url  string
	echo atomic.Bool // print every line the server writes from now on
}

func startServer(argv []string) (*server, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	out, _ := cmd.StdoutPipe()
	errOut, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 2)
	srv := &server{cmd: cmd}
	scan := func(r io.Reader) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
			if srv.echo.Load() || strings.Contains(sc.Text(), "memory freed") {
				fmt.Println("  server:", sc.Text())
			}
		}
	}
	go scan(out)
	go scan(errOut)
	select {
	case url := <-found:
		srv.url = url
		return srv, nil
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s did not start", argv[0])
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// rss is the process's resident set in bytes, after it has collected its
// garbage and returned free memory (SIGUSR1).
func (s *server) rss(collect bool) int64 {
	if collect {
		s.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(1500 * time.Millisecond)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
