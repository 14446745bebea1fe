// Package session is what every live reader gets, whatever the transport:
// it subscribes to the board first, catches up from the store, sends
// synced, then live frames in seq order with no duplicate and no gap. A
// bounded queue holds frames for a slow reader; past it the reader is
// closed and resumes. Heartbeats go out on idle links, presence is joined
// once synced, and every stream ends on Shutdown.
//
// A transport (WebSocket, SSE) supplies a small Sink: send these frames,
// prove the link, close for this reason. Everything else is here, once.
//
// Gaps: a broker may deliver a seq more than one ahead of the last one
// queued (NATS drops and reorders). The stream then reads the missing seqs
// from the store, in order, before it goes on; a seq that arrives late is
// a duplicate and is dropped.
package session
