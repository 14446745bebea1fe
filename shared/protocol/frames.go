package protocol

import (
	"encoding/json"
	"time"
)

// Frame types.
const (
	// Client to server.
	TypeHello   = "hello"
	TypePost    = "post"
	TypeEdit    = "edit"
	TypeDelete  = "delete"
	TypeHistory = "history"
	TypePing    = "ping"

	// Server to client.
	TypeWelcome    = "welcome"
	TypeSynced     = "synced"
	TypeMessage    = "message"
	TypeEdited     = "edited"
	TypeDeleted    = "deleted"
	TypeHistoryEnd = "history_end"
	TypeAck        = "ack"
	TypePresence   = "presence"
	TypeError      = "error"
	TypePong       = "pong"
)

// Error codes of an error frame.
const (
	CodeBadRequest  = "bad_request"
	CodeTooLong     = "too_long"
	CodeRateLimited = "rate_limited"
	CodeForbidden   = "forbidden"
	CodeNotFound    = "not_found"
)

// ClientFrame is any frame a client sends; Type says which fields apply.
// After is a pointer because "no after" (latest 50) differs from after=0
// (everything).
type ClientFrame struct {
	Type   string `json:"type"`
	Token  string `json:"token,omitempty"`  // hello
	Name   string `json:"name,omitempty"`   // hello, post
	After  *int64 `json:"after,omitempty"`  // hello
	ID     string `json:"id,omitempty"`     // post
	Text   string `json:"text,omitempty"`   // post, edit
	Seq    int64  `json:"seq,omitempty"`    // edit, delete
	Before int64  `json:"before,omitempty"` // history
	Limit  int    `json:"limit,omitempty"`  // history
}

// Message is a post. As a live event it is the post as made; in its
// current state (catch-up without after, history, the HTTP API) it also
// carries EditedAt, or Deleted with an empty Text.
type Message struct {
	Type     string     `json:"type"`
	Seq      int64      `json:"seq"`
	ID       string     `json:"id"`
	Author   string     `json:"author"`
	Name     string     `json:"name"`
	Text     string     `json:"text"`
	At       time.Time  `json:"at"`
	EditedAt *time.Time `json:"edited_at,omitempty"`
	Deleted  bool       `json:"deleted,omitempty"`
}

// Edited changes the text of message Target; Seq is the edit's own place
// in the board's log.
type Edited struct {
	Type   string    `json:"type"`
	Seq    int64     `json:"seq"`
	Target int64     `json:"target"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// Deleted turns message Target into a tombstone.
type Deleted struct {
	Type   string `json:"type"`
	Seq    int64  `json:"seq"`
	Target int64  `json:"target"`
}

// Welcome answers hello. Catch-up follows, then Synced.
type Welcome struct {
	Type  string `json:"type"`
	Board string `json:"board"`
	You   string `json:"you"`
	Name  string `json:"name"`
	Head  int64  `json:"head"`
}

// Synced ends the catch-up: live events follow.
type Synced struct {
	Type string `json:"type"`
	Head int64  `json:"head"`
}

// HistoryEnd ends the messages answering a history request.
type HistoryEnd struct {
	Type string `json:"type"`
	More bool   `json:"more"`
}

// Ack says that post ID is durably stored as Seq.
type Ack struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Seq  int64  `json:"seq"`
}

// Presence counts the distinct authors on a board.
type Presence struct {
	Type   string   `json:"type"`
	Online int      `json:"online"`
	Names  []string `json:"names"`
}

// Error answers a frame the server could not act on. ID names the post it
// is about, if any.
type Error struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
	ID      string `json:"id,omitempty"`
	// RetryAfterMS says, for rate_limited, when a post will be taken.
	RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
}

// Pong answers a client's ping.
type Pong struct {
	Type string `json:"type"`
}

// ServerFrame is any frame the server sends, for clients to decode; Type
// says which fields apply.
type ServerFrame struct {
	Type     string     `json:"type"`
	Seq      int64      `json:"seq"`
	Target   int64      `json:"target"`
	ID       string     `json:"id"`
	Author   string     `json:"author"`
	Name     string     `json:"name"`
	Text     string     `json:"text"`
	At       time.Time  `json:"at"`
	EditedAt *time.Time `json:"edited_at"`
	Deleted  bool       `json:"deleted"`
	Board    string     `json:"board"`
	You      string     `json:"you"`
	Head     int64      `json:"head"`
	More     bool       `json:"more"`
	Online   int        `json:"online"`
	Names    []string   `json:"names"`
	Code     string     `json:"code"`
	Message  string     `json:"message"`

	RetryAfterMS int64 `json:"retry_after_ms"`
}

// AsMessage is the message a "message" frame carries.
func (f *ServerFrame) AsMessage() Message {
	return Message{Type: TypeMessage, Seq: f.Seq, ID: f.ID, Author: f.Author, Name: f.Name, Text: f.Text, At: f.At, EditedAt: f.EditedAt, Deleted: f.Deleted}
}

// FrameType reads the type of an encoded server frame. Frames encoded from
// this package's types start with it ({"type":"…"), so no decoding is
// needed; anything else is decoded.
func FrameType(b []byte) string {
	const prefix = `{"type":"`
	if len(b) > len(prefix) && string(b[:len(prefix)]) == prefix {
		rest := b[len(prefix):]
		for i, c := range rest {
			if c == '"' {
				return string(rest[:i])
			}
			if c == '\\' {
				break
			}
		}
	}
	var f struct {
		Type string `json:"type"`
	}
	json.Unmarshal(b, &f)
	return f.Type
}

// IsLogEvent reports the frame types that are entries of a board's log,
// which carry a seq a reader resumes after.
func IsLogEvent(typ string) bool {
	return typ == TypeMessage || typ == TypeEdited || typ == TypeDeleted
}
