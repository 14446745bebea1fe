package http1

import (
	"net/http"
	"strings"
)

// framing is what the header section says about the message around it.
type framing struct {
	contentLength  int64 // -1 with chunked
	chunked        bool
	expectContinue bool
	close          bool // the client asked to close, or HTTP/1.0 without keep-alive
	http10         bool
}

// parseFraming applies §6: how long the body is, and whether we can read it.
func parseFraming(h http.Header, f framing) (framing, error) {
	te, hasTE := h["Transfer-Encoding"]
	cl, hasCL := h["Content-Length"]
	switch {
	case hasTE && hasCL:
		return f, refuse(http.StatusBadRequest, "both Content-Length and Transfer-Encoding (RFC 9112 §6.1)")
	case hasTE && f.http10:
		return f, refuse(http.StatusBadRequest, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)")
	case hasTE:
		if err := checkTransferCoding(te); err != nil {
			return f, err
		}
		f.chunked, f.contentLength = true, -1
	case hasCL:
		n, err := parseContentLength(cl)
		if err != nil {
			return f, err
		}
		f.contentLength = n
	}

	if exp, ok := h["Expect"]; ok && !f.http10 { // RFC 9110 §10.1.1: ignored in HTTP/1.0
		for _, v := range exp {
			if !strings.EqualFold(v, "100-continue") {
				return f, refuse(http.StatusExpectationFailed, "only Expect: 100-continue is supported")
			}
		}
		f.expectContinue = f.chunked || f.contentLength > 0
	}

	keepAlive := false
	for _, v := range h["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			tok = strings.Trim(tok, " \t")
			if strings.EqualFold(tok, "close") {
				f.close = true
			} else if strings.EqualFold(tok, "keep-alive") {
				keepAlive = true
			}
		}
	}
	if f.http10 && !keepAlive {
		f.close = true
	}
	return f, nil
}

// checkTransferCoding accepts exactly one chunked coding, last (§6.3, §7).
func checkTransferCoding(values []string) error {
	var codings []string
	for _, v := range values {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.Trim(c, " \t"); c != "" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) == 0 || !strings.EqualFold(codings[len(codings)-1], "chunked") {
		return refuse(http.StatusBadRequest, "chunked is not the final transfer coding (RFC 9112 §6.3)")
	}
	for _, c := range codings[:len(codings)-1] {
		if strings.EqualFold(c, "chunked") {
			return refuse(http.StatusBadRequest, "chunked applied more than once (RFC 9112 §7)")
		}
	}
	if len(codings) > 1 {
		return refuse(http.StatusNotImplemented, "transfer coding other than chunked")
	}
	return nil
}

// parseContentLength accepts 1*DIGIT, repeated only with the same value
// (RFC 9110 §8.6).
func parseContentLength(values []string) (int64, error) {
	n := int64(-1)
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.Trim(s, " \t")
			if s == "" || len(s) > 18 || !allDigits(s) {
				return 0, refuse(http.StatusBadRequest, "Content-Length is not a decimal number")
			}
			var m int64
			for i := 0; i < len(s); i++ {
				m = m*10 + int64(s[i]-'0')
			}
			if n >= 0 && m != n {
				return 0, refuse(http.StatusBadRequest, "Content-Length values differ")
			}
			n = m
		}
	}
	return n, nil
}
