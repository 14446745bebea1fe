package postgres

import "time"

// The limits of the PostgreSQL store, in one table.
const (
	// MaxBatch is the most appends one transaction commits.
	MaxBatch = 256
	// PoolConns is each node's connections: one for the writer, the rest
	// for catch-ups and the API's reads.
	PoolConns = 8
	// ConnectTimeout bounds the first connection and the migrations.
	ConnectTimeout = 30 * time.Second
	// ReadRetries is how many times a read runs again when the server
	// closed its connection (read.go's snapshot); then the reader gets
	// the error.
	ReadRetries = 1
	// CommitTimeout bounds one group commit; past it the batch fails, is
	// refused, and its posters resend (ids make that safe).
	CommitTimeout = 10 * time.Second
)
