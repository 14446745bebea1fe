package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"liveboard/backend/board"
)

const messageColumns = `seq, client_id, author, name, text, at, edited_at, deleted`

func scanMessage(rows interface{ Scan(...any) error }, m *board.Message) error {
	var at, edited int64
	if err := rows.Scan(&m.Seq, &m.ID, &m.Author, &m.Name, &m.Text, &at, &edited, &m.Deleted); err != nil {
		return err
	}
	m.At, m.EditedAt = fromMillis(at), fromMillis(edited)
	return nil
}

// snapshot runs f in one read transaction, so that what it reads and the
// head agree.
func (s *Store) snapshot(ctx context.Context, f func(*sql.Tx) error) error {
	if s.queue.Closed() {
		return ErrClosed
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(tx)
}

func headOf(ctx context.Context, tx *sql.Tx, b string) (int64, error) {
	var h sql.NullInt64
	err := tx.QueryRowContext(ctx, headQuery, b).Scan(&h)
	return h.Int64, err
}

func queryMessages(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]board.Message, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
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

func (s *Store) Head(ctx context.Context, b string) (h int64, err error) {
	err = s.snapshot(ctx, func(tx *sql.Tx) error {
		h, err = headOf(ctx, tx, b)
		return err
	})
	return h, err
}

func (s *Store) Latest(ctx context.Context, b string, limit int) (ms []board.Message, head int64, err error) {
	err = s.snapshot(ctx, func(tx *sql.Tx) error {
		if head, err = headOf(ctx, tx, b); err != nil {
			return err
		}
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages WHERE board = ? ORDER BY seq DESC LIMIT ?`, b, limit)
		slices.Reverse(ms)
		return err
	})
	return ms, head, err
}

func (s *Store) After(ctx context.Context, b string, after int64, limit int) (ms []board.Message, head int64, err error) {
	err = s.snapshot(ctx, func(tx *sql.Tx) error {
		if head, err = headOf(ctx, tx, b); err != nil {
			return err
		}
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages WHERE board = ? AND seq > ? ORDER BY seq LIMIT ?`, b, after, limit)
		return err
	})
	return ms, head, err
}

func (s *Store) Before(ctx context.Context, b string, before int64, limit int) (ms []board.Message, more bool, err error) {
	err = s.snapshot(ctx, func(tx *sql.Tx) error {
		ms, err = queryMessages(ctx, tx, `SELECT `+messageColumns+` FROM messages WHERE board = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, b, before, limit+1)
		if len(ms) > limit {
			ms, more = ms[:limit], true
		}
		slices.Reverse(ms)
		return err
	})
	return ms, more, err
}

func (s *Store) Events(ctx context.Context, b string, after int64, limit int) ([]board.Event, error) {
	var out []board.Event
	err := s.snapshot(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT seq, 1, seq, '', at, seq, client_id, author, name, text, at, edited_at, deleted
			FROM messages WHERE board = ?1 AND seq > ?2
			UNION ALL
			SELECT seq, kind, target, text, at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
			FROM events WHERE board = ?1 AND seq > ?2 AND kind <> 1
			ORDER BY 1 LIMIT ?3`, b, after, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ev := board.Event{Board: b}
			var at int64
			var mSeq, mAt, mEdited sql.NullInt64
			var mID, mAuthor, mName, mText sql.NullString
			var mDeleted sql.NullBool
			if err := rows.Scan(&ev.Seq, &ev.Kind, &ev.Target, &ev.Text, &at,
				&mSeq, &mID, &mAuthor, &mName, &mText, &mAt, &mEdited, &mDeleted); err != nil {
				return err
			}
			ev.At = fromMillis(at)
			if ev.Kind == board.KindPost {
				ev.Message = board.Message{Seq: mSeq.Int64, ID: mID.String, Author: mAuthor.String, Name: mName.String,
					Text: mText.String, At: fromMillis(mAt.Int64), EditedAt: fromMillis(mEdited.Int64), Deleted: mDeleted.Bool}
			}
			out = append(out, ev)
		}
		return rows.Err()
	})
	return out, err
}

var _ board.Store = (*Store)(nil)
