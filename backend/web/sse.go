package web

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/session"
	"liveboard/shared/protocol"
)

// Events is the SSE endpoint, GET /api/boards/{board}/events: the same
// frames as over WebSocket, each as "event: <type>" and "data: <JSON>",
// with "id: <seq>" on log events so that EventSource resumes by itself
// (Last-Event-ID). ?after=SEQ resumes too; the header wins. ?author=A&name=N
// (A is the public author id) count the reader in presence: no token
// travels in a URL.
//
// The connection is hijacked once the request is checked: the stream
// then costs no HTTP buffers, and the HTTP goroutine ends.
func Events(deps *Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		boardName := r.PathValue("board")
		q := r.URL.Query()
		after, err := resumePoint(r.Header.Get("Last-Event-ID"), q.Get("after"))
		if err == nil && !protocol.ValidBoard(boardName) {
			err = protocol.ErrBadBoard
		}
		var id board.Identity
		if err == nil {
			id, err = deps.Service.PublicIdentity(q.Get("author"), q.Get("name"))
		}
		if err != nil {
			writeServiceError(w, err)
			return
		}
		raw, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			writeAPIError(w, http.StatusInternalServerError, codeInternal, "server cannot stream")
			return
		}
		sink := &sseSink{raw: raw}
		if sink.write([]byte(sseHead)) != nil {
			raw.Close()
			return
		}
		stream, err := deps.Sessions.Open(session.Join{Transport: "sse", Board: boardName, Author: id.Author, Name: id.Name, After: after, Sink: sink, HeartbeatEvery: SSEHeartbeat})
		if err != nil {
			if !errors.Is(err, session.ErrShuttingDown) {
				deps.logger().Warn("catch-up failed", "board", boardName, "err", err)
			}
			raw.Close()
			return
		}
		// The client sends nothing; a read returns when it leaves. (Not
		// io.Copy to io.Discard: that holds an 8 KiB buffer per stream.)
		go func() {
			var b [1]byte
			for {
				if _, err := raw.Read(b[:]); err != nil {
					break
				}
			}
			stream.Close()
		}()
	})
}

// sseHead is the response head and the retry field. The body ends when
// the connection does (RFC 9112 §6.3): a stream has no length.
var sseHead = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/event-stream; charset=utf-8\r\n" +
	"Cache-Control: no-store\r\n" +
	"X-Accel-Buffering: no\r\n" +
	"Connection: close\r\n\r\n" +
	"retry: " + strconv.Itoa(SSERetry) + "\n\n"

// resumePoint is the seq a reader has: Last-Event-ID wins over ?after;
// neither means the latest page.
func resumePoint(header, query string) (*int64, error) {
	s := header
	if s == "" {
		s = query
	}
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, protocol.ErrBadSeq
	}
	return &n, nil
}

// sseSink frames a stream as server-sent events.
type sseSink struct {
	raw net.Conn
	buf []byte
}

func (s *sseSink) write(b []byte) error {
	s.raw.SetWriteDeadline(time.Now().Add(board.WriteTimeout))
	_, err := s.raw.Write(b)
	return err
}

// Send writes the frames in one write.
func (s *sseSink) Send(frames []session.Frame) (int, error) {
	b := s.buf[:0]
	for _, f := range frames {
		b = appendEvent(b, f)
	}
	err := s.write(b)
	if cap(b) <= 4<<10 {
		s.buf = b[:0] // small buffers are kept; a catch-up's is not
	} else {
		s.buf = nil
	}
	return 1, err
}

// appendEvent frames one protocol frame. Its JSON holds no newline
// (encoding/json escapes them), so it is one data line.
func appendEvent(b []byte, f session.Frame) []byte {
	typ := protocol.FrameType(f.Data)
	b = append(b, "event: "...)
	b = append(b, typ...)
	b = append(b, '\n')
	if f.Seq > 0 && protocol.IsLogEvent(typ) {
		b = append(b, "id: "...)
		b = strconv.AppendInt(b, f.Seq, 10)
		b = append(b, '\n')
	}
	b = append(b, "data: "...)
	b = append(b, f.Data...)
	return append(b, '\n', '\n')
}

var ssePing = []byte("event: ping\ndata: " + string(session.PongFrame()) + "\n\n")

func (s *sseSink) Heartbeat() error { return s.write(ssePing) }

// Close ends the response; EventSource reconnects after SSERetry with
// Last-Event-ID, whatever the reason.
func (s *sseSink) Close(session.Reason) { s.raw.Close() }
