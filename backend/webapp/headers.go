package webapp

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// The security headers of every page.
//
// The Content-Security-Policy allows scripts from this origin, Wasm
// compilation ('wasm-unsafe-eval', which app.wasm needs and nothing else
// gets), and the inline scripts (inlineScripts) by their hashes. Styles may be inline:
// go-app writes style attributes. Violations are reported to
// CSPReportPath, where the server logs them (the Playwright suite fails
// on any).
var (
	contentSecurityPolicy = "default-src 'self'; " +
		"script-src 'self' 'wasm-unsafe-eval' " + scriptHashes(inlineScripts) + "; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
		"worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors 'none'; report-uri " + CSPReportPath
	permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

// scriptHash is the CSP source of an inline <script>…</script>: the
// SHA-256 of exactly the text between the tags.
func scriptHash(tag string) string {
	body := strings.TrimSuffix(strings.TrimPrefix(tag, "<script>"), "</script>")
	sum := sha256.Sum256([]byte(body))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// scriptHashes is the CSP sources of scripts, space-separated.
func scriptHashes(scripts []string) string {
	var s []string
	for _, tag := range scripts {
		s = append(s, "'"+scriptHash(tag)+"'")
	}
	return strings.Join(s, " ")
}

// setSecurityHeaders adds the page headers; HSTS only over TLS.
func setSecurityHeaders(h http.Header, tls bool) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Permissions-Policy", permissionsPolicy)
	h.Set("X-Frame-Options", "DENY")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
