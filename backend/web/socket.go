package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// SocketOptions configure the WebSocket endpoint.
type SocketOptions struct {
	// AllowOrigins are origin host patterns accepted besides the page's own
	// (coder/websocket's OriginPatterns). Empty: same origin only.
	AllowOrigins []string
	// SendQueue bounds the frames waiting for a slow reader (default
	// board.DefaultSendQueue).
	SendQueue int
	Logger    *slog.Logger
}

// Sockets is the WebSocket endpoint, GET /ws?board=NAME. It also tracks
// open sockets, to ping them and to close them with 1001 on shutdown.
type Sockets struct {
	svc  *board.Service
	opt  SocketOptions
	mu   sync.Mutex
	open map[*websocket.Conn]net.Conn
	stop chan struct{}
	once sync.Once
	live sync.WaitGroup // one per socket goroutine
}

// NewSockets makes the endpoint and starts its pinger.
func NewSockets(svc *board.Service, opt SocketOptions) *Sockets {
	if opt.SendQueue <= 0 {
		opt.SendQueue = board.DefaultSendQueue
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Sockets{svc: svc, opt: opt, open: make(map[*websocket.Conn]net.Conn), stop: make(chan struct{})}
	go s.pingLoop()
	return s
}

// Shutdown closes every socket with 1001 (going away), and returns once
// their goroutines are done, so that the store can close after it. Clients
// reconnect to another node, or to this one when it is back.
func (s *Sockets) Shutdown() {
	s.mu.Lock()
	s.once.Do(func() { close(s.stop) })
	open := maps.Clone(s.open)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for c, raw := range open {
		wg.Add(1)
		go func() { defer wg.Done(); closeWithin(c, raw, websocket.StatusGoingAway, "server shutting down") }()
	}
	wg.Wait()
	s.live.Wait() // no Add can follow: ServeHTTP adds under s.mu, only before stop
}

// pingLoop pings every socket each PingInterval and drops those that do
// not answer. Pings are spread over the interval, not sent all at once.
func (s *Sockets) pingLoop() {
	t := time.NewTicker(board.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		conns := make([]net.Conn, 0, len(s.open))
		socks := make([]*websocket.Conn, 0, len(s.open))
		for c, raw := range s.open {
			socks, conns = append(socks, c), append(conns, raw)
		}
		s.mu.Unlock()
		for i, c := range socks {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), board.PingTimeout)
				defer cancel()
				if c.Ping(ctx) != nil {
					conns[i].Close()
				}
			}()
			if i%100 == 99 {
				time.Sleep(board.PingInterval / 4 / time.Duration(len(conns)/100+1))
			}
		}
	}
}

func (s *Sockets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("board")
	if name == "" {
		name = protocol.DefaultBoard
	}
	if !protocol.ValidBoard(name) {
		http.Error(w, "400 bad request: "+protocol.ErrBadBoard.Error(), http.StatusBadRequest)
		return
	}
	rec := &hijackRecorder{ResponseWriter: w}
	conn, err := websocket.Accept(rec, r, &websocket.AcceptOptions{OriginPatterns: s.opt.AllowOrigins})
	if err != nil {
		return // Accept answered (403 for a foreign origin)
	}
	raw := rec.conn
	conn.SetReadLimit(protocol.MaxFrameBytes)
	// The socket gets a goroutine of its own, and this one returns: its
	// stack grew while serving HTTP and would stay that size for the
	// socket's whole life. (Measured: 8 KiB per idle connection.)
	s.mu.Lock()
	select {
	case <-s.stop:
		s.mu.Unlock()
		closeWithin(conn, raw, websocket.StatusGoingAway, "server shutting down")
		return
	default:
	}
	s.open[conn] = raw
	s.live.Add(1)
	s.mu.Unlock()
	go s.serve(conn, raw, name)
}

func (s *Sockets) serve(conn *websocket.Conn, raw net.Conn, name string) {
	defer s.live.Done()
	defer func() {
		s.mu.Lock()
		delete(s.open, conn)
		s.mu.Unlock()
		conn.CloseNow()
		raw.Close()
	}()
	(&session{s: s, conn: conn, raw: raw, board: name}).run()
}

// session is one socket's conversation.
type session struct {
	s      *Sockets
	conn   *websocket.Conn
	raw    net.Conn
	board  string
	author string
	name   string
	admin  bool
	client *client
	bucket board.Bucket
}

func (ss *session) run() {
	ctx := context.Background() // the socket's life, not the request's
	hello, ok := ss.readHello(ctx)
	if !ok {
		return
	}
	// Everything but reading runs off this goroutine's stack (see offStack).
	end, err := offStack(func() (func(), error) { return ss.join(ctx, hello) })
	if err != nil {
		ss.s.opt.Logger.Warn("catch-up failed", "board", ss.board, "err", err)
		closeWithin(ss.conn, ss.raw, websocket.StatusInternalError, "catch-up failed")
		return
	}
	defer end()

	for {
		data, ok := ss.readText(ctx)
		if !ok {
			return
		}
		// Decoding and acting run off this goroutine's stack, which then
		// stays as small as a blocked Read needs for the socket's life.
		if keep, _ := offStack(func() (bool, error) { return ss.handleRaw(ctx, data), nil }); !keep {
			return
		}
	}
}

