// Package sqlite is the embedded Store: SQLite through modernc.org/sqlite
// (pure Go), in WAL mode with synchronous=FULL, so an acknowledged post
// survives power loss. One writer goroutine batches concurrent appends into
// one transaction (group commit); readers use their own connections.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"liveboard/backend/board"
	"liveboard/backend/store/groupcommit"
)

// MaxBatch is the most appends one transaction commits.
const MaxBatch = 256

// Options tune the store.
type Options struct {
	// MaxBatch caps the appends of one transaction (default MaxBatch). 1
	// gives one transaction per post, the baseline of bench:ws.
	MaxBatch int
	// OnCommit receives each committed transaction's events, in seq order,
	// before their appends return. The broker hangs here, so that fan-out
	// follows the log's order.
	OnCommit func([]board.Event)
	// Meter times each transaction (nil: nothing).
	Meter board.Meter
}

// Store is the SQLite store. Make one with Open.
type Store struct {
	w, r     *sql.DB
	queue    *groupcommit.Queue
	onCommit func([]board.Event)
	meter    board.Meter
	heads    map[string]int64 // the writer's view of each board's head
	stmts    map[string]*sql.Stmt
	// txStmts are stmts bound to the writer's current transaction, made
	// once per batch rather than once per command (tx.Stmt allocates and
	// locks each time). Only the writer goroutine uses them.
	txStmts map[string]*sql.Stmt
}

// headQuery is a board's last seq: the larger of its last post and its
// last edit or delete.
const headQuery = `SELECT MAX(s) FROM (SELECT MAX(seq) AS s FROM messages WHERE board = ?1 UNION ALL SELECT MAX(seq) FROM events WHERE board = ?1)`

// The writer's statements, prepared once: preparing each time costs more
// than running them.
const (
	qFindPost    = `SELECT seq, name, text, at, edited_at, deleted FROM messages WHERE board = ? AND author = ? AND client_id = ?`
	qFindTarget  = `SELECT author, deleted FROM messages WHERE board = ? AND seq = ?`
	qHead        = headQuery
	qInsertPost  = `INSERT INTO messages (board, seq, client_id, author, name, text, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (board, author, client_id) DO NOTHING`
	qEdit        = `UPDATE messages SET text = ?, edited_at = ? WHERE board = ? AND seq = ?`
	qDelete      = `UPDATE messages SET text = '', deleted = 1 WHERE board = ? AND seq = ?`
	qBlankEdits  = `UPDATE events SET text = '' WHERE board = ? AND target = ? AND kind = ?`
	qInsertEvent = `INSERT INTO events (board, seq, kind, target, text, at) VALUES (?, ?, ?, ?, ?, ?)`
)

var writerQueries = []string{qFindPost, qFindTarget, qHead, qInsertPost, qEdit, qDelete, qBlankEdits, qInsertEvent}

// Close stops the writer after the appends already queued, and closes the
// database.
func (s *Store) Close() error {
	if s.queue.Closed() {
		return nil
	}
	s.queue.Close()
	return errors.Join(s.w.Close(), s.r.Close())
}

// ErrClosed is the answer of Append and the reads once the store is closed.
var ErrClosed = fmt.Errorf("sqlite: %w", board.ErrClosed)

// Append queues cmd for the writer and waits for its commit.
func (s *Store) Append(ctx context.Context, cmd board.Command) (board.Event, bool, error) {
	return s.queue.Append(ctx, cmd)
}

// commit applies a batch in one transaction and answers each append.
func (s *Store) commit(batch []board.Command) []groupcommit.Result {
	start := time.Now()
	defer func() { s.meter.Committed(len(batch), time.Since(start)) }()
	results := make([]groupcommit.Result, len(batch))
	var events []board.Event
	err := func() error {
		tx, err := s.w.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		defer clear(s.txStmts) // the transaction closes them
		for i, cmd := range batch {
			ev, dup, err := s.apply(tx, cmd)
			if err != nil && !errors.Is(err, board.ErrNotFound) && !errors.Is(err, board.ErrForbidden) {
				return err // the database failed: the whole batch fails
			}
			results[i] = groupcommit.Result{Event: ev, Duplicate: dup, Err: err}
			if err == nil && !dup {
				events = append(events, ev)
			}
		}
		return tx.Commit()
	}()
	if err != nil {
		clear(s.heads) // they may count events that were rolled back
		err = fmt.Errorf("sqlite: commit: %w", err)
		for i := range results {
			results[i] = groupcommit.Result{Err: err}
		}
	} else if s.onCommit != nil && len(events) > 0 {
		s.onCommit(events)
	}
	return results
}

