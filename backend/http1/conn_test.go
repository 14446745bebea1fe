package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestKeepAliveReusesTheConnection(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	reused := 0
	for i := 0; i < 5; i++ {
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if info.Reused {
				reused++
			}
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+addr+"/k", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(b), "GET /k") {
			t.Fatalf("body %q", b)
		}
	}
	if reused != 4 {
		t.Fatalf("%d of 4 later requests reused the connection", reused)
	}
}

func TestPipelinedRequestsAnswerInOrder(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	// Two requests in one write, the first with a body.
	io.WriteString(c, "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"+
		"GET /second HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	for _, want := range []string{"POST /first a hello", "GET /second a "} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != want {
			t.Fatalf("got %q, want %q", b, want)
		}
	}
}

func TestManyConcurrentClients(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	const clients = 200
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			for j := 0; j < 5; j++ {
				path := fmt.Sprintf("/c%d/%d", i, j)
				resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("http://" + addr + path)
				if err != nil {
					failures.Add(1)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.HasPrefix(string(b), "GET "+path+" ") {
					failures.Add(1)
				}
			}
		}(i)
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d clients failed", n, clients)
	}
}

func TestPanicGives500AndServerGoesOn(t *testing.T) {
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		io.WriteString(w, "fine")
	}), func(s *Server) { s.Logger = discardLogger() })
	if got := rawStatus(t, addr, "GET /panic HTTP/1.1\r\nHost: a\r\n\r\n"); got != 500 {
		t.Fatalf("panic gave %d", got)
	}
	resp, err := http.Get("http://" + addr + "/after")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "fine" {
		t.Fatalf("after the panic: %q", b)
	}
}

func TestParseErrorClosesConnection(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	out := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if strings.Count(out, "HTTP/1.1 ") != 1 || !strings.HasPrefix(out, "HTTP/1.1 400 ") || !strings.Contains(out, "Connection: close") {
		t.Fatalf("got %q", out)
	}
	if !strings.Contains(out, "Content-Length values differ") {
		t.Fatalf("the error does not name the rule: %q", out)
	}
}

func TestResponseFraming(t *testing.T) {
	big := strings.Repeat("x", 3*writeBufSize)
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			io.WriteString(w, "hi")
		case "/big":
			io.WriteString(w, big)
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	cases := []struct{ raw, want, wantNot string }{
		{"GET /small HTTP/1.1\r\nHost: a\r\n\r\n", "Content-Length: 2\r\n", "chunked"},
		{"GET /big HTTP/1.1\r\nHost: a\r\n\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length"},
		{"HEAD /small HTTP/1.1\r\nHost: a\r\n\r\n", "Content-Length: 2\r\n", "\r\n\r\nhi"},
		{"GET /big HTTP/1.0\r\n\r\n", "Connection: close\r\n", "chunked"},
		{"GET /small HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "Connection: keep-alive\r\n", "chunked"},
		{"GET /nocontent HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 204 No Content\r\n", "Content-Length"},
	}
	for _, tc := range cases {
		c, _ := net.Dial("tcp", addr)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, tc.raw)
		var raw strings.Builder // what the server sent for this one response
		resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(c, &raw)), &http.Request{Method: strings.Fields(tc.raw)[0]})
		if err != nil {
			t.Fatalf("%q: %v", tc.raw, err)
		}
		io.ReadAll(resp.Body)
		c.Close()
		out := raw.String()
		if !strings.Contains(out, tc.want) || (tc.wantNot != "" && strings.Contains(out, tc.wantNot)) {
			t.Errorf("%q:\n%s\nwant %q and not %q", tc.raw, out[:min(300, len(out))], tc.want, tc.wantNot)
		}
		if !strings.Contains(out, "\r\nDate: ") {
			t.Errorf("%q: no Date", tc.raw)
		}
	}
	resp, err := http.Get("http://" + addr + "/big")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != big {
		t.Fatalf("chunked body of %d bytes, want %d", len(b), len(big))
	}
}

func TestChunkedRequestBody(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	out := rawExchange(t, addr, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
		"3;ext=v\r\nabc\r\n2\r\nde\r\n0\r\nTrailer-A: x\r\n\r\n")
	if !strings.HasSuffix(out, "POST /c a abcde") {
		t.Fatalf("got %q", out)
	}
}

