package client

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"liveboard/shared/protocol"
)

func msg(seq int64, text string) protocol.ServerFrame {
	return protocol.ServerFrame{Type: protocol.TypeMessage, Seq: seq, ID: fmt.Sprint("id", seq), Author: "other", Name: "o", Text: text, At: time.Unix(seq, 0)}
}

func edited(seq, target int64, text string) protocol.ServerFrame {
	return protocol.ServerFrame{Type: protocol.TypeEdited, Seq: seq, Target: target, Text: text}
}

func deleted(seq, target int64) protocol.ServerFrame {
	return protocol.ServerFrame{Type: protocol.TypeDeleted, Seq: seq, Target: target}
}

func welcome(head int64) protocol.ServerFrame {
	return protocol.ServerFrame{Type: protocol.TypeWelcome, You: "me", Head: head}
}

func synced(head int64) protocol.ServerFrame {
	return protocol.ServerFrame{Type: protocol.TypeSynced, Head: head}
}

// view is the whole state as one comparable string.
func view(s *State) string {
	var b strings.Builder
	for _, m := range s.Messages {
		fmt.Fprintf(&b, "%d:%s:%v:%v:%v|", m.Seq, m.Text, m.Deleted, m.EditedAt != nil, m.Pending)
	}
	fmt.Fprintf(&b, "last=%d synced=%v outbox=%d", s.LastSeq, s.Synced, len(s.Outbox))
	return b.String()
}

func applyAll(s *State, fs ...protocol.ServerFrame) (news []int64) {
	for _, f := range fs {
		if s.Apply(f) && f.Seq > 0 {
			news = append(news, f.Seq)
		}
	}
	return news
}

func TestReorderedAndRepeatedFramesEndInOneOrderWithoutRepeats(t *testing.T) {
	var s State
	applyAll(&s, welcome(0), synced(0))
	news := applyAll(&s, msg(2, "b"), msg(1, "a"), msg(2, "b"), msg(3, "c"), msg(3, "c"))
	if got := view(&s); got != "1:a:false:false:false|2:b:false:false:false|3:c:false:false:false|last=3 synced=true outbox=0" {
		t.Fatalf("state %s", got)
	}
	// 1 came after 2: the line is placed, but it is not news to a reader
	// that printed 2 already; repeats never are.
	if fmt.Sprint(news) != "[2 3]" {
		t.Fatalf("news %v, want [2 3]", news)
	}
}

func TestAGapIsNotNewsUntilItsFramesCome(t *testing.T) {
	var s State
	applyAll(&s, welcome(0), synced(0), msg(1, "a"))
	applyAll(&s, msg(4, "d")) // 2 and 3 are filled later by the server
	if s.LastSeq != 4 {
		t.Fatalf("last %d", s.LastSeq)
	}
	applyAll(&s, msg(2, "b"), edited(3, 1, "a2"))
	if got := view(&s); got != "1:a2:false:true:false|2:b:false:false:false|4:d:false:false:false|last=4 synced=true outbox=0" {
		t.Fatalf("state %s", got)
	}
}

// A client that left and resumed with after ends in exactly the state of
// one that never left, edits and deletes included.
func TestResumeAfterEditsAndDeletesEqualsNeverLeaving(t *testing.T) {
	log := []protocol.ServerFrame{msg(1, "a"), msg(2, "b"), edited(3, 1, "a2"), msg(4, "c"), deleted(5, 2), edited(6, 4, "c2"), msg(7, "d"), deleted(8, 7)}
	var stayed State
	applyAll(&stayed, welcome(0), synced(0))
	applyAll(&stayed, log...)

	var left State
	applyAll(&left, welcome(0), synced(0))
	applyAll(&left, log[:3]...)
	// Reconnect with after=3: welcome, the events since, synced.
	applyAll(&left, welcome(8))
	applyAll(&left, log[3:]...)
	applyAll(&left, synced(8))
	if view(&left) != view(&stayed) {
		t.Fatalf("resumed %s\nstayed  %s", view(&left), view(&stayed))
	}
	if view(&left) != "1:a2:false:true:false|2::true:false:false|4:c2:false:true:false|7::true:false:false|last=8 synced=true outbox=0" {
		t.Fatalf("state %s", view(&left))
	}
}

func TestOwnPostIsPendingUntilItsMessageComes(t *testing.T) {
	var s State
	applyAll(&s, welcome(0), synced(0))
	s.Queue(OutboxItem{ID: "p1", Text: "mine", Name: "me"})
	s.Queue(OutboxItem{ID: "p2", Text: "too long", Name: "me"})
	if got := view(&s); got != "0:mine:false:false:true|0:too long:false:false:true|last=0 synced=true outbox=2" {
		t.Fatalf("queued %s", got)
	}
	s.Apply(protocol.ServerFrame{Type: protocol.TypeAck, ID: "p1", Seq: 1})
	s.Apply(protocol.ServerFrame{Type: protocol.TypeMessage, Seq: 1, ID: "p1", Author: "me", Text: "mine"})
	s.Apply(protocol.ServerFrame{Type: protocol.TypeError, Code: protocol.CodeRateLimited, ID: "p2"})
	if len(s.Outbox) != 1 {
		t.Fatalf("a rate-limited post left the outbox: %s", view(&s))
	}
	s.Apply(protocol.ServerFrame{Type: protocol.TypeError, Code: protocol.CodeTooLong, ID: "p2"})
	if got := view(&s); got != "1:mine:false:false:false|last=1 synced=true outbox=0" {
		t.Fatalf("settled %s", got)
	}
}

func TestWelcomeWithoutResumeStartsAfreshButKeepsPending(t *testing.T) {
	var s State
	applyAll(&s, msg(1, "prerendered"))
	s.Queue(OutboxItem{ID: "p", Text: "draft"})
	applyAll(&s, welcome(5), msg(4, "x"), msg(5, "y"), synced(5))
	if got := view(&s); got != "4:x:false:false:false|5:y:false:false:false|0:draft:false:false:true|last=5 synced=true outbox=1" {
		t.Fatalf("state %s", got)
	}
}

func TestEventReaderParsesTheStream(t *testing.T) {
	r := NewEventReader(strings.NewReader("retry: 2000\n\n: comment\nevent: message\nid: 7\ndata: {\"a\":1}\n\nevent: ping\r\ndata: x\r\ndata: y\r\n\r\ndata: plain\n\n"))
	var got []string
	for {
		ev, err := r.Next()
		if err != nil {
			break
		}
		got = append(got, fmt.Sprintf("%s/%s/%s", ev.Type, ev.ID, ev.Data))
	}
	if want := `[message/7/{"a":1} ping//x` + "\n" + `y message//plain]`; fmt.Sprint(got) != want {
		t.Fatalf("got %q", got)
	}
}
