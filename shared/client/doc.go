// Package client is liveboard's client logic outside any user interface:
// the protocol state of one board (hello and resume, frames applied in seq
// order without duplicates, the outbox of posts not yet acked) and the
// connection that feeds it (WebSocket first, SSE and the HTTP API when
// WebSocket is blocked, backoff, heartbeats, and the way back).
//
// The browser app (frontend/ui) and the terminal client both drive it;
// they only render. It imports shared/protocol and the standard library,
// and nothing that would grow app.wasm: what differs by platform
// (EventSource or a streaming GET, fetch or net/http, the browser's
// WebSocket or coder/websocket, local storage or a file) comes in through
// Platform and OutboxStore.
//
// Choosing the transport:
//   - /ws that fails to open twice in a row (a close before welcome counts)
//     sends the client to SSE;
//   - /ws that opens but gives no welcome within WelcomeTimeout opens SSE
//     beside it, and whichever welcomes first wins (a slow server is not a
//     blocked one);
//   - on SSE, WebSocket is tried again every WebSocketRetry, and the client
//     moves back without losing or repeating a message.
package client
