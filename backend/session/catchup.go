package session

import (
	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// catchUp sends welcome, what the reader missed, and synced, straight to
// the sink (the queue holds live frames meanwhile). It returns the head
// it caught up to. Without After it sends the latest page in its current
// state; with After, every event since, edits and deletes included. The
// board's tail answers when it can; the store otherwise.
func (s *Stream) catchUp(after *int64) (int64, error) {
	ctx, cancel := catchupContext()
	defer cancel()
	store := s.reg.svc.Store
	welcome := func(head int64) Frame {
		return Frame{Data: board.Encode(protocol.Welcome{Type: protocol.TypeWelcome, Board: s.board, You: s.author, Name: s.name, Head: head})}
	}
	if s.tail != nil {
		if frames, head, ok := s.tail.catchUp(ctx, after); ok {
			all := make([]Frame, 0, len(frames)+2)
			all = append(all, welcome(head))
			all = append(all, frames...)
			all = append(all, Frame{Data: board.Encode(protocol.Synced{Type: protocol.TypeSynced, Head: head})})
			err := s.sendCounted(all)
			s.lastSent.Store(timeNow())
			return head, err
		}
	}
	var head int64
	if after == nil {
		msgs, h, err := store.Latest(ctx, s.board, protocol.DefaultPageLimit)
		if err != nil {
			return 0, err
		}
		head = h
		frames := make([]Frame, 0, len(msgs)+1)
		frames = append(frames, welcome(head))
		for _, m := range msgs {
			frames = append(frames, Frame{Seq: m.Seq, Data: board.Encode(board.MessageFrame(m))})
		}
		if err := s.sendCounted(frames); err != nil {
			return 0, err
		}
	} else {
		h, err := store.Head(ctx, s.board)
		if err != nil {
			return 0, err
		}
		head = h
		if err := s.sendCounted([]Frame{welcome(head)}); err != nil {
			return 0, err
		}
		for cur := *after; cur < head; {
			evs, err := store.Events(ctx, s.board, cur, CatchupPage)
			if err != nil {
				return 0, err
			}
			if len(evs) == 0 {
				break
			}
			if err := s.sendCounted(eventFrames(evs, head)); err != nil {
				return 0, err
			}
			cur = evs[len(evs)-1].Seq
		}
	}
	err := s.sendCounted([]Frame{{Data: board.Encode(protocol.Synced{Type: protocol.TypeSynced, Head: head})}})
	s.lastSent.Store(timeNow())
	return head, err
}

// eventFrames encodes the events up to seq upTo.
func eventFrames(evs []board.Event, upTo int64) []Frame {
	frames := make([]Frame, 0, len(evs))
	for _, ev := range evs {
		if ev.Seq > upTo {
			break
		}
		frames = append(frames, Frame{Seq: ev.Seq, Data: board.Encode(board.EventFrame(ev))})
	}
	return frames
}
