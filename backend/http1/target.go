package http1

import (
	"net/http"
	"net/url"
	"strings"
)

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
