package protocol

import "time"

// The limits of the protocol, in one table. Both sides enforce them.
const (
	// MaxFrameBytes is the largest frame either side reads; a larger one
	// closes the socket with 1009. 64 KiB holds a 4000-character post even
	// when every character is escaped as \ud83d\ude00 (12 bytes).
	MaxFrameBytes = 64 << 10
	// MaxTextRunes bounds a post's text, in code points, after trimming.
	MaxTextRunes = 4000
	// MinTokenLen and MaxTokenLen bound the client's secret token.
	MinTokenLen = 16
	MaxTokenLen = 128
	// MaxNameRunes bounds a nickname.
	MaxNameRunes = 32
	// MaxIDLen bounds a client-chosen post id.
	MaxIDLen = 64
	// MaxBoardLen bounds a board name.
	MaxBoardLen = 64
	// MaxHistoryLimit bounds a history page and an API page.
	MaxHistoryLimit = 200
	// DefaultPageLimit is the API's page size, and the catch-up of a client
	// that joins without "after".
	DefaultPageLimit = 50
	// MaxPresenceNames bounds the names listed in a presence frame.
	MaxPresenceNames = 100
	// HelloTimeout is how long the server waits for hello; then 1008.
	HelloTimeout = 10 * time.Second
	// HeartbeatInterval is how often a client sends {"type":"ping"}; a
	// client that hears nothing for DeadAfter treats the link as dead.
	HeartbeatInterval = 10 * time.Second
	DeadAfter         = 25 * time.Second
	// DefaultBoard is the board of "/" and of a /ws without ?board.
	DefaultBoard = "lobby"
)
