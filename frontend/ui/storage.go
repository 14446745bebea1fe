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

// token is this browser's secret, made once.
func token(ctx app.Context) string {
	var t string
	ctx.LocalStorage().Get(keyToken, &t)
	if len(t) < 16 {
		t = rand.Text() + rand.Text()
		ctx.LocalStorage().Set(keyToken, t)
	}
	return t
}
