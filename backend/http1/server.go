package http1

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = http.ErrServerClosed

// Server serves HTTP/1.1 on listeners it is given. The zero value serves
// http.NotFoundHandler with the default limits of limits.go.
type Server struct {
	Handler http.Handler

	// MaxConns caps open connections, hijacked ones included (default
	// DefaultMaxConns). Over the cap a connection is answered 503 and closed.
	MaxConns int

	ReadHeaderTimeout time.Duration // default DefaultReadHeaderTimeout
	ReadBodyTimeout   time.Duration // default DefaultReadBodyTimeout
	IdleTimeout       time.Duration // default DefaultIdleTimeout
	WriteTimeout      time.Duration // default DefaultWriteTimeout

	// Logger receives handler panics and accept errors (default slog.Default()).
	Logger *slog.Logger

	mu         sync.Mutex
	listeners  map[net.Listener]struct{}
	conns      map[*conn]struct{} // served by us; hijacked ones leave this map
	onShutdown []func()
	open       atomic.Int64 // open connections, hijacked ones included
	closing    atomic.Bool
}

// RegisterOnShutdown registers f to be called, in its own goroutine, when
// Shutdown starts. It is how owners of hijacked connections (WebSockets)
// learn that they should say goodbye.
func (s *Server) RegisterOnShutdown(f func()) {
	s.mu.Lock()
	s.onShutdown = append(s.onShutdown, f)
	s.mu.Unlock()
}

// OpenConns is the number of open connections, hijacked ones included.
func (s *Server) OpenConns() int { return int(s.open.Load()) }

// Serve accepts connections on l until l fails or Shutdown is called, and
// serves each in its own goroutine. A TLS listener (crypto/tls) is served
// as HTTPS: each request then carries its ConnectionState.
func (s *Server) Serve(l net.Listener) error {
	if !s.track(l) {
		return ErrServerClosed
	}
	defer s.untrack(l)
	var backoff time.Duration
	for {
		rwc, err := l.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && !errors.Is(err, net.ErrClosed) {
				// Out of file descriptors and the like: wait, as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.logger().Warn("http1: accept", "err", err, "retry_in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if s.open.Add(1) > int64(s.maxConns()) {
			s.open.Add(-1)
			go refuseOverCap(rwc)
			continue
		}
		c := newConn(s, rwc)
		s.mu.Lock()
		if s.conns == nil {
			s.conns = make(map[*conn]struct{})
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		go c.serve()
	}
}

// refuseOverCap answers a connection over MaxConns with 503 and closes it.
func refuseOverCap(rwc net.Conn) {
	defer rwc.Close()
	rwc.SetWriteDeadline(time.Now().Add(time.Second))
	rwc.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Connection: close\r\nRetry-After: 1\r\nContent-Length: 20\r\n\r\ntoo many connections"))
}

// Shutdown stops accepting, tells hijacked connections through the
// functions given to RegisterOnShutdown, closes idle connections, and waits
// for requests in flight to finish or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	for _, f := range s.onShutdown {
		go f()
	}
	s.mu.Unlock()

	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.closeIdle() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// closeIdle closes the connections waiting for a request and reports
// whether none is left.
func (s *Server) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.state.CompareAndSwap(stateIdle, stateClosed) {
			c.rwc.Close()
		}
	}
	return len(s.conns) == 0
}

func (s *Server) track(l net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	return true
}

func (s *Server) untrack(l net.Listener) {
	s.mu.Lock()
	delete(s.listeners, l)
	s.mu.Unlock()
}

// forget drops c from the served connections; closed says whether it is
// gone (true) or hijacked and still counted until its owner closes it.
func (s *Server) forget(c *conn, closed bool) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	if closed {
		s.open.Add(-1)
	}
}

func (s *Server) handler() http.Handler {
	if s.Handler == nil {
		return http.NotFoundHandler()
	}
	return s.Handler
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Server) maxConns() int { return orDefault(s.MaxConns, DefaultMaxConns) }
func (s *Server) readHeaderTimeout() time.Duration {
	return orDefault(s.ReadHeaderTimeout, DefaultReadHeaderTimeout)
}
func (s *Server) readBodyTimeout() time.Duration {
	return orDefault(s.ReadBodyTimeout, DefaultReadBodyTimeout)
}
func (s *Server) idleTimeout() time.Duration  { return orDefault(s.IdleTimeout, DefaultIdleTimeout) }
func (s *Server) writeTimeout() time.Duration { return orDefault(s.WriteTimeout, DefaultWriteTimeout) }

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// NewTLSListener wraps l with crypto/tls, offering only http/1.1 by ALPN.
func NewTLSListener(l net.Listener, cfg *tls.Config) net.Listener {
	cfg = cfg.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	return tls.NewListener(l, cfg)
}
