package session

import "time"

// The limits of a live stream, in one table.
const (
	// DefaultSendQueue is how many frames may wait for a slow reader; past
	// it the stream is closed with ReasonSlow and the client resumes.
	DefaultSendQueue = 256
	// CatchupPage is how many events one catch-up or gap-filling read asks for.
	CatchupPage = 500
	// CatchupTimeout bounds the whole catch-up of one joining reader.
	CatchupTimeout = 40 * time.Second
	// GapRetries and GapRetryWait bound the wait for a store that does not
	// have a seq the broker already delivered (a replica behind); then the
	// stream closes with ReasonResume and the client resumes.
	GapRetries   = 5
	GapRetryWait = 200 * time.Millisecond
	// WriterLinger is how long a writer goroutine waits for more frames
	// before it ends: a busy stream does not start one per frame, and an
	// idle one keeps none.
	WriterLinger = 5 * time.Second
	// keptBuffer is the capacity, in entries, a writer's queue and frames
	// buffers keep between batches; past it they are kept only while a
	// batch fills a quarter of them.
	keptBuffer = 64
	// heartbeatTick is how often idle streams are looked for; each tick
	// sends at most the larger of heartbeatsPerTick and 1/heartbeatSpread
	// of the streams.
	heartbeatTick     = time.Second
	heartbeatsPerTick = 100
	heartbeatSpread   = 10
)

// The tails kept in memory for joins (tail.go), in one table.
const (
	// TailEvents is how many of a board's latest events its tail keeps: a
	// reader who was away for fewer catches up from memory. At about
	// 500 bytes an event, a tail is at most about 640 KB.
	TailEvents = 1024
	// MaxTails bounds the boards with a tail (about 160 MB at most).
	MaxTails = 256
	// TailLinger is how long a tail outlives its board's last stream.
	TailLinger = 30 * time.Second
)
