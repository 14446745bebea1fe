package main

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// pipelineLatency is the time to the first response when one complete
// request and the first 10 bytes of the next arrive in one write (median
// of n), for each binary. Before the fix the answer waited for the header
// timeout (10 s) of the second request.
func pipelineLatency(bins map[string]string, n int, work string) error {
	fmt.Printf("\npipelining: a request plus 10 bytes of the next in one write, time to the first response (median and max of %d)\n\n", n)
	fmt.Println("| binary | median | max |")
	fmt.Println("|---|---:|---:|")
	for _, name := range []string{"before", "after"} {
		bin := bins[name]
		if bin == "" {
			continue
		}
		srv, err := startServer([]string{bin, "-addr", "127.0.0.1:0", "-data", work + "/pipeline-" + name})
		if err != nil {
			return err
		}
		var took []time.Duration
		for range n {
			d, err := firstResponse(strings.TrimPrefix(srv.url, "http://"))
			if err != nil {
				srv.stop()
				return fmt.Errorf("%s: %w", name, err)
			}
			took = append(took, d)
		}
		srv.stop()
		slices.Sort(took)
		fmt.Printf("| %s | %v | %v |\n", name, took[len(took)/2].Round(10*time.Microsecond), took[len(took)-1].Round(10*time.Microsecond))
	}
	return nil
}

func firstResponse(addr string) (time.Duration, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	req := "GET /favicon.ico HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"
	start := time.Now()
	if _, err := c.Write([]byte(req + req[:10])); err != nil {
		return 0, err
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return 0, err
	}
	if !strings.HasPrefix(line, "HTTP/1.1 200") {
		return 0, fmt.Errorf("first response %q", line)
	}
	return time.Since(start), nil
}
