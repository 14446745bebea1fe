package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// termPostRate runs `liveboard post` with lines posts on standard input
// against a fresh server, and returns acked posts per second (the
// command exits 0 only when every post is acked).
func termPostRate(c config, dir string, lines int) (float64, error) {
	srv, err := startServer([]string{c.liveboard, "-addr", "127.0.0.1:0", "-data", dir, "-post-burst", "1000000000"})
	if err != nil {
		return 0, err
	}
	defer srv.stop()
	var in strings.Builder
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&in, "durable post %d\n", i)
	}
	cmd := exec.Command(c.liveboard, "post", srv.url+"/b/term")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir+"/config")
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("liveboard post: %v: %s", err, stderr.String())
	}
	return float64(lines) / time.Since(start).Seconds(), nil
}

// tailFirstLine starts `liveboard tail` on a board of 50 messages, runs
// times, and returns the median time from start to its first line.
func tailFirstLine(c config, dir string, runs int) (time.Duration, error) {
	srv, err := startServer([]string{c.liveboard, "-addr", "127.0.0.1:0", "-data", dir, "-post-burst", "1000000000"})
	if err != nil {
		return 0, err
	}
	defer srv.stop()
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir+"/config")
	post := exec.Command(c.liveboard, "post", srv.url+"/b/tail")
	post.Env = env
	var in strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&in, "message %d\n", i)
	}
	post.Stdin = strings.NewReader(in.String())
	if out, err := post.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("post: %v %s", err, out)
	}
	var times []time.Duration
	for i := 0; i < runs; i++ {
		tail := exec.Command(c.liveboard, "tail", srv.url+"/b/tail")
		tail.Env = env
		out, _ := tail.StdoutPipe()
		start := time.Now()
		if err := tail.Start(); err != nil {
			return 0, err
		}
		var b [1]byte
		if _, err := out.Read(b[:]); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
		tail.Process.Kill()
		tail.Wait()
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}
