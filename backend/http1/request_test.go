package http1

import (
	"bufio"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// parse runs the reader and the parser over raw, as a connection would.
func parse(raw string) (*http.Request, framing, error) {
	head, err := readHead(bufio.NewReaderSize(strings.NewReader(raw), readBufSize), nil)
	if err != nil {
		return nil, framing{}, err
	}
	req, u := new(http.Request), new(url.URL)
	f, err := parseRequest(string(head), req, u)
	if err != nil {
		return nil, f, err
	}
	return req, f, nil
}

func statusOf(err error) int {
	var pe *protocolError
	if errors.As(err, &pe) {
		return pe.status
	}
	if err != nil {
		return -1
	}
	return 200
}

// parserCases are requests and the status the parser gives them: 200 for
// accepted. The fuzz target seeds from them too.
var parserCases = []struct {
	name string
	raw  string
	want int
}{
	{"simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 200},
	{"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", 200},
	{"leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 200},
	{"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 200},
	{"HTTP/1.9 served as 1.1", "GET / HTTP/1.9\r\nHost: a\r\n\r\n", 200},
	{"absolute-form", "GET http://example.com/x?y=1 HTTP/1.1\r\nHost: other\r\n\r\n", 200},
	{"asterisk OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 200},
	{"asterisk GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"absolute-form with userinfo", "GET http://user@example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n", 400},
	{"absolute-form with user and password", "GET http://u:p@example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", 400},
	{"CONNECT authority", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 200},
	{"empty Host value", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 200},
	{"IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 200},
	{"OWS around value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v \t\r\n\r\n", 200},
	{"obs-text in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\xc3\xa9\r\n\r\n", 200},

	{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
	{"HTTP/0.9 style", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505},
	{"HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505},
	{"version lowercase", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
	{"version two digits", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400},
	{"no version", "GET /\r\nHost: a\r\n\r\n", 400},
	{"double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"method not token", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"target with NUL", "GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"target non-ASCII", "GET /\xea\xb0\x80 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"target relative", "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"bare CR in request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400},

	{"missing Host", "GET / HTTP/1.1\r\n\r\n", 400},
	{"duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
	{"invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
	{"Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
	{"Host with bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  c\r\n\r\n", 400},
	{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
	{"tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400},
	{"no colon", "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", 400},
	{"empty name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400},
	{"NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n", 400},
	{"bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400},
	{"control in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01c\r\n\r\n", 400},
	{"DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x7fc\r\n\r\n", 400},
	{"non-token name", "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", 400},
	{"too many empty lines", "\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400},

	{"Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 200},
	{"Content-Length same twice", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 200},
	{"Content-Length list same", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", 200},
	{"Content-Length differs", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
	{"Content-Length list differs", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400},
	{"Content-Length signed +", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400},
	{"Content-Length signed -", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\nabc", 400},
	{"Content-Length empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400},
	{"Content-Length hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\nabc", 400},
	{"Content-Length decimal point", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3.0\r\n\r\nabc", 400},
	{"Content-Length overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
	{"CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
	{"TE chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200},
	{"TE Chunked mixed case", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n0\r\n\r\n", 200},
	{"TE gzip only", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
	{"TE chunked then gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
	{"TE gzip then chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
	{"TE chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400},
	{"TE in two fields", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
	{"TE empty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400},
	{"TE identity", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400},
	{"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
	{"TE with space before colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", 400},
	{"TE vertical tab", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \x0bchunked\r\n\r\n", 400},
	{"Expect 100-continue", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", 200},
	{"Expect unknown", "POST / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", 417},
	{"Expect unknown in 1.0 ignored", "GET / HTTP/1.0\r\nExpect: something\r\n\r\n", 200},
}

func TestParserCases(t *testing.T) {
	for _, tc := range parserCases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parse(tc.raw)
			if got := statusOf(err); got != tc.want {
				t.Errorf("status %d, want %d (err %v)", got, tc.want, err)
			}
		})
	}
}

func TestRequestLineOverLimitIs414(t *testing.T) {
	raw := "GET /" + strings.Repeat("a", MaxRequestLineBytes) + " HTTP/1.1\r\nHost: a\r\n\r\n"
	if _, _, err := parse(raw); statusOf(err) != 414 {
		t.Fatalf("got %v, want 414", err)
	}
}

func TestHeaderBytesOverLimitIs431(t *testing.T) {
	raw := "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n\r\n"
	if _, _, err := parse(raw); statusOf(err) != 431 {
		t.Fatalf("got %v, want 431", err)
	}
}

func TestHeaderCountOverLimitIs431(t *testing.T) {
	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\nHost: a\r\n")
	for i := 0; i < MaxHeaderCount; i++ {
		b.WriteString("X-A: b\r\n")
	}
	b.WriteString("\r\n")
	if _, _, err := parse(b.String()); statusOf(err) != 431 {
		t.Fatalf("got %v, want 431", err)
	}
}

func TestParseFillsRequest(t *testing.T) {
	req, f, err := parse("POST http://example.com:8080/a%20b?q=1 HTTP/1.1\r\nhost: ignored\r\ncontent-length: 5\r\nx-multi: 1\r\nX-Multi: 2\r\nConnection: close\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if req.Host != "example.com:8080" {
		t.Errorf("Host %q: the absolute-form authority must win", req.Host)
	}
	if req.URL.Path != "/a b" || req.URL.RawQuery != "q=1" {
		t.Errorf("URL %#v", req.URL)
	}
	if req.ContentLength != 5 || f.contentLength != 5 || !req.Close || !f.close {
		t.Errorf("framing %+v, request CL %d close %v", f, req.ContentLength, req.Close)
	}
	if got := req.Header["X-Multi"]; len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Errorf("X-Multi %q", got)
	}
	if _, ok := req.Header["Host"]; ok {
		t.Error("Host stays in the header map; net/http removes it")
	}
	if req.ProtoMajor != 1 || req.ProtoMinor != 1 || req.Proto != "HTTP/1.1" {
		t.Errorf("proto %s %d.%d", req.Proto, req.ProtoMajor, req.ProtoMinor)
	}
}

func TestHTTP10KeepAliveOnlyWhenAsked(t *testing.T) {
	_, f, _ := parse("GET / HTTP/1.0\r\n\r\n")
	if !f.close {
		t.Error("HTTP/1.0 without keep-alive must close")
	}
	_, f, _ = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
	if f.close {
		t.Error("HTTP/1.0 with keep-alive must stay open")
	}
}

var chunkSizeCases = []struct {
	line string
	want int64 // -1 for refused
}{
	{"5\r\n", 5},
	{"a\r\n", 10},
	{"FF\r\n", 255},
	{"5;ext=1\r\n", 5},
	{"5 ;ext\r\n", 5},
	{"5\n", 5},
	{"\r\n", -1},
	{"0x5\r\n", -1},
	{"+5\r\n", -1},
	{"-5\r\n", -1},
	{"5_0\r\n", -1},
	{"5 \r\n", -1},
	{" 5\r\n", -1},
	{"g\r\n", -1},
	{"1000000000000000\r\n", -1},
	{"ffffffffffffffffff\r\n", -1},
	{"5;a\x00\r\n", -1},
}

func TestChunkSizes(t *testing.T) {
	for _, tc := range chunkSizeCases {
		got, err := parseChunkSize([]byte(tc.line))
		if err != nil {
			got = -1
		}
		if got != tc.want {
			t.Errorf("%q: got %d (%v), want %d", tc.line, got, err, tc.want)
		}
	}
}
