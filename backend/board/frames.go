package board

import (
	"encoding/json"
	"errors"
	"time"

	"liveboard/shared/protocol"
)

// MessageFrame is a message in its current state, as the protocol sends it.
func MessageFrame(m Message) protocol.Message {
	f := protocol.Message{Type: protocol.TypeMessage, Seq: m.Seq, ID: m.ID, Author: m.Author, Name: m.Name, Text: m.Text, At: m.At, Deleted: m.Deleted}
	if !m.EditedAt.IsZero() {
		t := m.EditedAt
		f.EditedAt = &t
	}
	if m.Deleted {
		f.Text = ""
	}
	return f
}

// EventFrame is an event as the protocol sends it: a post as a message (in
// the state the event was read in), an edit or delete as such.
func EventFrame(ev Event) any {
	switch ev.Kind {
	case KindEdit:
		return protocol.Edited{Type: protocol.TypeEdited, Seq: ev.Seq, Target: ev.Target, Text: ev.Text, At: ev.At}
	case KindDelete:
		return protocol.Deleted{Type: protocol.TypeDeleted, Seq: ev.Seq, Target: ev.Target}
	default:
		return MessageFrame(ev.Message)
	}
}

// Encode marshals a frame. The protocol's types always marshal.
func Encode(frame any) []byte {
	b, err := json.Marshal(frame)
	if err != nil {
		panic("board: encode frame: " + err.Error())
	}
	return b
}

// ErrorFrameOf encodes the error frame answering err, which ErrorCode
// knows, about post id (if any).
func ErrorFrameOf(err error, id string) []byte {
	code, _ := ErrorCode(err)
	f := protocol.Error{Type: protocol.TypeError, Code: code, Message: err.Error(), ID: id}
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		f.RetryAfterMS = rl.RetryAfter.Milliseconds()
	}
	return Encode(f)
}

// ErrorFrame encodes an error frame.
func ErrorFrame(code, message, id string) []byte {
	return Encode(protocol.Error{Type: protocol.TypeError, Code: code, Message: message, ID: id})
}

// now is the clock of events, in milliseconds as stored.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
