package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/protocol"
)

// counterFrom is where the character counter appears.
const counterFrom = protocol.MaxTextRunes - 500

// rateRetry is how long a rate-limited post waits before it is sent again
// (the server refills 20 posts per 10 s, so one every half second).
const rateRetry = 2 * time.Second

// entry is one line of the list: a message, or a post still pending.
type entry struct {
	protocol.Message
	pending bool
}

// Board is the page: header, messages, composer.
type Board struct {
	app.Compo

	board    string
	status   string // connecting, online, reconnecting, offline
	online   int
	you      string
	name     string
	bg       string
	notice   string
	formID   string
	lastSeq  int64 // the highest event seq applied; the resume point
	synced   bool
	more     bool // older messages exist
	newBelow bool // messages arrived while scrolled up
	unread   int
	count    int  // runes in the composer
	updated  bool // a new version was deployed
	retrying bool // a resend after rate_limited is scheduled

	msgs   []entry // by seq; pending ones last
	outbox []outboxItem

	sock   *socket
	cancel context.CancelFunc
	hidden bool
	// mounted is the component's own context, from OnMount; update asks
	// for a render through it.
	mounted app.Context
}

// OnNav runs on the server (pre-render) and in the browser. On the server
// it loads the latest messages; in the browser, a board switch moves the
// socket (go-app keeps the component mounted across navigation).
func (b *Board) OnNav(ctx app.Context) {
	name := boardOf(ctx.Page().URL().Path)
	if app.IsServer {
		b.board, b.status = name, "connecting"
		if Preload != nil {
			msgs, id := Preload(name)
			b.formID = id
			for _, m := range msgs {
				b.msgs = append(b.msgs, entry{Message: m})
			}
			b.more = len(msgs) == protocol.DefaultPageLimit
		}
		return
	}
	if name != b.board && b.cancel != nil {
		b.switchTo(ctx, name)
	}
}

// OnMount starts the browser side: stored settings, draft, outbox, the
// socket loop and the window's events.
func (b *Board) OnMount(ctx app.Context) {
	b.board = boardOf(ctx.Page().URL().Path)
	b.mounted = ctx
	app.Window().Set("liveboardMounted", true) // the loader's draft keeper stops
	ctx.LocalStorage().Get(keyName, &b.name)
	ctx.LocalStorage().Get(keyBackground, &b.bg)
	b.applyBackground()
	b.watchWindow(ctx)
	b.switchTo(ctx, b.board)
}

// OnAppUpdate offers the new version when one was deployed. It does not
// reload by itself: the draft is saved, but the user may be mid-sentence.
func (b *Board) OnAppUpdate(ctx app.Context) {
	b.updated = ctx.AppUpdateAvailable()
}

func (b *Board) reload(ctx app.Context, e app.Event) { ctx.Reload() }

func (b *Board) OnDismount() {
	if b.cancel != nil {
		b.cancel()
	}
}

// switchTo (re)starts everything that belongs to one board.
func (b *Board) switchTo(ctx app.Context, name string) {
	if b.cancel != nil {
		b.cancel()
	}
	b.board, b.msgs, b.synced, b.more, b.notice, b.unread = name, nil, false, false, "", 0
	b.lastSeq = 0
	b.outbox = nil
	ctx.LocalStorage().Get(keyOutbox+name, &b.outbox)
	for _, o := range b.outbox {
		b.msgs = append(b.msgs, entry{Message: protocol.Message{ID: o.ID, Text: o.Text, Name: o.Name, Author: b.you}, pending: true})
	}
	b.restoreDraft(ctx)
	if !app.Window().Get("navigator").Get("onLine").Bool() {
		b.status = "offline"
	} else {
		b.status = "connecting"
	}

	loc := app.Window().Get("location")
	scheme := "ws://"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss://"
	}
	s := newSocket(scheme + loc.Get("host").String() + "/ws?board=" + name)
	tok := token(ctx)
	s.hello = func() protocol.ClientFrame {
		// Read on the socket's goroutine: lastSeq is only written by
		// dispatched updates, and a stale value only replays a few events.
		h := protocol.ClientFrame{Type: protocol.TypeHello, Token: tok, Name: b.name}
		if b.synced || b.lastSeq > 0 {
			after := b.lastSeq
			h.After = &after
		}
		return h
	}
	s.onFrames = func(fs []protocol.ServerFrame) {
		ctx.Dispatch(func(ctx app.Context) {
			for _, f := range fs {
				b.apply(ctx, f)
			}
		})
	}
	s.onState = func(state string) {
		ctx.Dispatch(func(ctx app.Context) {
			if b.status != "offline" || state == "online" {
				b.status = state
			}
		})
	}
	b.sock = s
	sctx, cancel := context.WithCancel(ctx)
	b.cancel = cancel
	ctx.Async(func() { s.run(sctx) })
}

