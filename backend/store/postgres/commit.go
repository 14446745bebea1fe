package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"liveboard/backend/board"
	"liveboard/backend/store/groupcommit"
)

// commit applies a batch in one transaction, in four round trips whatever
// its size: BEGIN; lock the counters and read what the commands depend on;
// write everything; COMMIT. The answers are worked out here in between
// (see plan), and sent only once COMMIT succeeded.
func (s *Store) commit(batch []board.Command) []groupcommit.Result {
	start := time.Now()
	defer func() { s.meter.Committed(len(batch), time.Since(start)) }()
	ctx, cancel := context.WithTimeout(context.Background(), CommitTimeout)
	defer cancel()
	p := newPlan(batch)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := p.read(ctx, tx); err != nil {
			return err
		}
		p.decide()
		return p.write(ctx, tx)
	})
	if err != nil {
		// The outcome may be unknown (a cut during COMMIT): the posters
		// resend, and their ids make a stored post answer with its seq.
		err = fmt.Errorf("postgres: commit: %w", err)
		for i := range p.results {
			p.results[i] = groupcommit.Result{Err: err}
		}
		return p.results
	}
	if s.onCommit != nil && len(p.events) > 0 {
		s.onCommit(p.events)
	}
	return p.results
}

func (s *Store) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

type postKey struct{ board, author, id string }

type targetKey struct {
	board string
	seq   int64
}

type target struct {
	author  string
	deleted bool
}

// plan is one batch on its way through a transaction.
type plan struct {
	batch   []board.Command
	boards  []string // sorted: every node locks counters in this order, so none deadlocks
	heads   map[string]int64
	known   map[postKey]board.Message // posts whose id is stored already
	targets map[targetKey]*target     // messages that edits and deletes act on

	results []groupcommit.Result
	events  []board.Event // for the commit hook, in seq order
	rows    writes
}

func newPlan(batch []board.Command) *plan {
	p := &plan{batch: batch, heads: map[string]int64{}, known: map[postKey]board.Message{},
		targets: map[targetKey]*target{}, results: make([]groupcommit.Result, len(batch))}
	for _, c := range batch {
		if !slices.Contains(p.boards, c.Board) {
			p.boards = append(p.boards, c.Board)
		}
	}
	slices.Sort(p.boards)
	return p
}

// read locks the batch's counters, in name order, and reads the heads, the
// posts whose ids the batch repeats, and the messages it edits or deletes:
// one pipelined round trip.
func (p *plan) read(ctx context.Context, tx pgx.Tx) error {
	var kb, ka, ki, tb []string
	var ts []int64
	for _, c := range p.batch {
		if c.Kind == board.KindPost {
			kb, ka, ki = append(kb, c.Board), append(ka, c.Author), append(ki, c.ID)
		} else {
			tb, ts = append(tb, c.Board), append(ts, c.Target)
		}
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO boards (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, p.boards)
	b.Queue(`SELECT name, head FROM boards WHERE name = ANY($1) ORDER BY name FOR UPDATE`, p.boards).Query(func(rows pgx.Rows) error {
		var name string
		var head int64
		_, err := pgx.ForEachRow(rows, []any{&name, &head}, func() error { p.heads[name] = head; return nil })
		return err
	})
	b.Queue(`SELECT m.board, m.author, m.client_id, `+messageColumns+` FROM messages m
		JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(board, author, id)
		ON m.board = k.board AND m.author = k.author AND m.client_id = k.id`, kb, ka, ki).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k postKey
			var m board.Message
			if err := scanMessage(rows, &m, &k.board, &k.author, &k.id); err != nil {
				return err
			}
			p.known[k] = m
		}
		return rows.Err()
	})
	b.Queue(`SELECT m.board, m.seq, m.author, m.deleted FROM messages m
		JOIN unnest($1::text[], $2::bigint[]) AS t(board, seq) ON m.board = t.board AND m.seq = t.seq`, tb, ts).Query(func(rows pgx.Rows) error {
		var k targetKey
		var t target
		_, err := pgx.ForEachRow(rows, []any{&k.board, &k.seq, &t.author, &t.deleted}, func() error {
			p.targets[k] = &target{author: t.author, deleted: t.deleted}
			return nil
		})
		return err
	})
	return tx.SendBatch(ctx, b).Close()
}

// decide answers each command as the log stands after the ones before it
// in the batch, and collects the rows to write.
func (p *plan) decide() {
	for i, c := range p.batch {
		at := c.At.UTC().Truncate(time.Millisecond)
		ev := board.Event{Board: c.Board, Kind: c.Kind, Target: c.Target, At: at}
		if c.Kind == board.KindPost {
			k := postKey{c.Board, c.Author, c.ID}
			if m, ok := p.known[k]; ok {
				p.results[i] = groupcommit.Result{Event: board.Event{Board: c.Board, Seq: m.Seq, Kind: board.KindPost, Target: m.Seq, At: m.At, Message: m}, Duplicate: true}
				continue
			}
			ev.Seq = p.next(c.Board)
			ev.Target = ev.Seq
			ev.Message = board.Message{Seq: ev.Seq, ID: c.ID, Author: c.Author, Name: c.Name, Text: c.Text, At: at}
			p.known[k] = ev.Message
			p.targets[targetKey{c.Board, ev.Seq}] = &target{author: c.Author}
			p.rows.post(ev)
		} else {
			t := p.targets[targetKey{c.Board, c.Target}]
			if t == nil || t.deleted {
				p.results[i] = groupcommit.Result{Err: board.ErrNotFound}
				continue
			}
			if t.author != c.Author && !(c.Admin && c.Kind == board.KindDelete) {
				p.results[i] = groupcommit.Result{Err: board.ErrForbidden}
				continue
			}
			ev.Seq = p.next(c.Board)
			if c.Kind == board.KindEdit {
				ev.Text = c.Text
			} else {
				t.deleted = true
			}
			p.rows.change(ev)
		}
		p.results[i] = groupcommit.Result{Event: ev}
		p.events = append(p.events, ev)
	}
}

func (p *plan) next(b string) int64 {
	p.heads[b]++
	return p.heads[b]
}

// write sends every row of the batch and the new heads: one pipelined
// round trip.
func (p *plan) write(ctx context.Context, tx pgx.Tx) error {
	if len(p.events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	p.rows.queue(b)
	names, heads := make([]string, 0, len(p.heads)), make([]int64, 0, len(p.heads))
	for _, name := range p.boards {
		names, heads = append(names, name), append(heads, p.heads[name])
	}
	b.Queue(`UPDATE boards SET head = h.head FROM unnest($1::text[], $2::bigint[]) AS h(name, head) WHERE boards.name = h.name`, names, heads)
	return tx.SendBatch(ctx, b).Close()
}
