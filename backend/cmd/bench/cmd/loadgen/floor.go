package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// floorRounds is how many frames the floor writes to each reader.
const floorRounds = 10

// floorRow measures peer-floor: a pre-built frame, one Write per reader,
// no server logic. It returns the server CPU per write in µs.
func floorRow(c config, work string) (float64, error) {
	bin := work + "/peer-floor"
	if err := goBuild(bin, "./cmd/peer-floor"); err != nil {
		return 0, err
	}
	srv, err := startServer([]string{bin})
	if err != nil {
		return 0, err
	}
	defer srv.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t := target{name: "floor", wire: liveboardWire{}}
	subs, _, err := dialAll(ctx, t, srv.url, make([]*subscriber, c.subs))
	if err != nil {
		return 0, err
	}
	defer closeAll(subs)
	readAll(ctx, subs)
	deliveries.Store(0)
	cpu := startCPU(srv.cmd.Process.Pid)
	resp, err := http.Post(srv.url+"/publish?rounds="+strconv.Itoa(floorRounds), "text/plain", nil)
	if err != nil {
		return 0, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	writes, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	for deadline := time.Now().Add(60 * time.Second); deliveries.Load() < writes && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
	}
	perWrite := perUnit(cpu.used(), writes)
	fmt.Printf("floor: %d writes of a pre-built 120-byte frame to %d readers, %.1f µs CPU each (%d read back)\n", writes, connected(subs), perWrite, deliveries.Load())
	return perWrite, nil
}
