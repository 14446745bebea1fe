package client

import (
	"sort"

	"liveboard/shared/protocol"
)

// Entry is one line of a board: a message, or a post still pending.
type Entry struct {
	protocol.Message
	Pending bool
}

// OutboxItem is a post not yet acknowledged. It is shown as pending and
// sent again, with the same id, until its ack arrives: the server keeps
// one post per id, so a resend is never a duplicate.
type OutboxItem struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Name string `json:"name"`
}

// State is the protocol state of one board, as the reader sees it. It
// changes only through Apply and the outbox methods; it does no I/O.
type State struct {
	You      string
	Messages []Entry // by seq; pending ones last
	// LastSeq is the highest log seq applied: the resume point.
	LastSeq int64
	// Synced is true once a catch-up completed: later hellos resume.
	Synced bool
	More   bool // older messages exist
	Online int
	Outbox []OutboxItem
}

// Apply changes the state by one server frame. It reports whether the
// frame is news: a log event past LastSeq, or any frame outside the log.
// A frame repeated (a catch-up overlapping what was live, a transport
// switch) changes nothing and is not news.
func (s *State) Apply(f protocol.ServerFrame) (news bool) {
	switch f.Type {
	case protocol.TypeWelcome:
		s.You = f.You
		if !s.Synced {
			// Without after the catch-up is the latest messages: start afresh.
			s.Messages = s.pendingOnly()
		}
	case protocol.TypeSynced:
		s.Synced = true
		s.LastSeq = max(s.LastSeq, f.Head)
	case protocol.TypeMessage:
		news = f.Seq > s.LastSeq
		s.upsert(f.AsMessage())
		s.LastSeq = max(s.LastSeq, f.Seq)
		return news
	case protocol.TypeEdited:
		news = f.Seq > s.LastSeq
		if i := s.find(f.Target); i >= 0 {
			at := f.At
			s.Messages[i].Text, s.Messages[i].EditedAt = f.Text, &at
		}
		s.LastSeq = max(s.LastSeq, f.Seq)
		return news
	case protocol.TypeDeleted:
		news = f.Seq > s.LastSeq
		if i := s.find(f.Target); i >= 0 {
			s.Messages[i].Text, s.Messages[i].Deleted = "", true
		}
		s.LastSeq = max(s.LastSeq, f.Seq)
		return news
	case protocol.TypeHistoryEnd:
		s.More = f.More
	case protocol.TypeAck:
		s.settle(f.ID, true)
	case protocol.TypePresence:
		s.Online = f.Online
	case protocol.TypeError:
		if f.ID != "" && f.Code != protocol.CodeRateLimited {
			s.settle(f.ID, false) // the server will never take this post
		}
	}
	return true
}

// History applies a page of older messages: they are never news.
func (s *State) History(msgs []protocol.Message) {
	for _, m := range msgs {
		s.upsert(m)
	}
}

// Queue adds a post to the outbox and shows it as pending.
func (s *State) Queue(o OutboxItem) {
	s.Outbox = append(s.Outbox, o)
	s.Messages = append(s.Messages, Entry{Message: protocol.Message{ID: o.ID, Text: o.Text, Name: o.Name, Author: s.You}, Pending: true})
}

// Restore puts a stored outbox back, each post pending.
func (s *State) Restore(items []OutboxItem) {
	for _, o := range items {
		s.Queue(o)
	}
}

// Oldest is the seq of the oldest message shown, the "before" of the next
// history page (0 when none).
func (s *State) Oldest() int64 {
	for _, m := range s.Messages {
		if !m.Pending {
			return m.Seq
		}
	}
	return 0
}

// Find returns the index of message seq, or -1.
func (s *State) Find(seq int64) int { return s.find(seq) }

// settle takes a post out of the outbox: acked, or refused for good (then
// its pending line goes too; an acked one is replaced by its message).
func (s *State) settle(id string, acked bool) {
	kept := s.Outbox[:0]
	for _, o := range s.Outbox {
		if o.ID != id {
			kept = append(kept, o)
		}
	}
	s.Outbox = kept
	if !acked {
		s.dropPending(id)
	}
}

func (s *State) pendingOnly() []Entry {
	var out []Entry
	for _, e := range s.Messages {
		if e.Pending {
			out = append(out, e)
		}
	}
	return out
}

func (s *State) find(seq int64) int {
	i := sort.Search(len(s.Messages), func(i int) bool { return s.Messages[i].Pending || s.Messages[i].Seq >= seq })
	if i < len(s.Messages) && !s.Messages[i].Pending && s.Messages[i].Seq == seq {
		return i
	}
	return -1
}

// upsert places a message by seq, replacing its pending twin.
func (s *State) upsert(m protocol.Message) {
	if m.Author == s.You && s.You != "" {
		s.dropPending(m.ID)
	}
	if i := s.find(m.Seq); i >= 0 {
		s.Messages[i].Message = m
		return
	}
	i := sort.Search(len(s.Messages), func(i int) bool { return s.Messages[i].Pending || s.Messages[i].Seq > m.Seq })
	s.Messages = append(s.Messages, Entry{})
	copy(s.Messages[i+1:], s.Messages[i:])
	s.Messages[i] = Entry{Message: m}
}

func (s *State) dropPending(id string) {
	for i, e := range s.Messages {
		if e.Pending && e.ID == id {
			s.Messages = append(s.Messages[:i], s.Messages[i+1:]...)
			return
		}
	}
}

// Clone is a deep copy, for a renderer on another goroutine.
func (s *State) Clone() State {
	c := *s
	c.Messages = append([]Entry(nil), s.Messages...)
	c.Outbox = append([]OutboxItem(nil), s.Outbox...)
	return c
}
