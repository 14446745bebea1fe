// Package protocol is liveboard's wire protocol: JSON objects in UTF-8
// WebSocket text frames, each with a "type". The backend and the Wasm
// frontend both import it, so it depends on nothing but encoding/json and
// the standard library's text packages (no net/http: that would double
// app.wasm). docs/protocol.md describes it for people.
package protocol
