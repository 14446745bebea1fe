// Package natstest gives tests a NATS: the shared one of the machine with
// a subject prefix of their own, or a private nats-server subprocess that
// a fault test may stop and start.
package natstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// DefaultURL is the NATS that scripts/services starts.
const DefaultURL = "nats://127.0.0.1:4222"

// URL is the shared NATS (LIVEBOARD_TEST_NATS, or DefaultURL). A missing
// server fails the test: `go tool task services` installs and starts one.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LIVEBOARD_TEST_NATS")
	if u == "" {
		u = DefaultURL
	}
	nc, err := nats.Connect(u, nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("NATS is not reachable (%v); run `go tool task services`, or set LIVEBOARD_TEST_NATS", err)
	}
	nc.Close()
	return u
}

// Prefix is a subject prefix no other test uses, so that packages running
// at once on the shared NATS never see each other's boards.
func Prefix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "lbtest" + hex.EncodeToString(b)
}

// Server is a private nats-server on a loopback port of its own.
type Server struct {
	t    testing.TB
	port int
	cmd  *exec.Cmd
}

// Start runs nats-server (from Debian's package) until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{t: t, port: port}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// URL is where the server listens, across restarts.
func (s *Server) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

// Stop kills the server; its clients see the connection drop.
func (s *Server) Stop() {
	if s.cmd != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same port and waits until it
// accepts connections.
func (s *Server) Restart() {
	s.t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		bin = "/usr/sbin/nats-server"
	}
	s.cmd = exec.Command(bin, "-a", "127.0.0.1", "-p", fmt.Sprint(s.port))
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("nats-server: %v (scripts/services installs it)", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("nats-server did not listen on %d: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
