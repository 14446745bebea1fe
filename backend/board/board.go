// Package board is the domain of liveboard: a board's ordered log of
// events, the Store that keeps it and the Broker that fans it out. It
// depends on nothing but the shared protocol; the SQLite store and the
// WebSocket endpoint live in their own packages.
package board

import (
	"context"
	"errors"
	"time"
)

// Kind is what an event does.
type Kind int

const (
	KindPost   Kind = 1
	KindEdit   Kind = 2
	KindDelete Kind = 3
)

// Event is one entry of a board's log. Every post, edit and delete takes
// the board's next Seq. For a post, Target is Seq and Message is the post;
// for an edit or delete, Target is the message acted on.
type Event struct {
	Board   string
	Seq     int64
	Kind    Kind
	Target  int64
	Text    string // an edit's new text
	At      time.Time
	Message Message // the post (KindPost), in its state when the event is read
}

// Message is a post in its current state.
type Message struct {
	Seq      int64
	ID       string // chosen by the client, unique per author and board
	Author   string
	Name     string
	Text     string
	At       time.Time
	EditedAt time.Time // zero when never edited
	Deleted  bool
}

// Command asks the store to append one event.
type Command struct {
	Board  string
	Kind   Kind
	Author string
	Admin  bool   // may delete anyone's message
	ID     string // post
	Name   string // post
	Text   string // post, edit
	Target int64  // edit, delete
	At     time.Time
}

// Errors of a Store. Every adapter returns these, wrapped or not, so that
// the service and the conformance suite (backend/board/storetest) can tell
// them apart with errors.Is.
var (
	ErrNotFound  = errors.New("board: no such message")
	ErrForbidden = errors.New("board: not your message")
	ErrClosed    = errors.New("board: store closed")
)

// Store keeps boards' logs durably. The contract, which every adapter
// passes through storetest.Run:
//
//   - Append returns only once the event is durably stored. Once an append
//     is queued it is carried out whatever ctx does, and reported: an ack is
//     never sent for a post that is not stored, nor lost for one that is.
//   - A board's seqs start at 1 and have no gap, however many appenders
//     (on however many nodes) there are.
//   - A post whose (board, author, id) exists already is not stored again:
//     Append returns the original event with duplicate=true.
//   - An edit or delete whose target is not a live post of the board fails
//     with ErrNotFound (a deleted message can be neither edited nor deleted
//     again). Another author's post fails with ErrForbidden, except a delete
//     with cmd.Admin.
//   - A delete blanks the message's text and the text of its edits: no read
//     serves the deleted words again.
//   - The commit-order hook (each adapter's OnCommit option) receives every
//     committed event once, in seq order per board, before its Append
//     returns. The broker hangs there, so fan-out follows the log.
//   - After Close, Append fails with ErrClosed, and so do reads.
type Store interface {
	Append(ctx context.Context, cmd Command) (ev Event, duplicate bool, err error)
	// Events returns up to limit events with seq > after, oldest first,
	// posts in their current state (a deleted post's text is gone).
	Events(ctx context.Context, board string, after int64, limit int) ([]Event, error)
	// Latest returns the newest limit messages, oldest first, and the head.
	Latest(ctx context.Context, board string, limit int) ([]Message, int64, error)
	// After returns up to limit messages with seq > after, oldest first, and the head.
	After(ctx context.Context, board string, after int64, limit int) ([]Message, int64, error)
	// Before returns up to limit messages with seq < before, oldest first,
	// and whether older ones exist.
	Before(ctx context.Context, board string, before int64, limit int) ([]Message, bool, error)
	// Head is the board's last seq (0 for an empty board).
	Head(ctx context.Context, board string) (int64, error)
	Close() error
}

// Broker fans events out to subscribers of a board. Publish is called in
// seq order; a subscriber's Deliver must not block. The in-memory Hub is
// one; a broker over NATS for several nodes would be another.
type Broker interface {
	Publish(board string, seq int64, frame []byte)
	Subscribe(board string, s Subscriber) (unsubscribe func())
}

// Subscriber receives a board's encoded frames.
type Subscriber interface {
	Deliver(seq int64, frame []byte)
}
