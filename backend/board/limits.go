package board

import "time"

// The limits of the board, in one table.
const (
	// DefaultPostBurst posts per DefaultPostWindow per connection (and per
	// client address on the HTTP API); more get rate_limited.
	DefaultPostBurst  = 20
	DefaultPostWindow = 10 * time.Second
	// DefaultSendQueue is how many frames may wait for a slow reader; past
	// it the connection is closed with 1013 and the client resumes.
	DefaultSendQueue = 256
	// PingInterval is how often the server pings each WebSocket; one that
	// does not answer within PingTimeout is dropped.
	PingInterval = 30 * time.Second
	PingTimeout  = 15 * time.Second
	// WriteTimeout bounds each frame written to a client.
	WriteTimeout = 10 * time.Second
	// CloseTimeout bounds a close handshake; then the socket is dropped.
	CloseTimeout = 2 * time.Second
	// CatchupPage is how many events one catch-up query reads.
	CatchupPage = 500
	// PresenceInterval is the most often presence goes to a board.
	PresenceInterval = time.Second
	// MaxAPIBodyBytes bounds a POST to the HTTP API or the form.
	MaxAPIBodyBytes = 64 << 10
	// RateLimiterEntries bounds the per-address limiters the HTTP API keeps.
	RateLimiterEntries = 10_000
)
