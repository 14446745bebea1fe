package term

import "time"

// The limits of the terminal client, in one table.
const (
	// DefaultTimeout is how long post waits without progress (no post
	// acked) before it gives up with exit 1: an unreachable server.
	DefaultTimeout = 30 * time.Second
	// PostWindow is how many posts post keeps in flight: enough to keep the
	// server's group commit busy, few enough that the outbox file stays small.
	PostWindow = 64
	// MaxLineBytes bounds one line of standard input (a post is at most
	// 4000 characters, 16000 bytes of UTF-8).
	MaxLineBytes = 1 << 20
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1 // a refused post, or no progress for -timeout
	ExitUsage  = 2 // a bad flag or URL
	exitSignal = 0 // Ctrl-C ends tail and chat normally
)