// join subscribes, sends the catch-up, and counts the author present. The
// returned function undoes it all.
func (ss *session) join(ctx context.Context, hello protocol.ClientFrame) (func(), error) {
	ss.author, ss.admin = ss.s.svc.Identify(hello.Token)
	ss.name = hello.Name
	if ss.name == "" {
		ss.name = protocol.DefaultName(ss.author)
	}
	// Subscribe before the catch-up query: nothing falls between the two.
	ss.client = &client{conn: ss.conn, raw: ss.raw, maxQueue: ss.s.opt.SendQueue, wake: make(chan struct{}, 1)}
	unsubscribe := ss.s.svc.Broker.Subscribe(ss.board, ss.client)
	head, err := ss.catchUp(ctx, hello.After)
	if err != nil {
		ss.client.shut()
		unsubscribe()
		return nil, err
	}
	ss.client.goLive(head)
	leave := ss.s.svc.Presence.Join(ss.board, ss.author, ss.name)
	ss.client.Deliver(0, ss.s.svc.Presence.PresenceFrame(ss.board))
	return func() {
		leave()
		ss.client.shut()
		unsubscribe()
	}, nil
}

// readText returns the next text frame's bytes, closing the socket with
// 1003 for a binary frame and 1007 for invalid UTF-8 (coder/websocket does
// not check it). It reports false when the socket is done.
func (ss *session) readText(ctx context.Context) ([]byte, bool) {
	typ, data, err := ss.conn.Read(ctx)
	if err != nil {
		return nil, false // closed, or 1009 for a frame over the limit
	}
	if typ != websocket.MessageText {
		closeWithin(ss.conn, ss.raw, websocket.StatusUnsupportedData, "frames are JSON text")
		return nil, false
	}
	if !utf8.Valid(data) {
		closeWithin(ss.conn, ss.raw, websocket.StatusInvalidFramePayloadData, "text frame is not UTF-8")
		return nil, false
	}
	return data, true
}

// handleRaw decodes a frame and acts on it, answering bad JSON with an
// error frame. It reports false when the socket must close.
func (ss *session) handleRaw(ctx context.Context, data []byte) bool {
	var f protocol.ClientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		ss.reply(board.ErrorFrame(protocol.CodeBadRequest, "frame is not a JSON object: "+err.Error(), ""))
		return true
	}
	return ss.handle(ctx, f)
}

// readHello waits HelloTimeout for a valid hello; a socket without one is
// closed with 1008. (A deadline on Read itself would make coder/websocket
// drop the socket without a close frame, so a timer closes it instead.)
func (ss *session) readHello(ctx context.Context) (protocol.ClientFrame, bool) {
	late := time.AfterFunc(protocol.HelloTimeout, func() {
		closeWithin(ss.conn, ss.raw, websocket.StatusPolicyViolation, "no hello within 10 s")
	})
	data, ok := ss.readText(ctx)
	if !late.Stop() || !ok {
		return protocol.ClientFrame{}, false
	}
	f, err := offStack(func() (protocol.ClientFrame, error) {
		var f protocol.ClientFrame
		return f, json.Unmarshal(data, &f)
	})
	if err == nil && f.Type != protocol.TypeHello {
		err = errors.New("the first frame must be hello")
	}
	if err == nil {
		err = protocol.ValidToken(f.Token)
	}
	if err == nil {
		f.Name, err = protocol.NormalizeName(f.Name)
	}
	if err == nil && f.After != nil && *f.After < 0 {
		err = errors.New("after must not be negative")
	}
	if err != nil {
		closeWithin(ss.conn, ss.raw, websocket.StatusPolicyViolation, "bad hello: "+err.Error())
		return protocol.ClientFrame{}, false
	}
	return f, true
}

