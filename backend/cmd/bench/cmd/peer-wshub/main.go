// Command peer-wshub is the naive peer of bench:ws: net/http's server and
// coder/websocket, a buffered channel and a writer goroutine per client
// (the shape of coder/websocket's chat example), no storage. It speaks
// just enough of liveboard's protocol for the load generator.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

type hub struct {
	mu   sync.Mutex
	subs map[chan []byte]struct{}
	seq  atomic.Int64
}

func (h *hub) broadcast(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- b:
		default: // a slow client loses messages: the naive way
		}
	}
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(protocol.MaxFrameBytes)
	ctx := context.Background()
	ch := make(chan []byte, 16)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	defer func() { h.mu.Lock(); delete(h.subs, ch); h.mu.Unlock() }()
	go func() {
		for b := range ch {
			if c.Write(ctx, websocket.MessageText, b) != nil {
				c.CloseNow()
				return
			}
		}
	}()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var f protocol.ClientFrame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		switch f.Type {
		case protocol.TypeHello:
			wb, _ := json.Marshal(protocol.Welcome{Type: protocol.TypeWelcome, Board: "bench"})
			ch <- wb
			sb, _ := json.Marshal(protocol.Synced{Type: protocol.TypeSynced})
			ch <- sb
		case protocol.TypePost:
			seq := h.seq.Add(1)
			mb, _ := json.Marshal(protocol.Message{Type: protocol.TypeMessage, Seq: seq, ID: f.ID, Text: f.Text, At: time.Now()})
			h.broadcast(mb)
			ab, _ := json.Marshal(protocol.Ack{Type: protocol.TypeAck, ID: f.ID, Seq: seq})
			ch <- ab
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	h := &hub{subs: make(map[chan []byte]struct{})}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	go func() { // SIGUSR1: collect garbage and return memory, as liveboard does
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGUSR1)
		for range sig {
			runtime.GC()
			debug.FreeOSMemory()
		}
	}()
	println("listening on http://" + l.Addr().String())
	log.Fatal(http.Serve(l, http.HandlerFunc(h.serve)))
}
