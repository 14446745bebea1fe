package web

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"liveboard/backend/board"
	"liveboard/backend/session"
	"liveboard/shared/protocol"
)

// wsSession is one socket's conversation: hello, then client frames, each
// handed to board.Service, while the session core streams to the client.
type wsSession struct {
	deps         *Deps
	c            *wsConn
	board        string
	addr         string
	helloTimeout time.Duration
	pingInterval time.Duration
	pingTimeout  time.Duration

	caller board.Caller
	id     board.Identity
	stream *session.Stream
	end    func() // forgets and closes the socket, once its reading is over
}

// join reads the hello and opens the stream, then leaves the socket to
// readNext. It reports false when the socket is done (ss.end is then the
// caller's to run).
func (ss *wsSession) join() bool {
	ctx := context.Background() // the socket's life, not the request's
	hello, ok := ss.readHello(ctx)
	if !ok {
		return false
	}
	ss.caller = board.Caller{Token: hello.Token, Addr: ss.addr}
	id, err := ss.deps.Service.IdentifyNamed(ss.caller, hello.Name)
	if err == nil && hello.After != nil && *hello.After < 0 {
		err = protocol.ErrBadSeq
	}
	if err != nil {
		ss.c.closeWithin(websocket.StatusPolicyViolation, "bad hello: "+err.Error())
		return false
	}
	ss.id = id
	sink := &wsSink{c: ss.c, pingTimeout: ss.pingTimeout}
	ss.stream, err = ss.deps.Sessions.Open(session.Join{Transport: "websocket", Board: ss.board, Author: id.Author, Name: id.Name, After: hello.After, Sink: sink, HeartbeatEvery: ss.pingInterval})
	if err != nil {
		if !errors.Is(err, session.ErrShuttingDown) {
			ss.deps.logger().Warn("catch-up failed", "board", ss.board, "err", err)
		}
		sink.Close(session.ReasonStore)
		return false
	}
	go ss.readNext(ctx)
	return true
}

// readNext waits for the client's next frame and acts on it, then hands
// the socket to a fresh goroutine and ends. An idle socket is therefore
// always parked on a new goroutine whose stack holds only the wait:
// reading and acting grow a stack (coder/websocket's reader, JSON,
// SQLite), and a goroutine that lived on would keep that stack for the
// socket's life, since the runtime halves a stack only when a quarter
// of it is in use.
func (ss *wsSession) readNext(ctx context.Context) {
	if ss.c.sock != nil {
		if !ss.c.buffered() {
			waitReadable(ss.c.sock)
		}
		if !ss.c.skipPongs() { // only pongs came: wait again, afresh
			go ss.readNext(ctx)
			return
		}
	}
	data, ok := ss.readText(ctx)
	if ok {
		board.MeterOr(ss.deps.Service.Meter).Received("websocket", 1)
		ok = ss.handleRaw(ctx, data)
	}
	if !ok {
		ss.stream.Close()
		ss.end()
		return
	}
	go ss.readNext(ctx)
}

// readHello waits for a hello frame; a socket without one is closed with
// 1008. (A deadline on Read itself would make coder/websocket drop the
// socket without a close frame, so a timer closes it instead.)
func (ss *wsSession) readHello(ctx context.Context) (protocol.ClientFrame, bool) {
	late := time.AfterFunc(ss.helloTimeout, func() {
		ss.c.closeWithin(websocket.StatusPolicyViolation, "no hello in time")
	})
	data, ok := ss.readText(ctx)
	if !late.Stop() || !ok {
		return protocol.ClientFrame{}, false
	}
	var f protocol.ClientFrame
	err := json.Unmarshal(data, &f)
	if err == nil && f.Type != protocol.TypeHello {
		err = errors.New("the first frame must be hello")
	}
	if err != nil {
		ss.c.closeWithin(websocket.StatusPolicyViolation, "bad hello: "+err.Error())
		return protocol.ClientFrame{}, false
	}
	return f, true
}

