package session

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"liveboard/backend/board"
)

// ErrShuttingDown refuses a stream opened after Shutdown began.
var ErrShuttingDown = errors.New("session: server shutting down")

// Registry holds every live stream of this node, to heartbeat them and to
// end them all on Shutdown. Make one with NewRegistry.
type Registry struct {
	svc       *board.Service
	sendQueue int
	log       *slog.Logger
	meter     board.Meter
	tails     *tails

	mu      sync.Mutex
	streams map[*Stream]struct{}
	closing bool
	stop    chan struct{}
	live    sync.WaitGroup // one per open stream

	gapsFilled atomic.Int64
}

// Options configure a Registry.
type Options struct {
	SendQueue int // default DefaultSendQueue
	Logger    *slog.Logger
	Meter     board.Meter // nil: nothing counted
}

// NewRegistry starts the heartbeat loop; Shutdown stops it.
func NewRegistry(svc *board.Service, opt Options) *Registry {
	if opt.SendQueue <= 0 {
		opt.SendQueue = DefaultSendQueue
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	r := &Registry{svc: svc, sendQueue: opt.SendQueue, log: opt.Logger, meter: board.MeterOr(opt.Meter), tails: newTails(svc), streams: make(map[*Stream]struct{}), stop: make(chan struct{})}
	go r.heartbeats()
	return r
}

// Len is the number of open streams.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.streams)
}

func (r *Registry) add(s *Stream) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return ErrShuttingDown
	}
	r.streams[s] = struct{}{}
	r.live.Add(1)
	return nil
}

func (r *Registry) remove(s *Stream) {
	r.mu.Lock()
	_, ok := r.streams[s]
	delete(r.streams, s)
	r.mu.Unlock()
	if ok {
		r.live.Done()
	}
}

// Shutdown ends every stream with ReasonShutdown (WebSocket 1001, the end
// of an SSE response) and returns once all have ended, so that the store
// can close after it.
func (r *Registry) Shutdown() {
	r.mu.Lock()
	if !r.closing {
		r.closing = true
		close(r.stop)
	}
	all := make([]*Stream, 0, len(r.streams))
	for s := range r.streams {
		all = append(all, s)
	}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range all {
		wg.Add(1)
		go func() { defer wg.Done(); s.end(ReasonShutdown) }()
	}
	wg.Wait()
	r.live.Wait()
}

// heartbeats looks for idle streams each heartbeatTick and queues a
// heartbeat for each.
func (r *Registry) heartbeats() {
	t := time.NewTicker(heartbeatTick)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case now := <-t.C:
			// Streams that joined together fall idle together: a budget per
			// tick spreads their heartbeats over several ticks instead of
			// 10,000 pings in one second. Those left over are still idle at
			// the next tick.
			r.mu.Lock()
			budget := max(heartbeatsPerTick, len(r.streams)/heartbeatSpread)
			for s := range r.streams {
				if budget == 0 {
					break
				}
				if s.idleSince(now) {
					budget--
					s.enqueue(item{heartbeat: true})
				}
			}
			r.mu.Unlock()
		}
	}
}

// catchupContext bounds a joining reader's catch-up.
func catchupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), CatchupTimeout)
}

func (r *Registry) noteGapFilled(n int) {
	r.gapsFilled.Add(int64(n))
	r.meter.GapFilled(n)
}

// GapsFilled counts the events read from the store to fill gaps.
func (r *Registry) GapsFilled() int64 { return r.gapsFilled.Load() }

func timeNow() int64 { return time.Now().UnixNano() }
