package http1

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// protocolError is a request this server refuses before any handler sees
// it. Status is the answer; rule names the rule broken, so that the error
// page tells the client exactly what was wrong.
type protocolError struct {
	status int
	rule   string
}

func (e *protocolError) Error() string {
	return fmt.Sprintf("http1: %d %s: %s", e.status, http.StatusText(e.status), e.rule)
}

func refuse(status int, rule string) error { return &protocolError{status: status, rule: rule} }

// readHead reads a request line and header section into buf, enforcing
// the size limits. It returns io.EOF when the peer closed before sending
// anything.
func readHead(br *bufio.Reader, buf []byte) ([]byte, error) {
	buf = buf[:0]
	// RFC 9112 §2.2: skip empty lines before the request line.
	for skipped := 0; ; skipped++ {
		var err error
		buf, err = readLine(br, buf[:0], MaxRequestLineBytes, http.StatusRequestURITooLong, "request line too long")
		if err != nil {
			if errors.Is(err, io.EOF) && len(buf) == 0 && skipped == 0 {
				return nil, io.EOF
			}
			return nil, err
		}
		if !isEmptyLine(buf) {
			break
		}
		if skipped == MaxLeadingEmptyLines {
			return nil, refuse(http.StatusBadRequest, "too many empty lines before the request line")
		}
	}
	lineEnd := len(buf)
	for fields := 0; ; fields++ {
		start := len(buf)
		var err error
		buf, err = readLine(br, buf, MaxHeaderBytes-(start-lineEnd), http.StatusRequestHeaderFieldsTooLarge, "header section too large")
		if err != nil {
			return nil, err
		}
		if isEmptyLine(buf[start:]) {
			return buf, nil
		}
		if fields == MaxHeaderCount {
			return nil, refuse(http.StatusRequestHeaderFieldsTooLarge, "too many header fields")
		}
	}
}

// readLine appends one line, its LF included, to buf. A line longer than
// max is answered with status.
func readLine(br *bufio.Reader, buf []byte, max, status int, rule string) ([]byte, error) {
	start := len(buf)
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)-start+len(frag) > max {
			return buf, refuse(status, rule)
		}
		buf = append(buf, frag...)
		switch {
		case err == nil:
			return buf, nil
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(buf) > start:
			return buf, io.ErrUnexpectedEOF
		default:
			return buf, err
		}
	}
}

func isEmptyLine(b []byte) bool {
	return len(b) == 1 || (len(b) == 2 && b[0] == '\r')
}

// nextLine splits head at its first line, dropping the CRLF (or bare LF,
// which RFC 9112 §2.2 lets a recipient accept). A CR anywhere else is a
// bare CR, refused by the same section.
func nextLine(head string) (line, rest string, err error) {
	i := strings.IndexByte(head, '\n')
	line, rest = head[:i], head[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if strings.IndexByte(line, '\r') >= 0 {
		return "", "", refuse(http.StatusBadRequest, "bare CR in the header section")
	}
	return line, rest, nil
}

// parseRequest fills req (and u, its URL) from a header section read by
// readHead, and returns its framing, checking the rules of RFC 9112 in the
// order it gives them. The caller owns req and u, so that a connection can
// keep them in one allocation.
func parseRequest(head string, req *http.Request, u *url.URL) (framing, error) {
	var f framing
	line, rest, err := nextLine(head)
	for err == nil && line == "" { // the skipped empty lines
		line, rest, err = nextLine(rest)
	}
	if err != nil {
		return f, err
	}

	// §3: request-line = method SP request-target SP HTTP-version
	method, after, ok1 := strings.Cut(line, " ")
	target, version, ok2 := strings.Cut(after, " ")
	if !ok1 || !ok2 || strings.IndexByte(version, ' ') >= 0 {
		return f, refuse(http.StatusBadRequest, "request line is not method SP target SP version")
	}
	// §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT
	if len(version) != 8 || version[:5] != "HTTP/" || !isDigit(version[5]) || version[6] != '.' || !isDigit(version[7]) {
		return f, refuse(http.StatusBadRequest, "malformed HTTP version")
	}
	if version[5] != '1' {
		return f, refuse(http.StatusHTTPVersionNotSupported, "only HTTP/1.x is served")
	}
	req.Proto, req.ProtoMajor, req.ProtoMinor, req.RequestURI = "HTTP/1.1", 1, 1, target
	if version[7] == '0' {
		req.Proto, req.ProtoMinor, f.http10 = "HTTP/1.0", 0, true
	} // a higher 1.x minor is served as 1.1 (§2.3)
	if !isToken(method) {
		return f, refuse(http.StatusBadRequest, "method is not a token")
	}
	req.Method = method
	if err = parseTarget(method, target, u); err != nil {
		return f, err
	}
	req.URL = u

	if req.Header, err = parseFields(rest); err != nil {
		return f, err
	}
	if err := checkHost(req, f.http10); err != nil {
		return f, err
	}
	if f, err = parseFraming(req.Header, f); err != nil {
		return f, err
	}
	req.Close = f.close
	req.ContentLength = f.contentLength
	if f.chunked {
		req.TransferEncoding = []string{"chunked"}
	}
	return f, nil
}

// parseFields parses field lines (§5) into a header.
func parseFields(rest string) (http.Header, error) {
	n := strings.Count(rest, "\n") - 1
	h := make(http.Header, n)
	strs := make([]string, n) // one backing array for the values, as net/http does
	for {
		line, r, err := nextLine(rest)
		if err != nil {
			return nil, err
		}
		rest = r
		if line == "" {
			return h, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			return nil, refuse(http.StatusBadRequest, "obsolete line folding (RFC 9112 §5.2)")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, refuse(http.StatusBadRequest, "header line without a colon")
		}
		if !isToken(name) {
			if strings.TrimRight(name, " \t") != name {
				return nil, refuse(http.StatusBadRequest, "whitespace between field name and colon (RFC 9112 §5.1)")
			}
			return nil, refuse(http.StatusBadRequest, "field name is not a token")
		}
		value = strings.Trim(value, " \t")
		for i := 0; i < len(value); i++ {
			if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
				return nil, refuse(http.StatusBadRequest, "control character in a field value")
			}
		}
		key := name
		if !isCanonical(name) {
			key = textproto.CanonicalMIMEHeaderKey(name)
		}
		if vv := h[key]; vv == nil && len(strs) > 0 {
			vv, strs = strs[:1:1], strs[1:]
			vv[0] = value
			h[key] = vv
		} else {
			h[key] = append(vv, value)
		}
	}
}
