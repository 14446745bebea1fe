package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// Centrifugo v5.4.9 is bench:ws's third server: the memory engine,
// insecure client mode (no tokens), publishing through its HTTP API. It
// is built from the Go module proxy through the wrapper module in
// backend/cmd/bench/centrifugo.

const centrifugoAPIKey = "loadgen-bench-api-key"

// buildCentrifugo builds the pinned Centrifugo into out.
func buildCentrifugo(out string) error {
	cmd := exec.Command("go", "build", "-o", out, "github.com/centrifugal/centrifugo/v5")
	cmd.Dir = "centrifugo"
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build centrifugo: %v\n%s", err, b)
	}
	return nil
}

// centrifugoArgv writes a config for a free loopback port and returns the
// command line.
func centrifugoArgv(bin, work string) ([]string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf, _ := json.Marshal(map[string]any{
		"client_insecure": true, "api_key": centrifugoAPIKey, "allowed_origins": []string{"*"},
		"engine": "memory", "log_level": "error", "address": "127.0.0.1", "port": port, "health": true,
	})
	path := filepath.Join(work, "centrifugo.json")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		return nil, err
	}
	return []string{bin, "--config", path}, nil
}

// startCentrifugo starts it and waits until it is healthy (it logs no URL
// of its own: the port is the config's).
func startCentrifugo(argv []string) (*server, error) {
	url, err := centrifugoURL(argv)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &server{cmd: cmd, url: url}
	if err := waitHealthy(url); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// centrifugoURL is the base URL of the config in argv.
func centrifugoURL(argv []string) (string, error) {
	b, err := os.ReadFile(argv[len(argv)-1])
	if err != nil {
		return "", err
	}
	var conf struct {
		Port int `json:"port"`
	}
	if err := json.Unmarshal(b, &conf); err != nil {
		return "", err
	}
	return fmt.Sprintf("http://127.0.0.1:%d", conf.Port), nil
}

// waitHealthy polls Centrifugo's health endpoint until it answers.
func waitHealthy(url string) error {
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
	}
	return fmt.Errorf("centrifugo at %s never became healthy", url)
}

type centrifugoWire struct{}

func (centrifugoWire) dial(ctx context.Context, d *dialer, base string, i int, s *subscriber) (*subscriber, error) {
	url := "ws" + strings.TrimPrefix(base, "http") + "/connection/websocket"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: d.client()})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	// Connect and subscribe in one message (the JSON protocol takes
	// newline-separated commands); synced is the subscribe reply.
	cmds := `{"id":1,"connect":{"name":"loadgen"}}` + "\n" + `{"id":2,"subscribe":{"channel":"bench"}}`
	if err := conn.Write(ctx, websocket.MessageText, []byte(cmds)); err != nil {
		conn.CloseNow()
		return nil, err
	}
	sub := &subscriber{close: func() { conn.CloseNow() }}
	var lines [][]byte // replies and pushes of one message, one by one
	sub.next = func(ctx context.Context) ([]byte, error) {
		for len(lines) == 0 {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return nil, err
			}
			if string(b) == "{}" { // the server's ping: answer, or be dropped
				if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
					return nil, err
				}
				continue
			}
			lines = bytes.Split(b, []byte("\n"))
		}
		line := lines[0]
		lines = lines[1:]
		return line, nil
	}
	for {
		b, err := sub.next(ctx)
		if err != nil {
			conn.CloseNow()
			return nil, err
		}
		if bytes.Contains(b, []byte(`"error"`)) {
			conn.CloseNow()
			return nil, fmt.Errorf("centrifugo: %s", b)
		}
		if bytes.HasPrefix(b, []byte(`{"id":2`)) {
			return sub, nil
		}
	}
}

// poster publishes through the HTTP API; the 200 is the ack. Each post
// runs in its own goroutine, so that the saturated phase keeps 64 in
// flight.
func (centrifugoWire) poster(ctx context.Context, base string) (func(int) error, <-chan int64, error) {
	acks := make(chan int64, 1<<16)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	post := func(i int) error {
		body, _ := json.Marshal(map[string]any{"channel": "bench", "data": map[string]any{
			"type": protocol.TypeMessage, "id": fmt.Sprint("p", i), "text": fmt.Sprintf("sent=%d", time.Now().UnixNano())}})
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/publish", bytes.NewReader(body))
			req.Header.Set("X-API-Key", centrifugoAPIKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			if resp.StatusCode == 200 {
				acks <- 0
			}
		}()
		return nil
	}
	return post, acks, nil
}