func TestMalformedChunkIsRefusedAndCloses(t *testing.T) {
	for _, size := range []string{"", "0x3", "+3", "3_0", "fffffffffffffffff"} {
		_, addr := startServer(t, echoHandler)
		out := rawExchange(t, addr, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"+size+"\r\nabc\r\n0\r\n\r\nGET /again HTTP/1.1\r\nHost: a\r\n\r\n")
		if !strings.HasPrefix(out, "HTTP/1.1 400 ") || strings.Contains(out, "/again") {
			t.Errorf("chunk size %q: %q", size, out)
		}
	}
}

func TestExpectContinueIsHonoured(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("before the body: %q %v", line, err)
	}
	br.ReadString('\n')
	io.WriteString(c, "body")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "POST /e a body" {
		t.Fatalf("got %q", b)
	}
}

func TestContextCancelledWhenClientLeaves(t *testing.T) {
	started, cancelled := make(chan struct{}), make(chan struct{})
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(10 * time.Second):
		}
	}))
	c, _ := net.Dial("tcp", addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	select { // the client leaves while its request is being served
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the handler")
	}
	c.Close()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the context was not cancelled when the client went away")
	}
}

func TestContextCarriesLocalAddrAndRemoteAddr(t *testing.T) {
	got := make(chan string, 2)
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- fmt.Sprint(r.Context().Value(http.LocalAddrContextKey))
		got <- r.RemoteAddr
	}))
	http.Get("http://" + addr + "/")
	if local := <-got; local != addr {
		t.Errorf("LocalAddr %q, want %q", local, addr)
	}
	if remote := <-got; !strings.HasPrefix(remote, "127.0.0.1:") {
		t.Errorf("RemoteAddr %q", remote)
	}
}

func TestTLSRequestsCarryConnectionState(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil) // only for its test certificate
	ts.StartTLS()
	certs := ts.TLS.Certificates
	ts.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sawTLS := make(chan bool, 1)
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawTLS <- r.TLS != nil && r.TLS.NegotiatedProtocol == "http/1.1"
	})}
	go s.Serve(NewTLSListener(l, &tls.Config{Certificates: certs}))
	defer s.Shutdown(context.Background())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}}}}
	resp, err := client.Get("https://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !<-sawTLS {
		t.Fatal("the request has no TLS state or did not negotiate http/1.1")
	}
}

func TestSlowHeadersDoNotStarveOthers(t *testing.T) {
	s, addr := startServer(t, echoHandler, func(s *Server) { s.ReadHeaderTimeout = time.Second })
	const idle = 500
	conns := make([]net.Conn, 0, idle)
	for i := 0; i < idle; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ") // never finished
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// A normal client is still served while they sit there.
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/normal")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// And the header timeout closes all 500.
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range conns {
		c.SetReadDeadline(deadline)
		if _, err := io.ReadAll(c); err != nil {
			t.Fatalf("a half-sent connection was not closed by the header timeout: %v", err)
		}
	}
	waitFor(t, func() bool { return s.OpenConns() == 0 }, "all connections closed")
}

func TestWriteTimeoutDropsAReaderThatNeverReads(t *testing.T) {
	done := make(chan error, 1)
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 64<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				done <- err
				return
			}
		}
	}), func(s *Server) { s.WriteTimeout = 300 * time.Millisecond })
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	select {
	case err := <-done:
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			t.Fatalf("the write failed with %v, want a timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler's writes never timed out")
	}
}

func TestConnectionCapCountsHijackedAndAnswers503(t *testing.T) {
	hijacked := make(chan net.Conn, 2)
	s, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			hijacked <- c
		}
	}), func(s *Server) { s.MaxConns = 2 })
	for i := 0; i < 2; i++ {
		c, _ := net.Dial("tcp", addr)
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		defer (<-hijacked).Close()
	}
	if got := rawStatus(t, addr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); got != 503 {
		t.Fatalf("over the cap: %d, want 503", got)
	}
	if s.OpenConns() != 2 {
		t.Fatalf("OpenConns %d, want 2 hijacked", s.OpenConns())
	}
}

func TestShutdownFinishesInFlightAndTellsHijacked(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})}
	told := make(chan struct{})
	s.RegisterOnShutdown(func() { close(told) })
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()

	idle, _ := net.Dial("tcp", l.Addr().String())
	defer idle.Close()
	result := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + l.Addr().String() + "/")
		if err != nil {
			result <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		result <- string(b)
	}()
	<-started
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	<-told
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the idle connection was not closed: %v", err)
	}
	close(release)
	if got := <-result; got != "finished" {
		t.Fatalf("the request in flight got %q", got)
	}
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != ErrServerClosed {
		t.Fatalf("Serve returned %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for: %s", what)
}
