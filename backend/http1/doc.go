// Package http1 is an HTTP/1.1 server written on net.Listener, for any
// http.Handler.
//
// Start with Server.Serve and stop with Server.Shutdown. Each request is
// parsed strictly (RFC 9112) into a real *http.Request: its Body is bounded
// by the message framing, its Context ends when the handler returns or the
// client goes away, and RemoteAddr and TLS are set. The ResponseWriter
// implements http.Flusher, http.Hijacker and io.ReaderFrom, so that
// http.ServeContent sends files with sendfile and coder/websocket's Accept
// works unchanged. net/http is used for its types and helpers only.
//
// Files:
//   - server.go: accepting, the connection cap, shutdown
//   - conn.go: one connection's life: keep-alive, pipelining, timeouts, panics
//   - request.go: the request line and header fields, in RFC 9112 order
//   - body.go: Content-Length and chunked request bodies
//   - response.go: the ResponseWriter: framing, Flush, ReadFrom, Hijack
//   - context.go: the request context and the background read behind it
//   - limits.go: every limit, in one table
//
// Every refusal names the rule it enforces in its body ("400 Bad Request:
// obsolete line folding (RFC 9112 §5.2)") and closes the connection, since
// the message boundary is then unknown.
//
// Caveats:
//   - Handlers must not keep the ResponseWriter or its Header after they
//     return: both are reused for the connection's next request.
//   - After Hijack the request's Context is no longer cancelled when the
//     client leaves (the socket is the new owner's); it still ends when the
//     handler returns, as in net/http.
//   - A bare LF is accepted as a line end (RFC 9112 §2.2 allows it); a bare
//     CR is refused.
package http1
