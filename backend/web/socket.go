package web

import (
	"maps"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// Sockets is the WebSocket endpoint, GET /ws?board=NAME. It frames; the
// session core (backend/session) streams and board.Service decides. It
// tracks open sockets so that Shutdown closes even those still before
// hello with 1001.
type Sockets struct {
	deps *Deps
	// HelloTimeout is how long a socket may stay silent before hello
	// (default protocol.HelloTimeout); tests shorten it.
	HelloTimeout time.Duration

	mu   sync.Mutex
	open map[*websocket.Conn]net.Conn
	stop bool
	live sync.WaitGroup // one per socket goroutine
}

// NewSockets makes the endpoint.
func NewSockets(deps *Deps) *Sockets {
	return &Sockets{deps: deps, open: make(map[*websocket.Conn]net.Conn)}
}

// Shutdown closes every socket with 1001 (going away), and returns once
// their goroutines are done, so that the store can close after it.
func (s *Sockets) Shutdown() {
	s.mu.Lock()
	s.stop = true
	open := maps.Clone(s.open)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for c, raw := range open {
		wg.Add(1)
		go func() { defer wg.Done(); closeWithin(c, raw, websocket.StatusGoingAway, "server shutting down") }()
	}
	wg.Wait()
	s.live.Wait() // no Add can follow: ServeHTTP adds under s.mu, only before stop
}

func (s *Sockets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("board")
	if name == "" {
		name = protocol.DefaultBoard
	}
	if !protocol.ValidBoard(name) {
		http.Error(w, "400 bad request: "+protocol.ErrBadBoard.Error(), http.StatusBadRequest)
		return
	}
	addr := s.deps.Proxies.ClientAddr(r)
	rec := &hijackRecorder{ResponseWriter: w}
	conn, err := websocket.Accept(rec, r, &websocket.AcceptOptions{OriginPatterns: s.deps.AllowOrigins})
	if err != nil {
		return // Accept answered (403 for a foreign origin)
	}
	raw := rec.conn
	conn.SetReadLimit(protocol.MaxFrameBytes)
	// The socket gets a goroutine of its own, and this one returns: its
	// stack grew while serving HTTP and would stay that size for the
	// socket's whole life. (Measured: 8 KiB per idle connection.)
	s.mu.Lock()
	if s.stop {
		s.mu.Unlock()
		closeWithin(conn, raw, websocket.StatusGoingAway, "server shutting down")
		return
	}
	s.open[conn] = raw
	s.live.Add(1)
	s.mu.Unlock()
	go s.serve(conn, raw, name, addr)
}

func (s *Sockets) serve(conn *websocket.Conn, raw net.Conn, name, addr string) {
	defer s.live.Done()
	defer func() {
		s.mu.Lock()
		delete(s.open, conn)
		s.mu.Unlock()
		conn.CloseNow()
		raw.Close()
	}()
	hello := s.HelloTimeout
	if hello <= 0 {
		hello = protocol.HelloTimeout
	}
	(&wsSession{deps: s.deps, conn: conn, raw: raw, board: name, addr: addr, helloTimeout: hello}).run()
}
