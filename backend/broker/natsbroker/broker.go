// Package natsbroker fans committed events out between nodes over core
// NATS (not JetStream: the log is PostgreSQL). Each node publishes what it
// commits to <prefix>.board.<name>, and subscribes once per board that has
// local readers, handing what arrives to its in-process Hub. NATS may drop
// or reorder; the session core fills gaps from the store, and a periodic
// head check finds a lost last message, so readers see a delay, never a
// hole. Presence travels on <prefix>.presence.<name> (presence.go).
package natsbroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"liveboard/backend/board"
)

// Options configure a Broker.
type Options struct {
	Prefix string     // subject prefix; default "liveboard"
	Hub    *board.Hub // this node's subscribers and presence
	// Head and Events read the store: the head checks, and the events
	// that NATS lost, read once per node.
	Head   func(ctx context.Context, board string) (int64, error)
	Events func(ctx context.Context, board string, after int64, limit int) ([]board.Event, error)
	Logger *slog.Logger
}

// Broker is a board.Broker over NATS. Make one with Connect.
type Broker struct {
	nc     *nats.Conn
	hub    *board.Hub
	head   func(context.Context, string) (int64, error)
	events func(context.Context, string, int64, int) ([]board.Event, error)
	log    *slog.Logger
	prefix string
	node   string // this node's id in presence announcements

	mu     sync.Mutex
	boards map[string]*boardSub

	checkNow chan struct{}
	stop     chan struct{}
	stopped  chan struct{}

	published, received, filled atomic.Int64
}

// boardSub is one board's subscriptions, shared by its local readers.
type boardSub struct {
	order    *sequencer
	readers  int
	events   *nats.Subscription
	presence *nats.Subscription
}

