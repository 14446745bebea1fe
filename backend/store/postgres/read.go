package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"liveboard/backend/board"
)

// messageColumns are read from messages aliased m, as scanMessage scans them.
const messageColumns = `m.seq, m.client_id, m.author, m.name, m.text, m.at, m.edited_at, m.deleted`

// scanMessage scans first (any leading columns), then messageColumns.
func scanMessage(row pgx.Row, m *board.Message, first ...any) error {
	var at, edited int64
	dest := append(first, &m.Seq, &m.ID, &m.Author, &m.Name, &m.Text, &at, &edited, &m.Deleted)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	m.At, m.EditedAt = fromMillis(at), fromMillis(edited)
	return nil
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// snapshot runs f in one read-only repeatable-read transaction, so that
// the head and the rows it reads agree.
func (s *Store) snapshot(ctx context.Context, f func(pgx.Tx) error) error {
	return s.read(ctx, func() error {
		return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, f)
	})
}

// read runs the read f. One that finds its connection closed by the
// server (PostgreSQL restarted, failed over, or an operator ended the
// sessions) runs again on fresh connections, up to ReadRetries times: the
// pool learns that a connection is dead only by using it, so each reader
// would otherwise get one error per dead connection, and a read changes
// nothing.
func (s *Store) read(ctx context.Context, f func() error) error {
	for try := 0; ; try++ {
		if s.queue.Closed() {
			return ErrClosed
		}
		err := f()
		if err == nil || try == ReadRetries || ctx.Err() != nil || !connectionLost(err) {
			return err
		}
		s.pool.Reset() // its other idle connections went with this one
	}
}

func headOf(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, b string) (int64, error) {
	var h int64
	err := q.QueryRow(ctx, `SELECT head FROM boards WHERE name = $1`, b).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return h, err
}

func queryMessages(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]board.Message, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Message
	for rows.Next() {
		var m board.Message
		if err := scanMessage(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) Head(ctx context.Context, b string) (head int64, err error) {
	err = s.read(ctx, func() error {
		head, err = headOf(ctx, s.pool, b)
		return err
	})
	return head, err
}

func (s *Store) Latest(ctx context.Context, b string, limit int) (ms []board.Message, head int64, err error) {
	err = s.snapshot(ctx, func(tx pgx.Tx) error {
		if head, err = headOf(ctx, tx, b); err != nil {
			return err
		}
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages m WHERE board = $1 ORDER BY seq DESC LIMIT $2`, b, limit)
		slices.Reverse(ms)
		return err
	})
	return ms, head, err
}

func (s *Store) After(ctx context.Context, b string, after int64, limit int) (ms []board.Message, head int64, err error) {
	err = s.snapshot(ctx, func(tx pgx.Tx) error {
		if head, err = headOf(ctx, tx, b); err != nil {
			return err
		}
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages m WHERE board = $1 AND seq > $2 ORDER BY seq LIMIT $3`, b, after, limit)
		return err
	})
	return ms, head, err
}

func (s *Store) Before(ctx context.Context, b string, before int64, limit int) (ms []board.Message, more bool, err error) {
	err = s.snapshot(ctx, func(tx pgx.Tx) error {
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages m WHERE board = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, b, before, limit+1)
		if len(ms) > limit {
			ms, more = ms[:limit], true
		}
		slices.Reverse(ms)
		return err
	})
	return ms, more, err
}

// Events reads the log: posts from messages (in their current state), edits
// and deletes from events, merged by seq.
func (s *Store) Events(ctx context.Context, b string, after int64, limit int) ([]board.Event, error) {
	var out []board.Event
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT seq, 1::smallint, seq, '', at, seq, client_id, author, name, text, at, edited_at, deleted
			FROM messages WHERE board = $1 AND seq > $2
			UNION ALL
			SELECT seq, kind, target, text, at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
			FROM events WHERE board = $1 AND seq > $2
			ORDER BY 1 LIMIT $3`, b, after, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ev := board.Event{Board: b}
			var kind int16
			var at int64
			var mSeq, mAt, mEdited *int64
			var mID, mAuthor, mName, mText *string
			var mDeleted *bool
			if err := rows.Scan(&ev.Seq, &kind, &ev.Target, &ev.Text, &at,
				&mSeq, &mID, &mAuthor, &mName, &mText, &mAt, &mEdited, &mDeleted); err != nil {
				return err
			}
			ev.Kind, ev.At = board.Kind(kind), fromMillis(at)
			if ev.Kind == board.KindPost {
				ev.Message = board.Message{Seq: *mSeq, ID: *mID, Author: *mAuthor, Name: *mName,
					Text: *mText, At: fromMillis(*mAt), EditedAt: fromMillis(*mEdited), Deleted: *mDeleted}
			}
			out = append(out, ev)
		}
		return rows.Err()
	})
	return out, err
}
