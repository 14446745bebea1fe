package natsbroker

import "time"

// The limits of the NATS broker, in one table.
const (
	// HeadCheckEvery is how often each board with local readers has its
	// head read from the store, so that a lost last message is found
	// (NATS is at-most-once). Every reconnect checks at once too.
	HeadCheckEvery = 2 * time.Second
	// AnnounceEvery is how often a node repeats its readers of each board;
	// PresenceTTL, three periods, is how long the others keep them.
	AnnounceEvery = 2 * time.Second
	PresenceTTL   = 3 * AnnounceEvery
	// ReconnectWait is the pause between attempts to reach NATS; the
	// broker tries for ever, and /readyz says so meanwhile.
	ReconnectWait = 500 * time.Millisecond
	// SubscribeFlushTimeout bounds the wait for NATS to confirm a board's
	// first subscription (a message published before it is confirmed is
	// found by the gap filling instead).
	SubscribeFlushTimeout = time.Second
	// ReorderWait is how long an event that came early waits for the one
	// before it (NATS orders per publisher only), before that one is read
	// from the store, once for the node.
	ReorderWait = 100 * time.Millisecond
	// FillPage is how many events one such read asks for.
	FillPage = 500
	// HeadCheckTimeout bounds one round of head reads.
	HeadCheckTimeout = 5 * time.Second
)

// seqHeader carries an event's seq beside its frame, so that receivers do
// not parse the JSON.
const seqHeader = "Liveboard-Seq"
