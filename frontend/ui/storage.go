package ui

import (
	"crypto/rand"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Local storage keys. Drafts and outboxes are per board.
const (
	keyToken      = "liveboard.token"
	keyName       = "liveboard.name"
	keyBackground = "liveboard.background"
	keyDraft      = "liveboard.draft."
	keyOutbox     = "liveboard.outbox."
	keyNotify     = "liveboard.notify"
)

// token is this browser's secret, made once: here, or on a first visit
// by the page's early socket script (backend/webapp's earlySocket), in
// the same form, so that the client's hello is the one that script sent.
func token(ctx app.Context) string {
	var t string
	ctx.LocalStorage().Get(keyToken, &t)
	if len(t) < 16 {
		t = rand.Text() + rand.Text()
		ctx.LocalStorage().Set(keyToken, t)
	}
	return t
}
