package http1

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkKeepAlive1KiB measures one keep-alive request and its 1 KiB
// response over loopback, allocations included (the client's are few and
// fixed: it writes one constant request and reads into one buffer).
func BenchmarkKeepAlive1KiB(b *testing.B) {
	body := []byte(strings.Repeat("x", 1024))
	ctype, clen := []string{"text/plain; charset=utf-8"}, []string{"1024"}
	_, addr := startServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = ctype
		h["Content-Length"] = clen
		w.Write(body)
	}))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /1k.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	// Learn the response size once.
	c.Write(req)
	buf := make([]byte, 4096)
	n, _ := c.Read(buf)
	size := n
	if !bytes.HasSuffix(buf[:n], body) {
		b.Fatalf("unexpected first response %q", buf[:n])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Write(req)
		if _, err := io.ReadFull(c, buf[:size]); err != nil {
			b.Fatal(err)
		}
	}
}
