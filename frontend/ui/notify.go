package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// System notifications: while the tab is hidden, each new post from
// someone else raises one (title the board, body the name and the start
// of the text), once the user turned them on with the "Notify me"
// control. Permission is asked only from that click, never on load.

// notifyBodyRunes is how much of a post a notification shows.
const notifyBodyRunes = 120

func notificationAPI() app.Value { return app.Window().Get("Notification") }

// loadNotify reads the stored choice; a permission revoked since turns it off.
func (b *Board) loadNotify() {
	b.canNotify = notificationAPI().Truthy()
	var on string
	local.Get(keyNotify, &on)
	b.notify = on == "on" && b.canNotify && notificationAPI().Get("permission").String() == "granted"
}

// toggleNotify turns notifications off, or asks for permission and turns
// them on if it is granted.
func (b *Board) toggleNotify(ctx app.Context, e app.Event) {
	if b.notify {
		b.setNotify(ctx, false)
		return
	}
	notificationAPI().Call("requestPermission").Call("then", app.FuncOf(func(_ app.Value, args []app.Value) any {
		granted := len(args) > 0 && args[0].String() == "granted"
		ctx.Dispatch(func(ctx app.Context) {
			b.setNotify(ctx, granted)
			if !granted {
				b.notice = "Notifications are blocked for this site in the browser's settings."
			}
		})
		return nil
	}))
}

func (b *Board) setNotify(ctx app.Context, on bool) {
	b.notify = on
	v := "off"
	if on {
		v = "on"
	}
	local.Set(keyNotify, v)
	b.update()
}

// notifyPost shows a post from someone else while the tab is hidden.
func (b *Board) notifyPost(f protocol.ServerFrame) {
	if !b.notify || !b.hidden || f.Author == b.you || f.Deleted {
		return
	}
	name := f.Name
	if name == "" {
		name = protocol.DefaultName(f.Author)
	}
	body := name + ": " + clipRunes(f.Text, notifyBodyRunes)
	notificationAPI().New(b.board, map[string]any{"body": body, "lang": ""})
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
