// Package http1test runs a handler on the project's own server over a real
// loopback socket, for tests of other packages (as net/http/httptest does
// for net/http's server).
package http1test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"liveboard/backend/http1"
)

// Serve serves h on 127.0.0.1 until the test ends and returns its base URL.
func Serve(t testing.TB, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http1.Server{Handler: h}
	go s.Serve(l)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return "http://" + l.Addr().String()
}
