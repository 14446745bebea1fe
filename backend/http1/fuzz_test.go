package http1

import (
	"bytes"
	"io"
	"net"
	"net/http/httputil"
	"strings"
	"testing"
)

// FuzzParseRequest feeds raw bytes to the header reader and parser. Seeds
// are every parser case and every differential case, smuggling included.
// Whatever the input, parsing ends without a panic, and an accepted request
// carries no framing we would misread.
func FuzzParseRequest(f *testing.F) {
	for _, c := range parserCases {
		f.Add(c.raw)
	}
	for _, c := range differentialCases {
		f.Add(c.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req, fr, err := parse(raw)
		if err != nil {
			return
		}
		if fr.chunked && fr.contentLength != -1 || !fr.chunked && fr.contentLength < 0 {
			t.Fatalf("inconsistent framing %+v", fr)
		}
		if _, cl := req.Header["Content-Length"]; cl && fr.chunked {
			t.Fatal("accepted both Content-Length and chunked")
		}
		for k, vv := range req.Header {
			if !isToken(k) {
				t.Fatalf("accepted field name %q", k)
			}
			for _, v := range vv {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("accepted value %q", v)
				}
			}
		}
		if req.URL == nil || req.Method == "" {
			t.Fatal("accepted a request without method or URL")
		}
	})
}

// FuzzChunkedBody reads a chunked body. It never panics, and what it
// accepts is exactly the data of well-formed chunks: where net/http's
// chunked reader (httputil.NewChunkedReader, an independent decoder) also
// accepts the input, both must give the same bytes.
func FuzzChunkedBody(f *testing.F) {
	for _, s := range []string{
		"3\r\nabc\r\n0\r\n\r\n", "3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n", "0x3\r\nabc\r\n0\r\n\r\n",
		"+3\r\nabc\r\n0\r\n\r\n", "1_0\r\n0123456789abcdef\r\n0\r\n\r\n", "\r\nabc\r\n0\r\n\r\n",
		"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", "2\r\nabc\r\n0\r\n\r\n", "3\r\nabc", "3\r\nabc\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		server, client := net.Pipe()
		defer server.Close()
		go func() { io.WriteString(client, raw); client.Close() }()
		c := newConn(&Server{}, server)
		defer c.release()
		got, err := io.ReadAll(&body{c: c, chunked: true})
		if err != nil {
			return
		}
		if len(got) > len(raw) {
			t.Fatalf("read %d bytes of body from %d bytes of input", len(got), len(raw))
		}
		want, err := io.ReadAll(httputil.NewChunkedReader(strings.NewReader(raw)))
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("read %q, net/http reads %q", got, want)
		}
	})
}