// catchUp sends welcome, what the client missed, and synced, straight to
// the socket (the queue holds live events meanwhile). It returns the head
// it caught up to.
func (ss *session) catchUp(ctx context.Context, after *int64) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*board.WriteTimeout)
	defer cancel()
	store := ss.s.svc.Store
	write := func(frame any) error { return ss.conn.Write(ctx, websocket.MessageText, board.Encode(frame)) }
	welcome := func(head int64) error {
		return write(protocol.Welcome{Type: protocol.TypeWelcome, Board: ss.board, You: ss.author, Name: ss.name, Head: head})
	}
	var head int64
	if after == nil {
		msgs, h, err := store.Latest(ctx, ss.board, protocol.DefaultPageLimit)
		if err != nil {
			return 0, err
		}
		head = h
		if err := welcome(head); err != nil {
			return 0, err
		}
		for _, m := range msgs {
			if err := write(board.MessageFrame(m)); err != nil {
				return 0, err
			}
		}
	} else {
		h, err := store.Head(ctx, ss.board)
		if err != nil {
			return 0, err
		}
		head = h
		if err := welcome(head); err != nil {
			return 0, err
		}
		for cur := *after; cur < head; {
			evs, err := store.Events(ctx, ss.board, cur, board.CatchupPage)
			if err != nil {
				return 0, err
			}
			if len(evs) == 0 {
				break
			}
			for _, ev := range evs {
				if ev.Seq > head {
					break
				}
				if err := write(board.EventFrame(ev)); err != nil {
					return 0, err
				}
			}
			cur = evs[len(evs)-1].Seq
		}
	}
	return head, write(protocol.Synced{Type: protocol.TypeSynced, Head: head})
}

func (ss *session) reply(frame []byte) { ss.client.Deliver(0, frame) }

func (ss *session) replyErr(err error, id string) bool {
	code, ok := board.ErrorCode(err)
	if !ok {
		// The store failed: close, and let the client resend from its outbox.
		ss.s.opt.Logger.Error("store failed", "board", ss.board, "err", err)
		closeWithin(ss.conn, ss.raw, websocket.StatusInternalError, "storage failed, retry")
		return false
	}
	ss.reply(board.ErrorFrame(code, err.Error(), id))
	return true
}

// handle acts on one frame. It reports false when the socket must close.
func (ss *session) handle(ctx context.Context, f protocol.ClientFrame) bool {
	svc := ss.s.svc
	switch f.Type {
	case protocol.TypePing:
		ss.reply(pongFrame)
	case protocol.TypePost:
		if !ss.bucket.Allow(svc.Rate, time.Now()) {
			ss.reply(board.ErrorFrame(protocol.CodeRateLimited, "too many posts: wait a few seconds", f.ID))
			return true
		}
		if f.Name != "" {
			name, err := protocol.NormalizeName(f.Name)
			if err != nil {
				return ss.replyErr(err, f.ID)
			}
			ss.name = name
			svc.Presence.Rename(ss.board, ss.author, name)
		}
		seq, _, err := svc.Post(ctx, ss.board, ss.author, ss.name, f.ID, f.Text)
		if err != nil {
			return ss.replyErr(err, f.ID)
		}
		ss.reply(board.Encode(protocol.Ack{Type: protocol.TypeAck, ID: f.ID, Seq: seq}))
	case protocol.TypeEdit:
		if err := svc.Edit(ctx, ss.board, ss.author, f.Seq, f.Text); err != nil {
			return ss.replyErr(err, "")
		}
	case protocol.TypeDelete:
		if err := svc.Delete(ctx, ss.board, ss.author, ss.admin, f.Seq); err != nil {
			return ss.replyErr(err, "")
		}
	case protocol.TypeHistory:
		return ss.history(ctx, f)
	case protocol.TypeHello:
		ss.reply(board.ErrorFrame(protocol.CodeBadRequest, "hello was already received", ""))
	default:
		ss.reply(board.ErrorFrame(protocol.CodeBadRequest, "unknown frame type", f.ID))
	}
	return true
}

var pongFrame = board.Encode(protocol.Pong{Type: protocol.TypePong})

func (ss *session) history(ctx context.Context, f protocol.ClientFrame) bool {
	limit := f.Limit
	if limit == 0 {
		limit = protocol.DefaultPageLimit
	}
	if limit < 1 || limit > protocol.MaxHistoryLimit {
		return ss.replyErr(protocol.ErrBadLimit, "")
	}
	before := f.Before
	if before <= 0 {
		before = 1 << 62 // the newest page
	}
	type page struct {
		msgs []board.Message
		more bool
	}
	p, err := offStack(func() (page, error) {
		msgs, more, err := ss.s.svc.Store.Before(ctx, ss.board, before, limit)
		return page{msgs, more}, err
	})
	msgs, more := p.msgs, p.more
	if err != nil {
		return ss.replyErr(err, "")
	}
	batch := make([][]byte, 0, len(msgs)+1)
	for _, m := range msgs {
		batch = append(batch, board.Encode(board.MessageFrame(m)))
	}
	batch = append(batch, board.Encode(protocol.HistoryEnd{Type: protocol.TypeHistoryEnd, More: more}))
	ss.client.enqueue(item{batch: batch})
	return true
}

// offStack runs f on a goroutine of its own and waits for it. The socket's
// goroutine lives as long as the socket; SQLite's deep calls would grow its
// stack, and an idle socket would keep that stack. (Measured: about 20 KiB
// per idle connection.)
func offStack[T any](f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	r := <-ch
	return r.v, r.err
}
