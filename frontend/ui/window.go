package ui

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// watchWindow follows the browser's online/offline state and the tab's
// visibility.
func (b *Board) watchWindow(ctx app.Context) {
	win := app.Window()
	on := func(target app.Value, event string, f func(ctx app.Context)) {
		target.Call("addEventListener", event, app.FuncOf(func(app.Value, []app.Value) any {
			ctx.Dispatch(f)
			return nil
		}))
	}
	on(win, "offline", func(app.Context) {
		b.offline, b.status = true, statusOffline
	})
	on(win, "online", func(app.Context) {
		b.offline = false
		// The old socket may be half-open and never tell: drop it and dial
		// at once, without waiting for it to finish closing.
		if b.cl != nil {
			b.cl.RetryNow()
			st, tr := b.cl.Status()
			b.status, b.transport = st, tr
		}
	})
	doc := win.Get("document")
	on(doc, "visibilitychange", func(app.Context) {
		b.hidden = doc.Get("hidden").Bool()
		if !b.hidden {
			b.unread = 0
			b.setTitle()
		}
	})
}

func (b *Board) setTitle() {
	title := b.board + " – liveboard"
	if b.unread > 0 {
		title = fmt.Sprintf("(%d) %s", b.unread, title)
	}
	app.Window().Get("document").Set("title", title)
}

func scrollToBottom() {
	if l := app.Window().GetElementByID("messages"); l.Truthy() {
		l.Set("scrollTop", l.Get("scrollHeight"))
	}
}

func nearBottom() bool {
	l := app.Window().GetElementByID("messages")
	if !l.Truthy() {
		return true
	}
	return l.Get("scrollHeight").Float()-l.Get("scrollTop").Float()-l.Get("clientHeight").Float() < 80
}

func (b *Board) jumpToNew(ctx app.Context, e app.Event) {
	b.newBelow = false
	scrollToBottom()
	b.update()
}

func (b *Board) onScroll(ctx app.Context, e app.Event) {
	if b.newBelow && nearBottom() {
		b.newBelow = false
		b.update()
	}
}

func (b *Board) pickBackground(ctx app.Context, name string) {
	b.bg = name
	local.Set(keyBackground, name)
	b.applyBackground()
	b.update()
}

// applyBackground colours the page body; the server page starts white.
func (b *Board) applyBackground() {
	bg := backgroundNamed(b.bg)
	body := app.Window().Get("document").Get("body")
	body.Get("style").Set("background", bg.Color)
	body.Get("style").Set("color", bg.Text)
	body.Call("setAttribute", "data-background", bg.Name)
}