// apply changes the state by one server frame.
func (b *Board) apply(ctx app.Context, f protocol.ServerFrame) {
	switch f.Type {
	case protocol.TypeWelcome:
		b.you = f.You
		if !b.synced {
			// Without after the catch-up is the latest messages: start afresh.
			b.msgs = b.pendingOnly()
		}
	case protocol.TypeSynced:
		b.synced, b.status = true, "online"
		b.lastSeq = max(b.lastSeq, f.Head)
		b.flushOutbox()
	case protocol.TypeMessage:
		b.upsert(f.AsMessage())
		b.noteNew(ctx, f.Seq, f.Author) // a history page's older seqs change nothing
	case protocol.TypeEdited:
		if i := b.find(f.Target); i >= 0 {
			at := f.At
			b.msgs[i].Text, b.msgs[i].EditedAt = f.Text, &at
		}
		b.lastSeq = max(b.lastSeq, f.Seq)
	case protocol.TypeDeleted:
		if i := b.find(f.Target); i >= 0 {
			b.msgs[i].Text, b.msgs[i].Deleted = "", true
		}
		b.lastSeq = max(b.lastSeq, f.Seq)
	case protocol.TypeHistoryEnd:
		b.more = f.More
	case protocol.TypeAck:
		b.acked(ctx, f.ID, f.Seq)
	case protocol.TypePresence:
		b.online = f.Online
	case protocol.TypeError:
		b.notice = politeError(f.Code, f.Message)
		switch {
		case f.Code == protocol.CodeRateLimited && !b.retrying:
			// Kept in the outbox; try again once the server's window moved.
			b.retrying = true
			ctx.After(rateRetry, func(ctx app.Context) {
				b.retrying = false
				b.flushOutbox()
			})
		case f.ID != "" && f.Code != protocol.CodeRateLimited:
			// The server will never take this post: drop it from the outbox.
			b.acked(ctx, f.ID, 0)
		}
	}
}

func politeError(code, msg string) string {
	switch code {
	case protocol.CodeTooLong:
		return "That message is too long: 4000 characters at most."
	case protocol.CodeRateLimited:
		return "You are posting quickly. Your message is kept and will be sent in a moment."
	case protocol.CodeForbidden:
		return "You can only change your own messages."
	case protocol.CodeNotFound:
		return "That message no longer exists."
	}
	return "The server did not accept that: " + msg
}

func (b *Board) pendingOnly() []entry {
	var out []entry
	for _, e := range b.msgs {
		if e.pending {
			out = append(out, e)
		}
	}
	return out
}

func (b *Board) find(seq int64) int {
	i := sort.Search(len(b.msgs), func(i int) bool { return b.msgs[i].pending || b.msgs[i].Seq >= seq })
	if i < len(b.msgs) && !b.msgs[i].pending && b.msgs[i].Seq == seq {
		return i
	}
	return -1
}

// upsert places a message by seq, replacing its pending twin.
func (b *Board) upsert(m protocol.Message) {
	if m.Author == b.you {
		b.dropPending(m.ID)
	}
	if i := b.find(m.Seq); i >= 0 {
		b.msgs[i].Message = m
		return
	}
	i := sort.Search(len(b.msgs), func(i int) bool { return b.msgs[i].pending || b.msgs[i].Seq > m.Seq })
	b.msgs = append(b.msgs, entry{})
	copy(b.msgs[i+1:], b.msgs[i:])
	b.msgs[i] = entry{Message: m}
}

func (b *Board) dropPending(id string) {
	for i, e := range b.msgs {
		if e.pending && e.ID == id {
			b.msgs = append(b.msgs[:i], b.msgs[i+1:]...)
			return
		}
	}
}

// noteNew keeps the list at the bottom, or offers a button when the user
// has scrolled up, and counts unread messages while the tab is hidden.
func (b *Board) noteNew(ctx app.Context, seq int64, author string) {
	if seq <= b.lastSeq {
		return
	}
	b.lastSeq = seq
	if !b.synced {
		ctx.Defer(func(app.Context) { scrollToBottom() })
		return
	}
	if b.hidden && author != b.you {
		b.unread++
		b.setTitle()
	}
	if nearBottom() || author == b.you {
		ctx.Defer(func(app.Context) { scrollToBottom() })
	} else {
		b.newBelow = true
	}
}

