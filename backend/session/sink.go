package session

// Frame is one encoded server frame. Seq is its place in the board's log,
// or 0 for frames outside it (welcome, presence, ack, error, pong).
type Frame struct {
	Seq  int64
	Data []byte
}

// Sink is a transport's side of a stream: only framing.
type Sink interface {
	// Send writes frames in order, within the transport's write timeout,
	// and reports how many socket writes that took (for the coalescing
	// metric: a batch past a transport's buffer goes out in several). An
	// error ends the stream.
	Send(frames []Frame) (writes int, err error)
	// Heartbeat proves the link when nothing else went out for the
	// stream's HeartbeatEvery: a WebSocket ping, an SSE ping event. It is
	// called in order with Send, never at the same time.
	Heartbeat() error
	// Close ends the transport for reason, within a bounded time.
	Close(reason Reason)
}

// Reason is why a stream ended.
type Reason int

const (
	ReasonGone     Reason = iota // the client left, or a write failed
	ReasonSlow                   // the send queue overflowed: resume
	ReasonShutdown               // the server is going away
	ReasonResume                 // the stream cannot go on in order: resume
	ReasonStore                  // the store failed
)

func (r Reason) String() string {
	return [...]string{"gone", "slow", "shutdown", "resume", "store"}[r]
}