func (s *Store) head(tx *sql.Tx, b string) (int64, error) {
	if h, ok := s.heads[b]; ok {
		return h, nil
	}
	var h sql.NullInt64
	if err := s.stmt(tx, qHead).QueryRow(b).Scan(&h); err != nil {
		return 0, err
	}
	s.heads[b] = h.Int64
	return h.Int64, nil
}

// apply runs one command inside the writer's transaction.
func (s *Store) apply(tx *sql.Tx, cmd board.Command) (board.Event, bool, error) {
	at := cmd.At.UTC().Truncate(time.Millisecond)
	ev := board.Event{Board: cmd.Board, Kind: cmd.Kind, At: at}
	if cmd.Kind != board.KindPost {
		var author string
		var deleted bool
		err := s.stmt(tx, qFindTarget).QueryRow(cmd.Board, cmd.Target).Scan(&author, &deleted)
		if errors.Is(err, sql.ErrNoRows) || err == nil && deleted {
			return ev, false, board.ErrNotFound
		}
		if err != nil {
			return ev, false, err
		}
		if author != cmd.Author && !(cmd.Admin && cmd.Kind == board.KindDelete) {
			return ev, false, board.ErrForbidden
		}
	}

	h, err := s.head(tx, cmd.Board)
	if err != nil {
		return ev, false, err
	}
	ev.Seq = h + 1
	ev.Target = cmd.Target
	switch cmd.Kind {
	case board.KindPost:
		ev.Target = ev.Seq
		ev.Message = board.Message{Seq: ev.Seq, ID: cmd.ID, Author: cmd.Author, Name: cmd.Name, Text: cmd.Text, At: at}
		// Insert first and look only on a conflict: a new post, the common
		// case, costs no extra query.
		var res sql.Result
		res, err = s.stmt(tx, qInsertPost).Exec(cmd.Board, ev.Seq, cmd.ID, cmd.Author, cmd.Name, cmd.Text, at.UnixMilli())
		if n, _ := rowsAffected(res, err); err == nil && n == 0 {
			return s.existingPost(tx, cmd)
		}
	case board.KindEdit:
		ev.Text = cmd.Text
		_, err = s.stmt(tx, qEdit).Exec(cmd.Text, at.UnixMilli(), cmd.Board, cmd.Target)
	case board.KindDelete:
		_, err = s.stmt(tx, qDelete).Exec(cmd.Board, cmd.Target)
		if err == nil { // a deleted message's words go from its edits too
			_, err = s.stmt(tx, qBlankEdits).Exec(cmd.Board, cmd.Target, board.KindEdit)
		}
	default:
		return ev, false, fmt.Errorf("sqlite: unknown event kind %d", cmd.Kind)
	}
	if err != nil {
		return ev, false, err
	}
	if cmd.Kind != board.KindPost { // a post's row in messages is its event
		if _, err := s.stmt(tx, qInsertEvent).Exec(cmd.Board, ev.Seq, cmd.Kind, ev.Target, ev.Text, at.UnixMilli()); err != nil {
			return ev, false, err
		}
	}
	s.heads[cmd.Board] = ev.Seq
	return ev, false, nil
}

// existingPost answers a post whose (board, author, id) is stored: the
// same answer as the first time.
func (s *Store) existingPost(tx *sql.Tx, cmd board.Command) (board.Event, bool, error) {
	m := board.Message{ID: cmd.ID, Author: cmd.Author}
	var atMs, editedMs int64
	err := s.stmt(tx, qFindPost).QueryRow(cmd.Board, cmd.Author, cmd.ID).Scan(&m.Seq, &m.Name, &m.Text, &atMs, &editedMs, &m.Deleted)
	if err != nil {
		return board.Event{}, false, err
	}
	m.At, m.EditedAt = fromMillis(atMs), fromMillis(editedMs)
	return board.Event{Board: cmd.Board, Seq: m.Seq, Kind: board.KindPost, Target: m.Seq, At: m.At, Message: m}, true, nil
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// stmt is a prepared writer statement bound to tx, the batch's
// transaction.
func (s *Store) stmt(tx *sql.Tx, q string) *sql.Stmt {
	st := s.txStmts[q]
	if st == nil {
		st = tx.Stmt(s.stmts[q])
		s.txStmts[q] = st
	}
	return st
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
