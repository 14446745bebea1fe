package ui

import (
	"crypto/rand"
	"encoding/json"

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

// local is the browser's localStorage, each value as JSON (as go-app's
// ctx.LocalStorage keeps them, so the page's scripts read the same). It
// needs no app.Context: the board's client starts before go-app mounts
// anything (boot.go).
var local localStore

type localStore struct{}

func (localStore) storage() app.Value { return app.Window().Get("localStorage") }

// Get decodes key's value into v; a missing or unreadable one leaves v.
func (s localStore) Get(key string, v any) {
	item := s.storage().Call("getItem", key)
	if item.Type() == app.TypeString {
		json.Unmarshal([]byte(item.String()), v)
	}
}

// Set stores v. A full or refused storage throws, which Call turns into a
// panic: the value is then not kept, as on a browser without storage.
func (s localStore) Set(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	defer func() { recover() }()
	s.storage().Call("setItem", key, string(b))
}

func (s localStore) Del(key string) { s.storage().Call("removeItem", key) }

// token is this browser's secret, made once: here, or on a first visit
// by the page's early socket script (backend/webapp's earlySocket), in
// the same form, so that the client's hello is the one that script sent.
func token() string {
	var t string
	local.Get(keyToken, &t)
	if len(t) < 16 {
		t = rand.Text() + rand.Text()
		local.Set(keyToken, t)
	}
	return t
}
