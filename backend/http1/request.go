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

// framing is what the header section says about the message around it.
type framing struct {
	contentLength  int64 // -1 with chunked
	chunked        bool
	expectContinue bool
	close          bool // the client asked to close, or HTTP/1.0 without keep-alive
	http10         bool
}

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

// parseTarget checks the four forms of request-target (§3.2) and fills u.
func parseTarget(method, target string, u *url.URL) error {
	if target == "" {
		return refuse(http.StatusBadRequest, "empty request target")
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= ' ' || c >= 0x7f {
			return refuse(http.StatusBadRequest, "request target has a byte outside visible ASCII")
		}
	}
	switch {
	case target[0] == '/': // origin-form
		if strings.IndexByte(target, '%') < 0 {
			// Nothing to unescape: what url.ParseRequestURI would give, without its allocation.
			if strings.HasSuffix(target, "?") && strings.Count(target, "?") == 1 {
				u.Path, u.ForceQuery = target[:len(target)-1], true
			} else {
				u.Path, u.RawQuery, _ = strings.Cut(target, "?")
			}
			return nil
		}
	case target == "*": // asterisk-form, OPTIONS only (§3.2.4)
		if method != http.MethodOptions {
			return refuse(http.StatusBadRequest, "asterisk-form is only for OPTIONS")
		}
		u.Path = "*"
		return nil
	case method == http.MethodConnect: // authority-form (§3.2.3)
		host, port, ok := strings.Cut(target, ":")
		if !ok || !validHost(host) || !allDigits(port) {
			return refuse(http.StatusBadRequest, "CONNECT target is not host:port")
		}
		u.Host = target
		return nil
	case hasHTTPScheme(target): // absolute-form (§3.2.2)
	default:
		return refuse(http.StatusBadRequest, "request target is in no form of RFC 9112 §3.2")
	}
	parsed, err := url.ParseRequestURI(target)
	if err != nil {
		return refuse(http.StatusBadRequest, "request target is not a valid URI")
	}
	if parsed.Scheme != "" && (parsed.Host == "" || !validHost(parsed.Host)) {
		return refuse(http.StatusBadRequest, "absolute-form target has an invalid authority")
	}
	if parsed.User != nil {
		return refuse(http.StatusBadRequest, "an http(s) URI must not carry userinfo (RFC 9110 §4.2.4)")
	}
	*u = *parsed
	return nil
}

func hasHTTPScheme(target string) bool {
	return len(target) > 7 && strings.EqualFold(target[:7], "http://") ||
		len(target) > 8 && strings.EqualFold(target[:8], "https://")
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

// checkHost applies §3.2: exactly one valid Host on HTTP/1.1, and the
// authority of an absolute-form target wins over it.
func checkHost(req *http.Request, http10 bool) error {
	hosts := req.Header["Host"]
	switch {
	case len(hosts) > 1:
		return refuse(http.StatusBadRequest, "more than one Host")
	case len(hosts) == 0 && !http10:
		return refuse(http.StatusBadRequest, "HTTP/1.1 request without Host")
	case len(hosts) == 1 && hosts[0] != "" && !validHost(hosts[0]):
		return refuse(http.StatusBadRequest, "invalid Host")
	}
	if req.URL.Host != "" {
		req.Host = req.URL.Host
	} else if len(hosts) == 1 {
		req.Host = hosts[0]
	}
	// net/http's server removes Host from the header map; handlers expect that.
	delete(req.Header, "Host")
	return nil
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// tokenTable marks tchar (RFC 9110 §5.6.2).
var tokenTable = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenTable[s[i]] {
			return false
		}
	}
	return true
}

// isCanonical reports whether a token is already in canonical header form,
// so that the common case slices the head instead of allocating.
func isCanonical(s string) bool {
	upper := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			return false
		}
		upper = c == '-'
	}
	return true
}

// validHost accepts uri-host [ ":" port ] (RFC 3986 §3.2.2) loosely: the
// characters of a reg-name or an IP literal, and a decimal port.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		for i := 1; i < end; i++ {
			if c := h[i]; !isHex(c) && c != ':' && c != '.' {
				return false
			}
		}
		rest := h[end+1:]
		return rest == "" || rest[0] == ':' && (len(rest) == 1 || allDigits(rest[1:]))
	}
	host, port, hasPort := strings.Cut(h, ":")
	if hasPort && port != "" && !allDigits(port) {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(tokenTable[c] && c != '^' && c != '`' && c != '|' && c != '#') && !strings.ContainsRune("(),;=", rune(c)) {
			return false
		}
	}
	return host != ""
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
