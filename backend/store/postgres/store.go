// Package postgres is the shared Store of a cluster: PostgreSQL through
// pgx v5 and its pool. Every node appends to the same log; a counter row
// per board, locked in the transaction that inserts the board's events,
// keeps each board's seqs gap-free across nodes. Like the SQLite store,
// one writer goroutine per node commits the appends waiting at once in one
// transaction (group commit), and acks only after the commit.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"liveboard/backend/board"
	"liveboard/backend/store/groupcommit"
)

// Options tune the store.
type Options struct {
	// MaxBatch caps the appends of one transaction (default MaxBatch); 1
	// gives one transaction per post, the baseline of the benches.
	MaxBatch int
	// OnCommit receives each committed transaction's events, in seq order
	// per board, before their appends return: this node publishes there.
	OnCommit func([]board.Event)
	// Meter times each transaction (nil: nothing).
	Meter board.Meter
}

// Store is the PostgreSQL store. Make one with Open.
type Store struct {
	pool     *pgxpool.Pool
	queue    *groupcommit.Queue
	onCommit func([]board.Event)
	meter    board.Meter
}

// ErrClosed is the answer of Append and the reads once the store is closed.
var ErrClosed = fmt.Errorf("postgres: %w", board.ErrClosed)

// Open connects to url (postgres://…), applies the migrations this
// binary carries, and starts the writer. Errors never repeat the URL,
// which may hold a password.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: bad store URL: %w", err)
	}
	cfg.MaxConns = PoolConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	if err := pool.Ping(cctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := migrate(cctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = MaxBatch
	}
	s := &Store{pool: pool, onCommit: opt.OnCommit, meter: board.MeterOr(opt.Meter)}
	s.queue = groupcommit.Start(opt.MaxBatch, s.commit, ErrClosed)
	return s, nil
}

// Append queues cmd for this node's writer and waits for its commit.
func (s *Store) Append(ctx context.Context, cmd board.Command) (board.Event, bool, error) {
	return s.queue.Append(ctx, cmd)
}

// Close commits the appends already queued, then closes the pool.
func (s *Store) Close() error {
	if s.queue.Closed() {
		return nil
	}
	s.queue.Close()
	s.pool.Close()
	return nil
}

var _ board.Store = (*Store)(nil)
