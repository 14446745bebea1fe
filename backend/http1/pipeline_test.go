package http1

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A response must not wait for the rest of a pipelined request that has
// only begun to arrive: before the fix, the first answer sat in the buffer
// until the header timeout (10 s) closed the connection.
func TestResponseGoesOutBeforeAPartialNextRequest(t *testing.T) {
	_, addr := startServer(t, echoHandler, func(s *Server) { s.ReadHeaderTimeout = time.Hour })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// One request, then 10 bytes of the next, in one write.
	io.WriteString(c, "GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /secon")
	// No deadline short enough to be about speed: the server's header
	// timeout is an hour, so only the fix can answer before this one.
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to the first request while the second is partial: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "GET /first a " {
		t.Fatalf("first body %q", b)
	}
	// The rest of the second request completes it.
	io.WriteString(c, "d HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	if string(b) != "GET /second a " {
		t.Fatalf("second body %q", b)
	}
}

// A pipelined request whose body is still on its way: the answer to the
// one before it goes out before the server waits for that body.
func TestResponseGoesOutBeforeAPipelinedBodyArrives(t *testing.T) {
	_, addr := startServer(t, echoHandler, func(s *Server) { s.ReadBodyTimeout = time.Hour })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /first HTTP/1.1\r\nHost: a\r\n\r\nPOST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe")
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("first answer held back behind the second body: %v", err)
	}
	resp.Body.Close()
	io.WriteString(c, "llo")
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "POST /second a hello" {
		t.Fatalf("second body %q", b)
	}
}

// notAllowed answers 405 without reading the body, as a mux does for a
// POST to a GET-only route.
var notAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
})

// An unread chunked body is drained like a Content-Length one, so the
// connection carries the next request; net/http does the same.
func TestUnreadChunkedBodyKeepsTheConnection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
	}{
		{"one write", []string{"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"}},
		// The answer must wait for the body: before the fix the server
		// answered and closed, and the client's next write hit a reset.
		{"chunks in several writes", []string{
			"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
			"lo\r\n6\r\n world\r\n",
			"0\r\n\r\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startServer(t, notAllowed)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			for _, w := range tc.writes {
				if _, err := io.WriteString(c, w); err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 405 || resp.Close {
				t.Fatalf("status %d, close %v: want 405 on a kept connection", resp.StatusCode, resp.Close)
			}
			io.WriteString(c, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
			resp, err = http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != 405 {
				t.Fatalf("next request on the same connection: %v", err)
			}
		})
	}
}

// A chunked body larger than MaxDrainBytes is not drained: the server
// closes after its answer instead of reading without end.
func TestHugeUnreadChunkedBodyCloses(t *testing.T) {
	_, addr := startServer(t, notAllowed)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		io.WriteString(c, "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
		chunk := "4000\r\n" + strings.Repeat("x", 0x4000) + "\r\n"
		for i := 0; i < 2*MaxDrainBytes/0x4000+2; i++ {
			if _, err := io.WriteString(c, chunk); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 405 || !resp.Close {
		t.Fatalf("status %d, close %v: want 405 and Connection: close", resp.StatusCode, resp.Close)
	}
}

func TestAsteriskOptionsAnswersForTheServer(t *testing.T) {
	_, addr := startServer(t, notAllowed)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(c, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Allow") != AsteriskAllow {
		t.Fatalf("status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}
