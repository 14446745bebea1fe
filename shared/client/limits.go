package client

import "time"

// The limits of the client, in one table. Config overrides the windows
// (tests shorten them).
const (
	// DefaultWelcomeTimeout is how long an open /ws may stay silent before
	// SSE is opened beside it.
	DefaultWelcomeTimeout = 5 * time.Second
	// DefaultWebSocketRetry is how often a client on SSE tries /ws again.
	DefaultWebSocketRetry = 60 * time.Second
	// FailuresBeforeFallback is how many failed /ws opens in a row send the
	// client to SSE.
	FailuresBeforeFallback = 2
	// BackoffMin and BackoffMax bound the reconnect wait (full jitter).
	BackoffMin = 300 * time.Millisecond
	BackoffMax = 10 * time.Second
	// RateRetry is the wait before a rate-limited post is sent again when
	// the server named no time.
	RateRetry = 2 * time.Second
	// OutboxSaveDelay is how long the outbox may go unwritten after acks.
	OutboxSaveDelay = 200 * time.Millisecond
	// FramesPerChange bounds the frames already received that are applied
	// together and reported as one change (one render).
	FramesPerChange = 256
	// WriteTimeout bounds one frame written, or one HTTP write.
	WriteTimeout = 10 * time.Second
)