// Connect connects to url (nats://…) and starts the head checks and the
// presence announcements. If NATS is not up yet it keeps trying; Connected
// reports when it is. Errors never repeat the URL.
func Connect(url string, opt Options) (*Broker, error) {
	if opt.Prefix == "" {
		opt.Prefix = "liveboard"
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	b := &Broker{hub: opt.Hub, head: opt.Head, events: opt.Events, log: opt.Logger, prefix: opt.Prefix, node: nodeID(),
		boards: map[string]*boardSub{}, checkNow: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	nc, err := nats.Connect(url,
		nats.Name("liveboard "+b.node),
		nats.NoEcho(), // this node delivers its own events in process
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(ReconnectWait),
		nats.ConnectHandler(func(*nats.Conn) { b.log.Info("broker connected") }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { b.log.Warn("broker disconnected", "err", err) }),
		nats.ReconnectHandler(func(*nats.Conn) {
			b.log.Info("broker reconnected")
			b.checkSoon()
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	b.nc = nc
	opt.Hub.OnLocalPresence = b.announce
	go b.loop()
	return b, nil
}

// Connected reports whether NATS is reachable now: /readyz asks.
func (b *Broker) Connected() error {
	if !b.nc.IsConnected() {
		return errors.New("not connected to NATS")
	}
	return nil
}

// Close stops the loops and drains the connection.
func (b *Broker) Close() {
	close(b.stop)
	<-b.stopped
	b.nc.Close()
}

// Stats counts the event messages this node published and received, and
// the events it read from the store because NATS lost or delayed them.
func (b *Broker) Stats() (published, received, filled int64) {
	return b.published.Load(), b.received.Load(), b.filled.Load()
}

func (b *Broker) subject(kind, boardName string) string {
	return b.prefix + "." + kind + "." + boardName
}

// Publish delivers a committed event to this node's readers, then to the
// other nodes: one NATS message, whatever the number of readers.
func (b *Broker) Publish(boardName string, seq int64, frame []byte) {
	if bs := b.board(boardName); bs != nil {
		b.arrive(boardName, bs.order, seq, frame)
	}
	msg := &nats.Msg{Subject: b.subject("board", boardName), Header: nats.Header{seqHeader: []string{strconv.FormatInt(seq, 10)}}, Data: frame}
	if err := b.nc.PublishMsg(msg); err != nil {
		// Buffered while reconnecting; past the buffer, the other nodes
		// find the event by their head checks.
		b.log.Warn("broker publish failed", "board", boardName, "seq", seq, "err", err)
		return
	}
	b.published.Add(1)
}

// Subscribe adds a local reader; the board's first reader subscribes this
// node to it, and its last one unsubscribes.
func (b *Broker) Subscribe(boardName string, s board.Subscriber) (unsubscribe func()) {
	leave := b.hub.Subscribe(boardName, s)
	b.mu.Lock()
	bs := b.boards[boardName]
	if bs == nil {
		bs = b.subscribeBoard(boardName)
		b.boards[boardName] = bs
	}
	bs.readers++
	b.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			leave()
			b.mu.Lock()
			defer b.mu.Unlock()
			if bs.readers--; bs.readers == 0 {
				delete(b.boards, boardName)
				bs.unsubscribe()
			}
		})
	}
}

// board is a board's subscriptions, nil when it has no local reader.
func (b *Broker) board(name string) *boardSub {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.boards[name]
}

// subscribeBoard subscribes to a board's events and presence; called with
// b.mu held.
func (b *Broker) subscribeBoard(boardName string) *boardSub {
	bs := &boardSub{order: newSequencer()}
	var err error
	bs.events, err = b.nc.Subscribe(b.subject("board", boardName), func(m *nats.Msg) {
		seq, err := strconv.ParseInt(m.Header.Get(seqHeader), 10, 64)
		if err != nil || seq <= 0 {
			b.log.Warn("broker: event without a seq dropped", "board", boardName)
			return
		}
		b.received.Add(1)
		b.arrive(boardName, bs.order, seq, m.Data)
	})
	if err != nil {
		b.log.Error("broker subscribe failed", "board", boardName, "err", err)
	}
	bs.presence, err = b.nc.Subscribe(b.subject("presence", boardName), func(m *nats.Msg) { b.heard(boardName, m.Data) })
	if err != nil {
		b.log.Error("broker subscribe failed", "board", boardName, "err", err)
	}
	// Wait for NATS to confirm, so that the joining reader's catch-up and
	// the live events meet; if it cannot, the head checks cover the gap.
	if b.nc.IsConnected() {
		if err := b.nc.FlushTimeout(SubscribeFlushTimeout); err != nil {
			b.log.Warn("broker subscribe unconfirmed", "board", boardName, "err", err)
		}
	}
	return bs
}

func (bs *boardSub) unsubscribe() {
	for _, s := range []*nats.Subscription{bs.events, bs.presence} {
		if s != nil {
			s.Unsubscribe()
		}
	}
}

func (b *Broker) checkSoon() {
	select {
	case b.checkNow <- struct{}{}:
	default:
	}
}

// loop runs the head checks, the presence announcements and their expiry.
func (b *Broker) loop() {
	defer close(b.stopped)
	heads := time.NewTicker(HeadCheckEvery)
	defer heads.Stop()
	announce := time.NewTicker(AnnounceEvery)
	defer announce.Stop()
	expire := time.NewTicker(time.Second)
	defer expire.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-heads.C:
			b.checkHeads()
		case <-b.checkNow:
			b.checkHeads()
			b.announceAll()
		case <-announce.C:
			b.announceAll()
		case now := <-expire.C:
			b.hub.ExpireRemote(now)
		}
	}
}

// checkHeads reads the head of each board with local readers and lets its
// streams fill whatever NATS lost.
func (b *Broker) checkHeads() {
	ctx, cancel := context.WithTimeout(context.Background(), HeadCheckTimeout)
	defer cancel()
	for _, name := range b.hub.Boards() {
		h, err := b.head(ctx, name)
		if err != nil {
			b.log.Warn("head check failed", "board", name, "err", err)
			continue
		}
		if bs := b.board(name); bs != nil {
			b.catchUpTo(name, bs.order, h)
		}
		b.hub.CheckHead(name, h) // a reader the node's catch-up did not cover
	}
}

var _ board.Broker = (*Broker)(nil)
