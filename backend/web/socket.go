package web

import (
	"cmp"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"liveboard/backend/board"
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
	// PingInterval is the idle time after which a socket is pinged, and
	// PingTimeout how long it may then stay silent (defaults
	// board.PingInterval and board.PingTimeout).
	PingInterval, PingTimeout time.Duration

	mu   sync.Mutex
	open map[*wsConn]struct{}
	stop bool
	live sync.WaitGroup // one per socket goroutine
}

// NewSockets makes the endpoint.
func NewSockets(deps *Deps) *Sockets {
	return &Sockets{deps: deps, open: make(map[*wsConn]struct{})}
}

// Shutdown closes every socket with 1001 (going away), and returns once
// their goroutines are done, so that the store can close after it.
func (s *Sockets) Shutdown() {
	s.mu.Lock()
	s.stop = true
	open := maps.Clone(s.open)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for c := range open {
		wg.Add(1)
		go func() { defer wg.Done(); c.closeWithin(websocket.StatusGoingAway, "server shutting down") }()
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
	c := &wsConn{ws: conn, raw: rec.conn, br: rec.br, sock: rawSocket(rec.conn)}
	conn.SetReadLimit(protocol.MaxFrameBytes)
	// The socket gets a goroutine of its own, and this one returns: its
	// stack grew while serving HTTP and would stay that size for the
	// socket's whole life. (Measured: 8 KiB per idle connection.)
	s.mu.Lock()
	if s.stop {
		s.mu.Unlock()
		c.closeWithin(websocket.StatusGoingAway, "server shutting down")
		return
	}
	s.open[c] = struct{}{}
	s.live.Add(1)
	s.mu.Unlock()
	go s.serve(c, name, addr)
}

func (s *Sockets) serve(c *wsConn, name, addr string) {
	end := func() {
		s.mu.Lock()
		delete(s.open, c)
		s.mu.Unlock()
		c.ws.CloseNow()
		c.raw.Close()
		s.live.Done()
	}
	hello := s.HelloTimeout
	if hello <= 0 {
		hello = protocol.HelloTimeout
	}
	ss := &wsSession{deps: s.deps, c: c, board: name, addr: addr, helloTimeout: hello, end: end,
		pingInterval: cmp.Or(s.PingInterval, board.PingInterval), pingTimeout: cmp.Or(s.PingTimeout, board.PingTimeout)}
	if !ss.join() {
		end()
	}
}
