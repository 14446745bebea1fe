package term

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"liveboard/shared/protocol"
)

// printer writes a board's events as lines: local "15:04", the name, the
// text; edits and deletes as such. With asJSON it writes each server frame
// as one JSON object per line instead.
type printer struct {
	w      io.Writer
	asJSON bool
	loc    *time.Location
}

// frame prints one frame the reader had not seen; names are the names of
// the messages printed so far, by seq.
func (p *printer) frame(f protocol.ServerFrame, names map[int64]string) {
	if p.asJSON {
		p.json(f)
		return
	}
	switch f.Type {
	case protocol.TypeMessage:
		p.message(f.AsMessage())
	case protocol.TypeEdited:
		fmt.Fprintf(p.w, "%s %s (edited): %s\n", p.clock(f.At), p.nameOf(f.Target, names), EscapeText(f.Text))
	case protocol.TypeDeleted:
		fmt.Fprintf(p.w, "%s %s (deleted a message)\n", p.clock(time.Now()), p.nameOf(f.Target, names))
	}
}

func (p *printer) message(m protocol.Message) {
	text := EscapeText(m.Text)
	if m.Deleted {
		text = "(deleted)"
	}
	fmt.Fprintf(p.w, "%s %s: %s\n", p.clock(m.At), Escape(displayName(m.Name, m.Author)), text)
}

// json prints a frame as the protocol sends it, without the fields its
// type does not use.
func (p *printer) json(f protocol.ServerFrame) {
	var v any = f
	switch f.Type {
	case protocol.TypeMessage:
		v = f.AsMessage()
	case protocol.TypeEdited:
		v = protocol.Edited{Type: f.Type, Seq: f.Seq, Target: f.Target, Text: f.Text, At: f.At}
	case protocol.TypeDeleted:
		v = protocol.Deleted{Type: f.Type, Seq: f.Seq, Target: f.Target}
	case protocol.TypePresence:
		v = protocol.Presence{Type: f.Type, Online: f.Online, Names: f.Names}
	case protocol.TypeWelcome, protocol.TypeSynced, protocol.TypeAck, protocol.TypeHistoryEnd, protocol.TypePong:
		return // the connection's, not the board's
	}
	b, _ := json.Marshal(v)
	fmt.Fprintf(p.w, "%s\n", b)
}

func (p *printer) clock(t time.Time) string {
	if p.loc != nil {
		t = t.In(p.loc)
	} else {
		t = t.Local()
	}
	return t.Format("15:04")
}

func (p *printer) nameOf(seq int64, names map[int64]string) string {
	if n, ok := names[seq]; ok {
		return Escape(n)
	}
	return fmt.Sprintf("message %d", seq)
}

func displayName(name, author string) string {
	if name != "" {
		return name
	}
	return protocol.DefaultName(author)
}
