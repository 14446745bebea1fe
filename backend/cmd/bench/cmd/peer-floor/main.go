// Command peer-floor is the floor row of bench:ws: no server logic at all.
// Each reader's WebSocket handshake and hello are answered (synced), and
// then POST /publish?rounds=N writes one pre-built 120-byte text frame to
// every reader's socket N times, one Write each. Its CPU per write is the
// machine's physical cost of a delivery, against which every server's
// CPU per delivered frame is read.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// frame is a final, unmasked text frame whose payload is 120 bytes, and
// reads as a message to the load generator.
var frame = func() []byte {
	payload := []byte(`{"type":"message","seq":0,"id":"floor","author":"floor","name":"floor","text":"`)
	for len(payload) < 118 {
		payload = append(payload, 'x')
	}
	payload = append(payload, `"}`...)
	return append([]byte{0x81, byte(len(payload))}, payload...)
}()

type floor struct {
	mu    sync.Mutex
	conns []net.Conn
}

type hijacker struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, rw, err
}

func (f *floor) accept(w http.ResponseWriter, r *http.Request) {
	h := &hijacker{ResponseWriter: w}
	c, err := websocket.Accept(h, r, nil)
	if err != nil {
		return
	}
	ctx := context.Background()
	if _, _, err := c.Read(ctx); err != nil { // hello
		c.CloseNow()
		return
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"synced","head":0}`)); err != nil {
		c.CloseNow()
		return
	}
	f.mu.Lock()
	f.conns = append(f.conns, h.conn)
	f.mu.Unlock()
	// Keep reading, so that pings and the close are answered.
	go func() {
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
}

func (f *floor) publish(w http.ResponseWriter, r *http.Request) {
	rounds, _ := strconv.Atoi(r.URL.Query().Get("rounds"))
	f.mu.Lock()
	conns := f.conns
	f.mu.Unlock()
	writes := 0
	for range rounds {
		for _, c := range conns {
			if _, err := c.Write(frame); err == nil {
				writes++
			}
		}
	}
	fmt.Fprintln(w, writes)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	f := &floor{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", f.accept)
	mux.HandleFunc("/publish", f.publish)
	fmt.Fprintf(os.Stderr, "peer-floor listening on http://%s\n", l.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(l))
}
