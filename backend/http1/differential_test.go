package http1

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// differentialCases are requests sent to both this server and net/http's,
// beyond parserCases.
var differentialCases = []struct{ name, raw string }{
	{"PUT with body", "PUT /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"},
	{"DELETE", "DELETE /d HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"PATCH", "PATCH /p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"},
	{"custom method", "PURGE /p HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"lowercase method", "get / HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"HEAD", "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"query string", "GET /q?a=1&b=%20 HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"encoded path", "GET /%E2%82%AC HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"bad percent encoding", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"double slash path", "GET //a HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"dot segments", "GET /a/../b HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"Host with port", "GET / HTTP/1.1\r\nHost: a:80\r\n\r\n"},
	{"Host IPv4", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"},
	{"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"},
	{"Host with underscore", "GET / HTTP/1.1\r\nHost: a_b\r\n\r\n"},
	{"Host empty port", "GET / HTTP/1.1\r\nHost: a:\r\n\r\n"},
	{"Connection close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"},
	{"Connection keep-alive 1.1", "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"},
	{"many headers under limit", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-A: b\r\n", 50) + "\r\n"},
	{"long header under limit", "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + strings.Repeat("v", 4000) + "\r\n\r\n"},
	{"header with empty value", "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n"},
	{"header value with colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b:c\r\n\r\n"},
	{"header name with dot", "GET / HTTP/1.1\r\nHost: a\r\nX.A: b\r\n\r\n"},
	{"chunked with extension", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\n\r\n"},
	{"chunked with trailer", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"},
	{"chunked uppercase hex", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"},
	{"chunked size 0x", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"},
	{"chunked size plus", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n"},
	{"chunked size underscore", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1_0\r\n0123456789abcdef\r\n0\r\n\r\n"},
	{"chunked size empty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n"},
	{"chunked size overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"},
	{"chunked data too long", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"},
	{"chunked bare LF after data", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"},
	{"body shorter than Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"},
	{"Content-Length leading zeros", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 003\r\n\r\nabc"},
	{"Content-Length with spaces", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  3 \r\n\r\nabc"},
	{"GET with body", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"},
	{"smuggle CL.TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"},
	{"smuggle TE.CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"},
	{"smuggle TE obfuscated", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"},
	{"smuggle TE with tab", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n"},
	{"smuggle TE quoted", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"},
	{"Expect 100-continue without body", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"},
	{"Expect mixed case", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx"},
	{"absolute-form https", "GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"},
	{"absolute-form no host", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"},
}

// chosenDifferences are the requests where this server's status class
// differs from net/http's on purpose, with the reason. Every other
// difference fails the test.
var chosenDifferences = map[string]string{
	"CL and TE":     bothFramings,
	"smuggle CL.TE": bothFramings,
	"smuggle TE.CL": bothFramings,

	"TE gzip only":          chunkedNotFinal,
	"TE chunked then gzip":  chunkedNotFinal,
	"TE empty":              chunkedNotFinal,
	"TE identity":           chunkedNotFinal,
	"smuggle TE obfuscated": chunkedNotFinal,
	"smuggle TE quoted":     chunkedNotFinal,
	"TE chunked twice":      "RFC 9112 §7: chunked applied twice is broken framing, 400; net/http says 501",
	"TE in HTTP/1.0":        "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty; we refuse, net/http reads it",

	"leading empty line":                   "RFC 9112 §2.2: a server SHOULD skip at least one empty line before the request line; net/http refuses it",
	"obs-fold":                             "RFC 9112 §5.2: a server may refuse obs-fold with 400, and we do; net/http unfolds it",
	"Content-Length list same":             "RFC 9110 §8.6: a list of identical values may be taken as that one value; net/http refuses it",
	"absolute-form with userinfo":          "RFC 9110 §4.2.4: a recipient treats userinfo in an http(s) URI as an error; net/http accepts it",
	"absolute-form with user and password": "RFC 9110 §4.2.4: a recipient treats userinfo in an http(s) URI as an error; net/http accepts it",
	"asterisk GET":                         "RFC 9112 §3.2.4: asterisk-form is only for OPTIONS; net/http hands it to the handler",
	"target non-ASCII":                     "RFC 9112 §3.2: a request-target is visible ASCII; net/http accepts raw UTF-8 bytes",
	"absolute-form no host":                "RFC 9112 §3.2.2: an absolute-form target has an authority; net/http accepts an empty one",
	"Host with bad port":                   "RFC 3986 §3.2.3: a port is digits; net/http accepts any characters after the colon",
	"chunked bare LF after data":           "RFC 9112 §2.2 lets a recipient take a bare LF as a line end; we do so after chunk data too, net/http does not",
	"Expect unknown in 1.0 ignored":        "RFC 9110 §10.1.1: Expect is ignored in an HTTP/1.0 request; net/http answers 417",
}

const (
	bothFramings    = "RFC 9112 §6.1: a server MAY refuse a request with both Content-Length and Transfer-Encoding, and we do; net/http drops Content-Length and reads chunks"
	chunkedNotFinal = "RFC 9112 §6.3: when chunked is not the final coding of a request, the server MUST answer 400; net/http answers 501"
)

func TestDifferentialAgainstNetHTTP(t *testing.T) {
	_, ours := startServer(t, echoHandler)
	peer := httptest.NewServer(echoHandler)
	defer peer.Close()
	theirs := strings.TrimPrefix(peer.URL, "http://")

	all := differentialCases
	for _, c := range parserCases {
		all = append(all, struct{ name, raw string }{c.name, c.raw})
	}
	if len(all) < 100 {
		t.Fatalf("only %d requests; the differential test sends at least 100", len(all))
	}
	for _, c := range all {
		a, b := halfClosedStatus(t, ours, c.raw), halfClosedStatus(t, theirs, c.raw)
		reason, chosen := chosenDifferences[c.name]
		switch {
		case a/100 != b/100 && !chosen:
			t.Errorf("%s: we say %d, net/http says %d, and no reason is written down", c.name, a, b)
		case a/100 != b/100:
			t.Logf("%s: we say %d, net/http %d: %s", c.name, a, b, reason)
		case chosen:
			t.Logf("%s: listed as a difference but both say %dxx: %s", c.name, a/100, reason)
		}
	}
}
