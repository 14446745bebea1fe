package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"

	"liveboard/backend/board"
	"liveboard/backend/store/groupcommit"
)

// Open opens (creating if needed) <dir>/liveboard.db.
func Open(dir string, opt Options) (*Store, error) {
	path := filepath.Join(dir, "liveboard.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)"
	// A 32 MB page cache, and a checkpoint every 8000 WAL pages instead of
	// 1000: checkpoints stall the one writer (BenchmarkAppendConcurrent:
	// 18 → 15.5 µs a post with group commit).
	w, err := sql.Open("sqlite", dsn+"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-32000)&_pragma=wal_autocheckpoint(8000)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1) // the one writer
	if _, err := w.Exec(schema); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	stmts := make(map[string]*sql.Stmt, len(writerQueries))
	for _, q := range writerQueries {
		st, err := w.Prepare(q)
		if err != nil {
			w.Close()
			r.Close()
			return nil, fmt.Errorf("sqlite: prepare: %w", err)
		}
		stmts[q] = st
	}
	s := &Store{
		stmts: stmts,
		w:     w, r: r,
		onCommit: opt.OnCommit,
		meter:    board.MeterOr(opt.Meter),
		heads:    make(map[string]int64),
		txStmts:  make(map[string]*sql.Stmt, len(writerQueries)),
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = MaxBatch
	}
	s.queue = groupcommit.Start(opt.MaxBatch, s.commit, ErrClosed)
	return s, nil
}

const schema = `
CREATE TABLE IF NOT EXISTS messages (
	board     TEXT    NOT NULL,
	seq       INTEGER NOT NULL,
	client_id TEXT    NOT NULL,
	author    TEXT    NOT NULL,
	name      TEXT    NOT NULL,
	text      TEXT    NOT NULL,
	at        INTEGER NOT NULL, -- Unix milliseconds
	edited_at INTEGER NOT NULL DEFAULT 0,
	deleted   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (board, seq)
) WITHOUT ROWID;
-- Idempotency: one post per (board, client id, author). The id leads:
-- ids begin with the time they were made (protocol.NewID), so a batch's
-- posts, whoever wrote them, land at the right edge of this index. With
-- the author first, a commit of 50 posts from 50 authors changed about 50
-- index pages, each written to the WAL: about half the commit's CPU.
-- (BenchmarkAppendConcurrent: 2× the posts per second.) Databases made
-- before have the author-first index; it is replaced here, once.
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (board, client_id, author);
DROP INDEX IF EXISTS messages_idempotent;
-- The log: a post's event is its row in messages (same seq); edits and
-- deletes are rows here. One insert per post, not two.
CREATE TABLE IF NOT EXISTS events (
	board  TEXT    NOT NULL,
	seq    INTEGER NOT NULL,
	kind   INTEGER NOT NULL,
	target INTEGER NOT NULL,
	text   TEXT    NOT NULL, -- an edit's text; blanked when its message is deleted
	at     INTEGER NOT NULL,
	PRIMARY KEY (board, seq)
) WITHOUT ROWID;
`