// readText returns the next text frame's bytes, closing the socket with
// 1003 for a binary frame and 1007 for invalid UTF-8 (coder/websocket does
// not check it). It reports false when the socket is done.
func (ss *wsSession) readText(ctx context.Context) ([]byte, bool) {
	typ, data, err := ss.c.ws.Read(ctx)
	if err != nil {
		return nil, false // closed, or 1009 for a frame over the limit
	}
	if typ != websocket.MessageText {
		ss.c.closeWithin(websocket.StatusUnsupportedData, "frames are JSON text")
		return nil, false
	}
	if !utf8.Valid(data) {
		ss.c.closeWithin(websocket.StatusInvalidFramePayloadData, "text frame is not UTF-8")
		return nil, false
	}
	return data, true
}

// handleRaw decodes a frame and acts on it, answering bad JSON with an
// error frame. It reports false when the socket must close.
func (ss *wsSession) handleRaw(ctx context.Context, data []byte) bool {
	var f protocol.ClientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		ss.stream.Reply(board.ErrorFrame(protocol.CodeBadRequest, "frame is not a JSON object: "+err.Error(), ""))
		return true
	}
	return ss.handle(ctx, f)
}

// handle acts on one frame. It reports false when the socket must close.
func (ss *wsSession) handle(ctx context.Context, f protocol.ClientFrame) bool {
	svc := ss.deps.Service
	switch f.Type {
	case protocol.TypePing:
		ss.stream.Reply(session.PongFrame())
	case protocol.TypePost:
		name := f.Name
		if name == "" {
			name = ss.id.Name
		}
		ev, _, err := svc.Post(ctx, ss.caller, board.Post{Board: ss.board, ID: f.ID, Name: name, Text: f.Text})
		if err != nil {
			return ss.replyErr(err, f.ID)
		}
		if f.Name != "" {
			ss.id.Name = ev.Message.Name
			ss.stream.Rename(ev.Message.Name)
		}
		ss.stream.Reply(board.Encode(protocol.Ack{Type: protocol.TypeAck, ID: f.ID, Seq: ev.Seq}))
	case protocol.TypeEdit:
		if _, err := svc.Edit(ctx, ss.caller, board.Edit{Board: ss.board, Seq: f.Seq, Text: f.Text}); err != nil {
			return ss.replyErr(err, "")
		}
	case protocol.TypeDelete:
		if _, err := svc.Delete(ctx, ss.caller, board.Delete{Board: ss.board, Seq: f.Seq}); err != nil {
			return ss.replyErr(err, "")
		}
	case protocol.TypeHistory:
		limit := f.Limit
		if limit == 0 {
			limit = protocol.DefaultPageLimit
		}
		page, err := svc.History(ctx, ss.board, f.Before, limit)
		if err != nil {
			return ss.replyErr(err, "")
		}
		ss.stream.ReplyBatch(historyFrames(page))
	case protocol.TypeHello:
		ss.stream.Reply(board.ErrorFrame(protocol.CodeBadRequest, "hello was already received", ""))
	default:
		ss.stream.Reply(board.ErrorFrame(protocol.CodeBadRequest, "unknown frame type", f.ID))
	}
	return true
}

// replyErr answers a refused frame with an error frame. A store failure
// closes the socket with 1011 instead: the client resends from its outbox.
func (ss *wsSession) replyErr(err error, id string) bool {
	if _, ok := board.ErrorCode(err); !ok {
		ss.deps.logger().Error("store failed", "board", ss.board, "err", err)
		ss.c.closeWithin(websocket.StatusInternalError, "storage failed, retry")
		return false
	}
	ss.stream.Reply(board.ErrorFrameOf(err, id))
	return true
}

// historyFrames is a history answer: the messages, then history_end.
func historyFrames(p board.Page) [][]byte {
	out := make([][]byte, 0, len(p.Messages)+1)
	for _, m := range p.Messages {
		out = append(out, board.Encode(board.MessageFrame(m)))
	}
	return append(out, board.Encode(protocol.HistoryEnd{Type: protocol.TypeHistoryEnd, More: p.More}))
}
