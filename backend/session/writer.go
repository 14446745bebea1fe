package session

import (
	"fmt"
	"runtime"
	"time"
)

// drain writes queued items, then waits up to WriterLinger for more. A
// heartbeat alone does not make it linger: idle streams keep no writer.
func (s *Stream) drain() {
	var batch []item
	linger := time.NewTimer(WriterLinger)
	defer linger.Stop()
	onlyHeartbeat := false
	yielded := false // this batch has already let others run once
	for {
		s.mu.Lock()
		if s.ended {
			s.writing = false
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 {
			if onlyHeartbeat {
				s.writing = false
				s.scratch = nil
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			linger.Reset(WriterLinger)
			select {
			case <-s.wake:
				continue
			case <-linger.C:
			}
			s.mu.Lock()
			if len(s.queue) == 0 || s.ended {
				s.writing = false
				s.scratch = nil // an idle stream keeps no buffer
				s.mu.Unlock()
				return
			}
		}
		if len(s.queue) == 1 && !yielded && !s.queue[0].heartbeat {
			// One frame waits. Let the goroutines already runnable go
			// first: under load, the publisher is still handing this
			// stream the frames of the next posts, and they then go out
			// in the same write. Unloaded, nothing else is runnable and
			// this returns at once.
			yielded = true
			s.mu.Unlock()
			runtime.Gosched()
			continue
		}
		yielded = false
		batch, s.queue = s.queue, batch[:0]
		s.mu.Unlock()
		onlyHeartbeat = len(batch) == 1 && batch[0].heartbeat
		reason, err := s.write(batch)
		clear(batch)
		batch = shrunk(batch)
		if err != nil {
			s.end(reason)
			return
		}
	}
}

// write sends one run of items: frames together, gaps read from the store
// in their place, heartbeats in order.
func (s *Stream) write(items []item) (Reason, error) {
	// The frames buffer is the writer's, reused across batches: no
	// allocation per batch per reader at fan-out. It goes with the writer.
	frames := s.scratch[:0]
	defer func() {
		clear(frames)
		s.scratch = shrunk(frames)
	}()
	flush := func() error {
		if len(frames) == 0 {
			return nil
		}
		err := s.send(frames)
		frames = frames[:0]
		return err
	}
	for _, it := range items {
		switch {
		case it.heartbeat:
			if err := flush(); err != nil {
				return ReasonGone, err
			}
			if err := s.sink.Heartbeat(); err != nil {
				return ReasonGone, err
			}
		case it.fillTo > 0:
			if err := flush(); err != nil {
				return ReasonGone, err
			}
			if reason, err := s.fill(it.fillFrom, it.fillTo); err != nil {
				return reason, err
			}
		case it.batch != nil:
			frames = append(frames, it.batch...)
		default:
			frames = append(frames, it.frame)
		}
	}
	return ReasonGone, flush()
}

// fill reads seqs from..to from the store and sends them, in order. A
// store that does not have them yet (a replica behind the broker) is
// asked again a few times; then the reader resumes from scratch.
func (s *Stream) fill(from, to int64) (Reason, error) {
	ctx, cancel := catchupContext()
	defer cancel()
	for tries := 0; from <= to; {
		evs, err := s.reg.svc.Store.Events(ctx, s.board, from-1, int(min(to-from+1, CatchupPage)))
		if err != nil {
			return ReasonStore, err
		}
		frames := eventFrames(evs, to)
		if len(frames) == 0 || frames[0].Seq != from {
			if tries++; tries > GapRetries {
				return ReasonResume, fmt.Errorf("session: seq %d of %q is not in the store", from, s.board)
			}
			time.Sleep(GapRetryWait)
			continue
		}
		from = frames[len(frames)-1].Seq + 1
		if err := s.send(frames); err != nil {
			return ReasonGone, err
		}
		s.reg.noteGapFilled(len(frames))
	}
	return ReasonGone, nil
}

// send writes live frames as one batch, counts them, and notes each
// event's delivery.
func (s *Stream) send(frames []Frame) error {
	err := s.sendCounted(frames)
	s.lastSent.Store(time.Now().UnixNano())
	if err == nil {
		m := s.reg.meter
		for _, f := range frames {
			if f.Seq > 0 {
				m.Delivered(f.Data)
			}
		}
	}
	return err
}

// sendCounted hands frames to the sink and counts them, with the writes
// they took: catch-ups too, which are frames to readers as much as live
// ones.
func (s *Stream) sendCounted(frames []Frame) error {
	writes, err := s.sink.Send(frames)
	if err == nil {
		s.reg.meter.Sent(s.transport, len(frames), writes)
	}
	return err
}

// shrunk empties a reused buffer, and lets it go when a burst grew it far
// past what it now holds: otherwise each busy stream keeps the largest
// backlog it ever had, and 10,000 of them creep up for hours (the soak's
// live heap rose 2 % a minute).
func shrunk[T any](b []T) []T {
	if cap(b) > keptBuffer && len(b) <= cap(b)/4 {
		return nil
	}
	return b[:0]
}
