package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// submit takes the composer's text as a new post: shown at once as
// pending, kept in the outbox until acked.
func (b *Board) submit(ctx app.Context) {
	if b.cl == nil {
		return
	}
	ta := app.Window().GetElementByID("composer")
	name := strings.TrimSpace(app.Window().GetElementByID("name").Get("value").String())
	if name != b.name {
		b.name = name
		local.Set(keyName, name)
		b.cl.SetName(name)
	}
	_, err := b.cl.Post(ta.Get("value").String())
	if err == protocol.ErrEmpty {
		return
	}
	if err != nil {
		b.notice = politeError(protocol.CodeTooLong, "")
		b.update()
		return
	}
	// Cleared through the DOM: go-app's Value("") would not (issue #1083).
	ta.Set("value", "")
	local.Del(keyDraft + b.board)
	b.count, b.notice = 0, ""
	b.refreshFromClient()
	b.update()
	ctx.Defer(func(app.Context) { scrollToBottom() })
}

func (b *Board) onKeyDown(ctx app.Context, e app.Event) {
	// Enter sends; Shift+Enter is a newline; Enter that ends an IME
	// composition (Korean, Japanese, …) only ends the composition.
	if e.Get("key").String() != "Enter" || e.Get("shiftKey").Bool() || e.Get("isComposing").Bool() || e.Get("keyCode").Int() == 229 {
		return
	}
	e.PreventDefault()
	b.submit(ctx)
}

func (b *Board) onInput(ctx app.Context, e app.Event) {
	v := e.Get("target").Get("value").String()
	if v == "" {
		local.Del(keyDraft + b.board) // as SaveOutbox: no empty keys
	} else {
		local.Set(keyDraft+b.board, v)
	}
	if n := utf8.RuneCountInString(v); (n >= counterFrom) != (b.count >= counterFrom) || n >= counterFrom {
		b.count = n
		b.update()
	} else {
		b.count = n
	}
}

func (b *Board) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	b.submit(ctx)
}

// restoreDraft puts the stored draft in the textarea. Text typed into the
// pre-rendered page before the app started was saved by the loader shim.
func (b *Board) restoreDraft(ctx app.Context) {
	var draft string
	local.Get(keyDraft+b.board, &draft)
	ctx.Defer(func(app.Context) {
		ta := app.Window().GetElementByID("composer")
		if ta.Truthy() {
			ta.Set("value", draft)
			b.count = utf8.RuneCountInString(draft)
		}
		if n := app.Window().GetElementByID("name"); n.Truthy() {
			n.Set("value", b.name)
		}
	})
}

func (b *Board) loadOlder(ctx app.Context, e app.Event) {
	if b.cl != nil {
		b.cl.LoadOlder()
	}
}

// seqOf is the seq of the message an event happened in.
func seqOf(e app.Event) int64 {
	li := e.Get("target").Call("closest", "li")
	if !li.Truthy() {
		return 0
	}
	n, _ := strconv.ParseInt(li.Call("getAttribute", "data-seq").String(), 10, 64)
	return n
}

// onListClick acts for every message's Edit and Delete buttons: one
// handler on the list instead of two per message, each a JS function made
// and bound as the message is rendered. It reads the seq from the DOM, as
// a handler bound per message had to anyway: go-app keeps an element's
// old handler when only a closure's captured value changed, so a post that
// went from pending to stored would have kept seq 0.
func (b *Board) onListClick(ctx app.Context, e app.Event) {
	button := e.Get("target").Call("closest", "button")
	if !button.Truthy() {
		return
	}
	switch classes := button.Get("classList"); {
	case classes.Call("contains", "edit").Bool():
		b.edit(seqOf(e))
	case classes.Call("contains", "delete").Bool():
		b.remove(seqOf(e))
	}
}

func (b *Board) edit(seq int64) {
	i := b.find(seq)
	if i < 0 || b.cl == nil {
		return
	}
	text := app.Window().Call("prompt", "Edit your message", b.msgs[i].Text)
	if text.Truthy() {
		b.cl.Edit(seq, text.String())
	}
}

func (b *Board) remove(seq int64) {
	if b.cl != nil && app.Window().Call("confirm", "Delete this message?").Bool() {
		b.cl.Delete(seq)
	}
}

func (b *Board) find(seq int64) int {
	for i, m := range b.msgs {
		if !m.Pending && m.Seq == seq {
			return i
		}
	}
	return -1
}
