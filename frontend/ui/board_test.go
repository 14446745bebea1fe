package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

func message(seq int64, author, name, text string) entry {
	return entry{Message: protocol.Message{Type: protocol.TypeMessage, Seq: seq, ID: "x", Author: author, Name: name, Text: text, At: time.Unix(1700000000, 0)}}
}

// TestPreRenderedUserTextIsEscaped renders on the server, as the first
// page does: user text must come out as text, never as markup, and never
// inside an attribute (go-app quotes those with Go quoting).
func TestPreRenderedUserTextIsEscaped(t *testing.T) {
	xss := `<img src=x onerror=alert(1)>"'&`
	b := &Board{board: "lobby", you: "me", msgs: []entry{message(1, "a1b2c3", xss, xss)}}
	html := app.HTMLString(b)
	if strings.Contains(html, "<img") {
		t.Fatalf("user text became markup:\n%s", html)
	}
	if !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Fatalf("user text is missing or not escaped:\n%s", html)
	}
	for _, attr := range strings.Split(html, `="`)[1:] {
		if strings.Contains(strings.SplitN(attr, `"`, 2)[0], "onerror") {
			t.Fatalf("user text in an attribute: %s", attr)
		}
	}
}

// TestTreeShapeIsFixed checks that what comes and goes is hidden, not
// removed, so the composer keeps its place (and its draft and focus).
func TestTreeShapeIsFixed(t *testing.T) {
	quiet := app.HTMLString(&Board{board: "lobby"})
	busy := app.HTMLString(&Board{board: "lobby", notice: "slow down", more: true, newBelow: true, count: protocol.MaxTextRunes, updated: true})
	shape := func(html string) string {
		// Tags in order, without the message list's items.
		var tags []string
		for _, part := range strings.Split(html, "<")[1:] {
			name := strings.FieldsFunc(part, func(r rune) bool { return r == ' ' || r == '>' })[0]
			tags = append(tags, name)
		}
		return strings.Join(tags, " ")
	}
	if shape(quiet) != shape(busy) {
		t.Fatalf("the tree changes shape:\n%s\n%s", shape(quiet), shape(busy))
	}
	if !strings.Contains(quiet, `aria-label="Message"`) || !strings.Contains(quiet, `role="log"`) {
		t.Fatalf("composer or log missing:\n%s", quiet)
	}
}

func TestBoardOfPath(t *testing.T) {
	for path, want := range map[string]string{"/": "lobby", "/b/dev": "dev", "/b/Bad!": "lobby", "/b/": "lobby"} {
		if got := boardOf(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

// Only the user's own live messages carry Edit and Delete.
func TestOnlyOwnLiveMessagesHaveActions(t *testing.T) {
	deleted := message(3, "me", "", "x")
	deleted.Deleted = true
	b := &Board{board: "lobby", you: "me", msgs: []entry{message(1, "other", "", "a"), message(2, "me", "", "b"), deleted}}
	html := app.HTMLString(b)
	if n := strings.Count(html, `class="actions"`); n != 1 {
		t.Fatalf("%d messages with actions, want 1 (the own live one):\n%s", n, html)
	}
	if i, j := strings.Index(html, `data-seq="2"`), strings.Index(html, `class="actions"`); i < 0 || j < i || j > strings.Index(html, `data-seq="3"`) {
		t.Fatalf("the actions are not on the own message:\n%s", html)
	}
}
