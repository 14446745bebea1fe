package web

import "time"

// The limits of the transports, in one table.
const (
	// SSEHeartbeat is the idle time after which an "event: ping" goes out:
	// EventSource hides comments, and the client's dead-link check must
	// see something.
	SSEHeartbeat = 15 * time.Second
	// SSERetry is the reconnect delay EventSource is told, in ms.
	SSERetry = 2000
	// wsBatchBytes is how much of a batch of WebSocket frames goes out in
	// one write (a batch is what waits for one reader); a single larger
	// frame goes alone.
	wsBatchBytes = 32 << 10
)
