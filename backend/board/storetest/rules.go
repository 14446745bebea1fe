package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"liveboard/backend/board"
)

// The rules of edits and deletes, blanking, and paging.

func testEditDeleteRules(t *testing.T, st Storage) {
	s := open(t, st, nil)
	ctx := context.Background()
	mine := mustAppend(t, s, post("b", "alice", "1", "alice's"))
	theirs := mustAppend(t, s, post("b", "bob", "2", "bob's"))
	ed := mustAppend(t, s, edit("b", "alice", mine.Seq, "alice's, edited"))
	mustAppend(t, s, post("other", "alice", "3", "elsewhere"))
	gone := mustAppend(t, s, post("b", "alice", "4", "to delete"))
	mustAppend(t, s, del("b", "alice", gone.Seq, false))
	for _, c := range []struct {
		name string
		cmd  board.Command
		want error
	}{
		{"edit of another's", edit("b", "alice", theirs.Seq, "x"), board.ErrForbidden},
		{"delete of another's", del("b", "alice", theirs.Seq, false), board.ErrForbidden},
		{"edit of no message", edit("b", "alice", 99, "x"), board.ErrNotFound},
		{"edit of an edit's seq", edit("b", "alice", ed.Seq, "x"), board.ErrNotFound},
		{"edit across boards", edit("other", "alice", mine.Seq+3, "x"), board.ErrNotFound},
		{"edit of a deleted message", edit("b", "alice", gone.Seq, "x"), board.ErrNotFound},
		{"delete of a deleted message", del("b", "alice", gone.Seq, false), board.ErrNotFound},
	} {
		head, _ := s.Head(ctx, "b")
		if _, _, err := s.Append(ctx, c.cmd); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if h, _ := s.Head(ctx, "b"); h != head {
			t.Errorf("%s: a refused command moved the head %d → %d", c.name, head, h)
		}
	}
	adm, _, err := s.Append(ctx, del("b", "admin", theirs.Seq, true))
	if err != nil || adm.Kind != board.KindDelete || adm.Target != theirs.Seq {
		t.Fatalf("admin delete: %+v %v", adm, err)
	}
	adminEdit := edit("b", "admin", mine.Seq, "x")
	adminEdit.Admin = true
	if _, _, err := s.Append(ctx, adminEdit); !errors.Is(err, board.ErrForbidden) {
		t.Errorf("admin edit of another's: %v, want ErrForbidden (admin may delete, not edit)", err)
	}
	msgs, _, err := s.Latest(ctx, "b", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1:alice's, edited:false", "2::true", "4::true"}
	var got []string
	for _, m := range msgs {
		got = append(got, fmt.Sprintf("%d:%s:%v", m.Seq, m.Text, m.Deleted))
	}
	if !slices.Equal(got, want) {
		t.Errorf("latest %q, want %q", got, want)
	}
	if msgs[0].EditedAt.IsZero() {
		t.Error("an edited message has no EditedAt")
	}
}

func testBlanking(t *testing.T, st Storage) {
	s := open(t, st, nil)
	ctx := context.Background()
	m := mustAppend(t, s, post("b", "alice", "1", "secret words"))
	mustAppend(t, s, edit("b", "alice", m.Seq, "more secret words"))
	mustAppend(t, s, edit("b", "alice", m.Seq, "still secret"))
	kept := mustAppend(t, s, post("b", "alice", "2", "kept"))
	mustAppend(t, s, del("b", "alice", m.Seq, false))

	evs := allEvents(t, s, "b")
	if got := seqs(evs); !slices.Equal(got, gapless(5)) {
		t.Fatalf("log %v", got)
	}
	var texts []string
	for _, ev := range evs {
		texts = append(texts, ev.Text, ev.Message.Text)
	}
	latest, _, _ := s.Latest(ctx, "b", 10)
	after, _, _ := s.After(ctx, "b", 0, 10)
	before, _, _ := s.Before(ctx, "b", 100, 10)
	for _, ms := range [][]board.Message{latest, after, before} {
		for _, msg := range ms {
			texts = append(texts, msg.Text)
		}
	}
	if all := strings.Join(texts, "|"); strings.Contains(all, "secret") {
		t.Fatalf("a read still serves deleted words: %q", all)
	}
	if evs[0].Kind != board.KindPost || !evs[0].Message.Deleted {
		t.Errorf("the post's event does not show it deleted: %+v", evs[0])
	}
	if evs[1].Kind != board.KindEdit || evs[1].Target != m.Seq || evs[4].Kind != board.KindDelete || evs[4].Target != m.Seq {
		t.Errorf("edit and delete events: %+v %+v", evs[1], evs[4])
	}
	if evs[3].Message.Text != "kept" || evs[3].Seq != kept.Seq {
		t.Errorf("another post was touched: %+v", evs[3])
	}
}

func testPaging(t *testing.T, st Storage) {
	s := open(t, st, nil)
	ctx := context.Background()
	const posts = 120
	for i := 1; i <= posts; i++ {
		mustAppend(t, s, post("b", "a", fmt.Sprint(i), fmt.Sprint("m", i)))
	}
	mustAppend(t, s, edit("b", "a", 7, "m7 edited")) // seq 121: the head, not a message
	msgSeqs := func(ms []board.Message) []int64 {
		out := make([]int64, len(ms))
		for i, m := range ms {
			out[i] = m.Seq
		}
		return out
	}
	span := func(from, to int64) []int64 {
		var out []int64
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
	latest, head, err := s.Latest(ctx, "b", 50)
	if err != nil || head != posts+1 || !slices.Equal(msgSeqs(latest), span(71, 120)) {
		t.Errorf("latest: %v head %d %v", msgSeqs(latest), head, err)
	}
	var all []int64
	for after := int64(0); ; {
		page, h, err := s.After(ctx, "b", after, 50)
		if err != nil || h != posts+1 {
			t.Fatalf("after %d: head %d %v", after, h, err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, msgSeqs(page)...)
		after = page[len(page)-1].Seq
	}
	if !slices.Equal(all, span(1, 120)) {
		t.Errorf("paging with after: %d messages %v…", len(all), all[:min(5, len(all))])
	}
	page, more, err := s.Before(ctx, "b", 71, 50)
	if err != nil || !more || !slices.Equal(msgSeqs(page), span(21, 70)) {
		t.Errorf("before 71: %v more=%v %v", msgSeqs(page), more, err)
	}
	page, more, err = s.Before(ctx, "b", 21, 50)
	if err != nil || more || !slices.Equal(msgSeqs(page), span(1, 20)) {
		t.Errorf("before 21: %v more=%v %v", msgSeqs(page), more, err)
	}
	if page[6].Text != "m7 edited" || page[6].EditedAt.IsZero() {
		t.Errorf("reads are not in current state: %+v", page[6])
	}
	evs, err := s.Events(ctx, "b", 118, 10)
	if err != nil || !slices.Equal(seqs(evs), []int64{119, 120, 121}) || evs[2].Kind != board.KindEdit || evs[2].Text != "m7 edited" {
		t.Errorf("events after 118: %v %v", seqs(evs), err)
	}
	if empty, h, err := s.Latest(ctx, "nothing", 50); err != nil || h != 0 || len(empty) != 0 {
		t.Errorf("an empty board: %d messages, head %d, %v", len(empty), h, err)
	}
}
