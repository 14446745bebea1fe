package postgres

import (
	"github.com/jackc/pgx/v5"

	"liveboard/backend/board"
)

// writes are a batch's rows, as columns: posts go in with one INSERT, the
// edit and delete events with another, whatever the batch's size.
type writes struct {
	posts struct {
		board, id, author, name, text []string
		seq, at                       []int64
	}
	events struct {
		board, text     []string
		seq, target, at []int64
		kind            []int16
	}
	changes []board.Event // edits and deletes, in order, for the messages they change
}

func (w *writes) post(ev board.Event) {
	p, m := &w.posts, ev.Message
	p.board, p.seq, p.id, p.author = append(p.board, ev.Board), append(p.seq, m.Seq), append(p.id, m.ID), append(p.author, m.Author)
	p.name, p.text, p.at = append(p.name, m.Name), append(p.text, m.Text), append(p.at, m.At.UnixMilli())
}

func (w *writes) change(ev board.Event) {
	e := &w.events
	if ev.Kind == board.KindDelete {
		// A deleted message's words go from its edits too, from those
		// stored (below) and from those of this batch (here).
		for i := range e.board {
			if e.board[i] == ev.Board && e.target[i] == ev.Target {
				e.text[i] = ""
			}
		}
	}
	e.board, e.seq, e.kind, e.target = append(e.board, ev.Board), append(e.seq, ev.Seq), append(e.kind, int16(ev.Kind)), append(e.target, ev.Target)
	e.text, e.at = append(e.text, ev.Text), append(e.at, ev.At.UnixMilli())
	w.changes = append(w.changes, ev)
}

// queue adds the statements in the order the log needs: posts first, so
// that an edit in the same batch finds its message.
func (w *writes) queue(b *pgx.Batch) {
	p := &w.posts
	if len(p.board) > 0 {
		b.Queue(`INSERT INTO messages (board, seq, client_id, author, name, text, at)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])`,
			p.board, p.seq, p.id, p.author, p.name, p.text, p.at)
	}
	for _, ev := range w.changes {
		if ev.Kind == board.KindEdit {
			b.Queue(`UPDATE messages SET text = $1, edited_at = $2 WHERE board = $3 AND seq = $4`, ev.Text, ev.At.UnixMilli(), ev.Board, ev.Target)
		} else {
			b.Queue(`UPDATE messages SET text = '', deleted = true WHERE board = $1 AND seq = $2`, ev.Board, ev.Target)
			b.Queue(`UPDATE events SET text = '' WHERE board = $1 AND target = $2 AND kind = $3`, ev.Board, ev.Target, int16(board.KindEdit))
		}
	}
	e := &w.events
	if len(e.board) > 0 {
		b.Queue(`INSERT INTO events (board, seq, kind, target, text, at)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::smallint[], $4::bigint[], $5::text[], $6::bigint[])`,
			e.board, e.seq, e.kind, e.target, e.text, e.at)
	}
}
