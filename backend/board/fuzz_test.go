package board

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liveboard/shared/protocol"
)

// acceptStore takes every command and remembers the last one.
type acceptStore struct {
	Store
	last *Command
	seq  int64
}

func (s *acceptStore) Append(_ context.Context, cmd Command) (Event, bool, error) {
	s.seq++
	s.last = &cmd
	return Event{Board: cmd.Board, Seq: s.seq, Kind: cmd.Kind, Message: Message{Seq: s.seq, Name: cmd.Name, Text: cmd.Text}}, false, nil
}

func (s *acceptStore) Before(context.Context, string, int64, int) ([]Message, bool, error) {
	return nil, false, nil
}

// FuzzClientFrame decodes a client frame as the transports do and hands
// it to the service. Whatever the bytes, nothing panics, and what reaches
// the store is valid: UTF-8 text of 1–4000 code points without NUL, a
// valid name, id and board.
func FuzzClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"post","id":"1","text":"안녕"}`,
		`{"type":"post","id":"1","text":"` + strings.Repeat("😀", protocol.MaxTextRunes+1) + `"}`,
		`{"type":"post","id":"1","text":"a\u0000b"}`,
		`{"type":"post","id":"1","text":"\ud800"}`,
		"{\"type\":\"post\",\"id\":\"1\",\"text\":\"\xff\xfe\"}",
		`{"type":"post","id":"","text":"x","name":"a\u001bb"}`,
		`{"type":"edit","seq":-1,"text":"x"}`,
		`{"type":"edit","seq":3,"text":"   "}`,
		`{"type":"delete","seq":9223372036854775807}`,
		`{"type":"history","before":-5,"limit":1000}`,
		`{"type":"hello","token":"0123456789abcdef","after":-1}`,
		`[1,2,3]`, `{"type":7}`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fr protocol.ClientFrame
		if json.Unmarshal(raw, &fr) != nil {
			return
		}
		store := &acceptStore{}
		svc := &Service{Store: store, Rate: RateLimit{Burst: 1000, Window: time.Second}}
		ctx := context.Background()
		c := Caller{Token: "fuzz-token-0123456789"}
		const b = "fuzz"
		switch fr.Type {
		case protocol.TypePost:
			svc.Post(ctx, c, Post{Board: b, ID: fr.ID, Name: fr.Name, Text: fr.Text})
		case protocol.TypeEdit:
			svc.Edit(ctx, c, Edit{Board: b, Seq: fr.Seq, Text: fr.Text})
		case protocol.TypeDelete:
			svc.Delete(ctx, c, Delete{Board: b, Seq: fr.Seq})
		case protocol.TypeHistory:
			if _, err := svc.History(ctx, b, fr.Before, fr.Limit); err == nil && (fr.Limit < 1 || fr.Limit > protocol.MaxHistoryLimit || fr.Before < 0) {
				t.Fatalf("history accepted limit %d before %d", fr.Limit, fr.Before)
			}
		case protocol.TypeHello:
			svc.IdentifyNamed(Caller{Token: fr.Token}, fr.Name)
		}
		cmd := store.last
		if cmd == nil {
			return
		}
		if cmd.Kind == KindPost || cmd.Kind == KindEdit {
			n := utf8.RuneCountInString(cmd.Text)
			if !utf8.ValidString(cmd.Text) || n == 0 || n > protocol.MaxTextRunes || strings.ContainsRune(cmd.Text, 0) {
				t.Fatalf("stored text of %d runes, valid %v: %q", n, utf8.ValidString(cmd.Text), cmd.Text[:min(len(cmd.Text), 40)])
			}
		}
		if cmd.Kind == KindPost {
			if protocol.ValidID(cmd.ID) != nil || !utf8.ValidString(cmd.Name) || cmd.Name == "" {
				t.Fatalf("stored post id %q name %q", cmd.ID, cmd.Name)
			}
		} else if cmd.Target <= 0 {
			t.Fatalf("stored a %v of seq %d", cmd.Kind, cmd.Target)
		}
	})
}
