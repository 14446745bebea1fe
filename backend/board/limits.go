package board

import (
	"time"

	"liveboard/shared/protocol"
)

// The limits of the board, in one table.
const (
	// DefaultPostBurst posts per DefaultPostWindow per author; more get
	// rate_limited, with the time until the next token.
	DefaultPostBurst  = 20
	DefaultPostWindow = 10 * time.Second
	// AddrRateFactor is how many authors' worth of posts one client
	// address gets: a whole office behind one NAT shares it.
	AddrRateFactor = 10
	// PingInterval is how often the server pings each WebSocket; one that
	// does not answer within PingTimeout is dropped.
	PingInterval = 30 * time.Second
	PingTimeout  = 15 * time.Second
	// WriteTimeout bounds each frame written to a client.
	WriteTimeout = 10 * time.Second
	// CloseTimeout bounds a close handshake; then the socket is dropped.
	CloseTimeout = 2 * time.Second
	// PresenceInterval is the most often presence goes to a board.
	PresenceInterval = time.Second
	// MaxAPIBodyBytes bounds a POST to the HTTP API or the form.
	MaxAPIBodyBytes = 64 << 10
	// RateLimiterEntries bounds the per-author and per-address buckets kept;
	// the oldest is forgotten first.
	RateLimiterEntries = 10_000
)

// The presence a node announces to the others on a cluster.
const (
	// MaxAnnouncedNames bounds the names in one announcement; the rest
	// count toward online without a name (an author unlisted on two
	// nodes then counts twice). A frame shows no more names than this
	// anyway, and every node announces every active board every
	// AnnounceEvery to every other: at 30 nodes and 100 boards, 1,000
	// names (about 45 KB) would be 1.4 GB/s of NATS traffic; 100 are a
	// tenth of it (docs/scaling.md).
	MaxAnnouncedNames = protocol.MaxPresenceNames
)
