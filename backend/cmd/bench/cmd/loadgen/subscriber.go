package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// dialer spreads source addresses over 127.0.0.2–127.0.0.250, so that
// 10,000 connections do not exhaust one address's ports.
type dialer struct{ n atomic.Uint32 }

func (d *dialer) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		ip := net.IPv4(127, 0, 0, byte(2+d.n.Add(1)%249))
		return (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext(ctx, network, addr)
	}}}
}

// subscriber counts deliveries and keeps the latency of the timed ones.
// It reads over WebSocket, or over SSE (next gives each event's data). It
// follows the seqs of liveboard's log: the last one it has, and how often
// one came out of order (a gap or a repeat; peers send no seq).
type subscriber struct {
	next      func(ctx context.Context) ([]byte, error)
	close     func()
	latencies []time.Duration
	mu        sync.Mutex
	last      atomic.Int64
	disorder  atomic.Int64
}

var (
	deliveries atomic.Int64
	recording  atomic.Bool
	// recordFrom ignores posts sent before it (unix ns): the backlog of a
	// saturated phase must not count as the latency of the next.
	recordFrom atomic.Int64
)

func (s *subscriber) readLoop(ctx context.Context) {
	for {
		b, err := s.next(ctx)
		if err != nil {
			return
		}
		if !bytes.Contains(b, []byte(`"type":"message"`)) {
			continue
		}
		deliveries.Add(1)
		s.note(b)
		if i := bytes.Index(b, []byte("sent=")); i >= 0 && recording.Load() {
			j := i + 5
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if sent, err := strconv.ParseInt(string(b[i+5:j]), 10, 64); err == nil && sent >= recordFrom.Load() {
				s.mu.Lock()
				s.latencies = append(s.latencies, time.Duration(time.Now().UnixNano()-sent))
				s.mu.Unlock()
			}
		}
	}
}

// note follows a log frame's seq: each must be the one after the last.
func (s *subscriber) note(b []byte) {
	seq := seqOf(b)
	if seq == 0 {
		return
	}
	if last := s.last.Swap(seq); last != 0 && seq != last+1 {
		s.disorder.Add(1)
	}
}

// seqOf reads "seq":N from a frame; 0 when it has none.
func seqOf(b []byte) int64 {
	i := bytes.Index(b, []byte(`"seq":`))
	if i < 0 {
		return 0
	}
	var n int64
	for _, c := range b[i+6:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func hello(ctx context.Context, c *websocket.Conn, token string) error {
	return helloAfter(ctx, c, token, nil, nil)
}

// helloAfter says hello (resuming after a seq, if given) and reads up to
// synced, handing each frame of the catch-up to note (if not nil).
func helloAfter(ctx context.Context, c *websocket.Conn, token string, after *int64, note func([]byte)) error {
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: token, After: after})
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		return err
	}
	for { // up to synced
		_, m, err := c.Read(ctx)
		if err != nil {
			return err
		}
		if bytes.Contains(m, []byte(`"type":"synced"`)) {
			return nil
		}
		if note != nil {
			note(m)
		}
	}
}

// dialWS opens a WebSocket subscriber, up to synced; s, if not nil, is a
// subscriber coming back after a restart, which resumes after its last seq.
func dialWS(ctx context.Context, d *dialer, wsURL, token string, s ...*subscriber) (*subscriber, error) {
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: d.client()})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	sub := &subscriber{}
	var after *int64
	if len(s) > 0 && s[0] != nil {
		sub = s[0]
		if last := sub.last.Load(); last > 0 {
			after = &last
		}
	}
	if err := helloAfter(ctx, conn, token, after, sub.note); err != nil {
		conn.CloseNow()
		return nil, err
	}
	sub.next = func(ctx context.Context) ([]byte, error) {
		_, b, err := conn.Read(ctx)
		return b, err
	}
	sub.close = func() { conn.CloseNow() }
	return sub, nil
}

// dialSSE opens an SSE subscriber, up to synced.
func dialSSE(ctx context.Context, d *dialer, eventsURL string) (*subscriber, error) {
	rctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel) // only until synced
	req, _ := http.NewRequestWithContext(rctx, "GET", eventsURL, nil)
	resp, err := d.client().Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("events: %s", resp.Status)
	}
	r := client.NewEventReader(resp.Body)
	for {
		ev, err := r.Next()
		if err != nil {
			cancel()
			return nil, err
		}
		if ev.Type == protocol.TypeSynced {
			break
		}
	}
	stop()
	return &subscriber{
		next: func(context.Context) ([]byte, error) {
			ev, err := r.Next()
			return []byte(ev.Data), err
		},
		close: func() { cancel(); resp.Body.Close() },
	}, nil
}
