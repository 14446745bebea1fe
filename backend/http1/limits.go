package http1

import "time"

// The limits of the server, in one table. Each names what happens when a
// peer crosses it; the status codes follow RFC 9110 §15 and RFC 6585 §5.
const (
	// MaxRequestLineBytes bounds the request line; longer gets 414.
	MaxRequestLineBytes = 8 << 10
	// MaxHeaderBytes bounds the header section after the request line;
	// larger gets 431.
	MaxHeaderBytes = 32 << 10
	// MaxHeaderCount bounds the number of header fields; more gets 431.
	MaxHeaderCount = 100
	// MaxLeadingEmptyLines is how many empty lines before a request line are
	// skipped (RFC 9112 §2.2 asks servers to skip "at least one").
	MaxLeadingEmptyLines = 4
	// MaxChunkLineBytes bounds a chunk-size line with its extensions.
	MaxChunkLineBytes = 4 << 10
	// MaxChunkSizeDigits bounds the hex digits of a chunk size, so that the
	// size always fits in an int64 (15 digits is 2^60).
	MaxChunkSizeDigits = 15
	// MaxTrailerBytes bounds the trailer section of a chunked body.
	MaxTrailerBytes = 8 << 10
	// MaxDrainBytes is how much of a body the handler left unread is read
	// and dropped to keep the connection; past it the connection closes.
	MaxDrainBytes = 256 << 10
	// MaxDrainTime bounds the whole drain of an unread body; a peer slower
	// than that gets its connection closed.
	MaxDrainTime = 5 * time.Second

	// AsteriskAllow is the Allow field of the answer to OPTIONS *: the
	// methods this server parses and hands to handlers.
	AsteriskAllow = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

	// DefaultMaxConns caps open connections, hijacked ones included. A
	// connection over the cap is answered 503 and closed.
	DefaultMaxConns = 10_000
	// DefaultReadHeaderTimeout bounds the time from a request's first byte
	// to the end of its header section (slowloris), and the wait for the
	// first request on a new connection.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadBodyTimeout bounds each read of a request body.
	DefaultReadBodyTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds the wait for the next request on a
	// keep-alive connection.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultWriteTimeout bounds each write to the peer.
	DefaultWriteTimeout = 30 * time.Second

	// readBufSize and writeBufSize size a connection's buffers.
	readBufSize  = 4 << 10
	writeBufSize = 4 << 10
	// hijackReadBufSize and hijackWriteBufSize size the buffers handed over
	// by Hijack. They stay for the life of a WebSocket, so they are small;
	// 512 B still holds a typical chat frame in one write, and larger reads
	// and writes bypass bufio. (bench:ws: 7 KiB of heap per idle socket.)
	hijackReadBufSize  = 512
	hijackWriteBufSize = 512
	// sendfileChunk is the most handed to one sendfile call, so that the
	// per-write timeout applies to each piece of a large file.
	sendfileChunk = 4 << 20
)
