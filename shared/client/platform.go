package client

import "context"

// Event is one server-sent event.
type Event struct {
	Type string // the event field ("message" when absent)
	ID   string
	Data string
}

// EventStream is an open SSE response.
type EventStream interface {
	// Next blocks for the next event; an error ends the stream.
	Next(ctx context.Context) (Event, error)
	Close()
}

// Response is what an HTTP write answered.
type Response struct {
	Status     int
	RetryAfter string // the Retry-After field
	Body       []byte
}

// Platform is what differs between the browser and a native program.
type Platform interface {
	// OpenEvents opens GET url as an event stream, same-origin.
	OpenEvents(ctx context.Context, url string) (EventStream, error)
	// Do sends one request with a JSON body (nil for none).
	Do(ctx context.Context, method, url string, body []byte) (Response, error)
	// DialWebSocket opens a WebSocket to url and returns it once open.
	DialWebSocket(ctx context.Context, url string) (Socket, error)
}

// OutboxStore keeps a board's unacked posts across restarts: local
// storage in the browser, a file for the terminal. Nil keeps them in
// memory only.
type OutboxStore interface {
	LoadOutbox(board string) []OutboxItem
	SaveOutbox(board string, items []OutboxItem)
}

// Socket is an open WebSocket carrying text messages: the Platform's dial
// (coder/websocket natively, the browser's WebSocket in the page), or the
// page's early socket.
type Socket interface {
	Read(ctx context.Context) ([]byte, error)
	Write(ctx context.Context, b []byte) error
	// Close ends the socket without waiting for the peer.
	Close()
}

// EarlySocket is a WebSocket that the page opened, and said hello on,
// before the client started: the connection then overlaps the Wasm's
// start. The client takes it over only when it dialled the client's own
// URL with the client's own first hello, byte for byte; otherwise it
// closes it and dials.
type EarlySocket interface {
	Socket
	URL() string   // what it dialled
	Hello() []byte // the hello it sent
}
