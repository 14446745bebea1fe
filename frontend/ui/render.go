package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Render draws the page. Its shape never changes: parts come and go with
// the hidden attribute, so the composer is never remounted.
//
// Each part is a function of its own. The Wasm runs a Go function as one
// loop around a jump table, and V8 charges its tier-up budget on that
// loop's back edges by the function's size: one large Render ran out
// of budget in a render or two, and was recompiled by TurboFan (about
// 90 ms of the other core) while the page started.
func (b *Board) Render() app.UI {
	return app.Main().ID("board").Body(
		b.renderHeader(),
		b.renderColors(),
		app.Button().Type("button").Class("older").Hidden(!b.more).OnClick(b.loadOlder).Text("Load older messages"),
		b.renderList(),
		app.Button().Type("button").Class("new-below").Hidden(!b.newBelow).OnClick(b.jumpToNew).Text("New messages ↓"),
		b.renderPreloaded(),
		app.P().Class("notice").Attr("aria-live", "polite").Hidden(b.notice == "").Text(b.notice),
		b.renderComposer(),
	)
}

func (b *Board) renderHeader() app.UI {
	return app.Header().Class("top").Body(
		app.H1().Body(boardLink(b.board).Text(b.board)),
		app.Span().Class("online").Text(strconv.Itoa(b.online)+" online"),
		app.Span().Class("state").Attr("role", "status").Attr("data-state", b.status).Attr("data-transport", b.transport).Text(b.status),
		app.Span().Class("fallback").Hidden(b.transport != client.TransportSSE).Attr("title", "WebSocket is blocked on this network: live over server-sent events").Text("fallback"),
		app.Button().Type("button").Class("notify").Hidden(!b.canNotify).Attr("aria-pressed", strconv.FormatBool(b.notify)).
			OnClick(b.toggleNotify).Text(notifyLabel(b.notify)),
		app.Button().Type("button").Class("update").Hidden(!b.updated).OnClick(b.reload).Text("New version: reload"),
		app.Nav().Class("boards").Body(
			app.A().Href("/").Text("lobby"),
			boardLink("random").Text("random"),
		),
	)
}

func (b *Board) renderColors() app.UI {
	return app.Div().Class("colors").Attr("role", "group").Attr("aria-label", "Background colour").Body(
		app.Range(backgrounds).Slice(func(i int) app.UI {
			bg := backgrounds[i]
			return app.Button().Type("button").Class("swatch").
				Attr("aria-label", "Background "+bg.Name).
				Attr("aria-pressed", strconv.FormatBool(backgroundNamed(b.bg).Name == bg.Name)).
				Style("background", bg.Color).
				OnClick(func(ctx app.Context, e app.Event) { b.pickBackground(ctx, bg.Name) })
		}),
	)
}

// renderList is the messages. role=log goes on a wrapper: on the ol it
// would replace the list role and orphan the items (Lighthouse:
// listitem).
func (b *Board) renderList() app.UI {
	return app.Div().ID("messages").Attr("role", "log").Attr("aria-label", "Messages").OnScroll(b.onScroll).Body(
		app.Ol().Class("list").OnClick(b.onListClick).Body(
			app.Range(b.msgs).Slice(func(i int) app.UI { return b.renderEntry(b.msgs[i]) }),
		),
	)
}

// renderComposer is a real form: before the Wasm runs it posts to
// /b/NAME as UTF-8.
func (b *Board) renderComposer() app.UI {
	return app.Form().Class("composer").Method("post").Action("/b/"+b.board).Attr("accept-charset", "utf-8").OnSubmit(b.onSubmit).Body(
		app.Input().Type("hidden").Name("id").Value(b.formID),
		app.Input().ID("name").Name("name").Attr("aria-label", "Name").Placeholder("Name").MaxLength(protocol.MaxNameRunes).AutoComplete(false),
		app.Textarea().ID("composer").Name("text").Attr("aria-label", "Message").Placeholder("Write a message…").Rows(2).
			OnKeyDown(b.onKeyDown).OnInput(b.onInput),
		app.Span().Class("counter").Hidden(b.count < counterFrom).Text(strconv.Itoa(protocol.MaxTextRunes-b.count)+" left"),
		app.Button().Type("submit").Text("Send"),
	)
}

// renderEntry draws one message. User text is only ever in text nodes;
// seq, a number of ours, is the only attribute from data.
func (b *Board) renderEntry(e entry) app.UI {
	li := app.Li().Class("msg")
	if e.Pending {
		li = li.Attr("data-pending", "true").Class("pending")
	} else {
		li = li.Attr("data-seq", strconv.FormatInt(e.Seq, 10))
	}
	own := e.Author != "" && e.Author == b.you
	if own {
		li = li.Class("own")
	}
	if e.Deleted {
		li = li.Class("deleted")
	}
	w := wordsOf(e)
	return li.Body(
		app.Span().Class("name").Text(w.name),
		app.Span().Class("tag").Text(w.tag),
		app.Time().Class("at").Text(w.when),
		app.Span().Class("status").Text(w.status),
		app.P().Class("text").Text(w.text),
		// Only the user's own live messages carry the buttons, which the
		// list's one click handler acts for (onListClick). They sit last
		// and take no room when hidden, so leaving them out elsewhere
		// moves nothing, and spares the Wasm's first render a third of
		// each message's elements.
		app.If(own && !e.Deleted && !e.Pending, renderActions),
	)
}

func renderActions() app.UI {
	return app.Span().Class("actions").Body(
		app.Button().Type("button").Class("edit").Text("Edit"),
		app.Button().Type("button").Class("delete").Text("Delete"),
	)
}

// entryWords are the texts of a message's line.
type entryWords struct{ name, tag, when, status, text string }

func wordsOf(e entry) entryWords {
	w := entryWords{name: e.Name, tag: e.Author, text: e.Text}
	if w.name == "" {
		w.name = protocol.DefaultName(e.Author)
	}
	if len(w.tag) > 4 {
		w.tag = w.tag[:4]
	}
	if !e.At.IsZero() {
		w.when = localTime(e.At)
	}
	if e.Deleted {
		w.text = "(deleted)"
	}
	switch {
	case e.Pending:
		w.status = "sending…"
	case e.EditedAt != nil && !e.Deleted:
		w.status = "(edited)"
	}
	return w
}

func notifyLabel(on bool) string {
	if on {
		return "Notifications on"
	}
	return "Notify me"
}