func (b *Board) acked(ctx app.Context, id string, seq int64) {
	kept := b.outbox[:0]
	for _, o := range b.outbox {
		if o.ID != id {
			kept = append(kept, o)
		}
	}
	b.outbox = kept
	ctx.LocalStorage().Set(keyOutbox+b.board, b.outbox)
	if seq == 0 {
		b.dropPending(id)
	}
}

// flushOutbox sends every pending post, with its original id: the server
// keeps one post per id, so a resend is never a duplicate.
func (b *Board) flushOutbox() {
	for _, o := range b.outbox {
		if !b.sock.send(protocol.ClientFrame{Type: protocol.TypePost, ID: o.ID, Text: o.Text, Name: o.Name}) {
			return
		}
	}
}

// submit takes the composer's text as a new post: shown at once as
// pending, kept in the outbox until acked.
func (b *Board) submit(ctx app.Context) {
	ta := app.Window().GetElementByID("composer")
	text, err := protocol.NormalizeText(ta.Get("value").String())
	if err == protocol.ErrEmpty {
		return
	}
	if err != nil {
		b.notice = politeError(protocol.CodeTooLong, "")
		return
	}
	name := strings.TrimSpace(app.Window().GetElementByID("name").Get("value").String())
	if name != b.name {
		b.name = name
		ctx.LocalStorage().Set(keyName, name)
	}
	o := outboxItem{ID: newPostID(), Text: text, Name: name}
	b.outbox = append(b.outbox, o)
	ctx.LocalStorage().Set(keyOutbox+b.board, b.outbox)
	b.msgs = append(b.msgs, entry{Message: protocol.Message{ID: o.ID, Text: text, Name: name, Author: b.you}, pending: true})
	// Cleared through the DOM: go-app's Value("") would not (issue #1083).
	ta.Set("value", "")
	ctx.LocalStorage().Del(keyDraft + b.board)
	b.count, b.notice = 0, ""
	if b.status == "online" {
		b.sock.send(protocol.ClientFrame{Type: protocol.TypePost, ID: o.ID, Text: text, Name: name})
	}
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
	ctx.LocalStorage().Set(keyDraft+b.board, v)
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
	ctx.LocalStorage().Get(keyDraft+b.board, &draft)
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

func (b *Board) pickBackground(ctx app.Context, name string) {
	b.bg = name
	ctx.LocalStorage().Set(keyBackground, name)
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

func (b *Board) loadOlder(ctx app.Context, e app.Event) {
	before := int64(0)
	for _, m := range b.msgs {
		if !m.pending {
			before = m.Seq
			break
		}
	}
	b.sock.send(protocol.ClientFrame{Type: protocol.TypeHistory, Before: before, Limit: protocol.DefaultPageLimit})
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

func (b *Board) onEdit(ctx app.Context, e app.Event)   { b.edit(ctx, seqOf(e)) }
func (b *Board) onDelete(ctx app.Context, e app.Event) { b.remove(ctx, seqOf(e)) }

func (b *Board) edit(ctx app.Context, seq int64) {
	i := b.find(seq)
	if i < 0 {
		return
	}
	text := app.Window().Call("prompt", "Edit your message", b.msgs[i].Text)
	if text.Truthy() {
		b.sock.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: seq, Text: text.String()})
	}
}

func (b *Board) remove(ctx app.Context, seq int64) {
	if app.Window().Call("confirm", "Delete this message?").Bool() {
		b.sock.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: seq})
	}
}

func (b *Board) setTitle() {
	title := b.board + " – liveboard"
	if b.unread > 0 {
		title = fmt.Sprintf("(%d) %s", b.unread, title)
	}
	app.Window().Get("document").Set("title", title)
}

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
	on(win, "offline", func(app.Context) { b.status = "offline" })
	on(win, "online", func(app.Context) {
		b.status = "reconnecting"
		if b.sock != nil {
			b.sock.retryNow()
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

// update asks for a render now. In Wasm, Go runs only while the browser
// calls into it: an update queued by an event handler waits for the next
// event or timer, so a post made offline (no socket traffic) would not show
// until the user typed again. A timer makes the browser call back at once.
func (b *Board) update() {
	b.mounted.Update()
	time.AfterFunc(time.Millisecond, func() {})
}
