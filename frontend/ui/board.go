package ui

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// counterFrom is where the character counter appears.
const counterFrom = protocol.MaxTextRunes - 500

// statusOffline is what the status says while the browser is offline,
// whatever the client last knew.
const statusOffline = "offline"

// entry is one line of the list: a message, or a post still pending.
type entry = client.Entry

// Board is the page: header, messages, composer. It renders what the
// board's client (shared/client) knows, and turns the user's events into
// calls on it; the protocol lives there, not here.
type Board struct {
	app.Compo

	board     string
	status    string // connecting, online, reconnecting, offline
	transport string // websocket, sse; empty when not connected
	online    int
	you       string
	name      string
	bg        string
	notice    string
	formID    string
	synced    bool
	more      bool // older messages exist
	newBelow  bool // messages arrived while scrolled up
	unread    int
	count     int  // runes in the composer
	updated   bool // a new version was deployed
	offline   bool // the browser says so
	hidden    bool
	canNotify bool // the browser has notifications
	notify    bool // the user turned them on, and permission holds

	msgs []entry // by seq; pending ones last

	cl     *client.Client
	cancel context.CancelFunc
	relay  *changeRelay // the booted client's changes, until OnMount binds them (boot.go)
	// mounted is the component's own context, from OnMount; update asks
	// for a render through it.
	mounted app.Context
}

// OnNav runs on the server (pre-render) and in the browser. On the server
// it loads the latest messages; in the browser, a board switch moves the
// client (go-app keeps the component mounted across navigation).
func (b *Board) OnNav(ctx app.Context) {
	name := boardOf(ctx.Page().URL().Path)
	if app.IsServer {
		b.board, b.status = name, client.StatusConnecting
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

// OnMount starts the browser side: stored settings, draft, the client and
// the window's events. The page's own board usually has its client, and
// its settings, already (boot.go); another board gets a new client.
func (b *Board) OnMount(ctx app.Context) {
	b.mounted = ctx
	app.Window().Set("liveboardMounted", true) // the loader's draft keeper stops
	b.watchWindow(ctx)
	if b.relay != nil {
		b.bindBooted(ctx)
		return
	}
	b.loadSettings()
	b.board = boardOf(ctx.Page().URL().Path)
	b.switchTo(ctx, b.board)
}

// loadSettings reads what the browser keeps for the page (the name, the
// background, the notification choice) and whether it is offline. It
// runs before the first render when it can (takeBooted): read after it,
// the notify button that appears can wrap the header and move the list.
func (b *Board) loadSettings() {
	local.Get(keyName, &b.name)
	local.Get(keyBackground, &b.bg)
	b.applyBackground()
	b.loadNotify()
	b.offline = !app.Window().Get("navigator").Get("onLine").Bool()
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
	b.board, b.synced, b.more, b.notice, b.unread, b.newBelow = name, false, false, "", 0, false
	b.relay = nil
	cl, err := newBoardClient(name, b.name, func(ch client.Change) {
		ctx.Dispatch(func(ctx app.Context) { b.changed(ctx, ch) })
	})
	if err != nil {
		b.notice = "This board cannot be opened: " + err.Error()
		return
	}
	b.cl = cl
	b.refresh(client.Change{Status: client.StatusConnecting})
	b.restoreDraft(ctx)
	cctx, cancel := context.WithCancel(ctx)
	b.cancel = cancel
	ctx.Async(func() { cl.Run(cctx) })
}

// newBoardClient makes the client of board name: the page's early socket
// and pre-rendered messages go to the first one made for their board.
func newBoardClient(name, userName string, onChange func(client.Change)) (*client.Client, error) {
	loc := app.Window().Get("location")
	shown, more := takePreloaded(name)
	return client.New(client.Config{
		Base:           loc.Get("protocol").String() + "//" + loc.Get("host").String(),
		Board:          name,
		Token:          token(),
		Name:           userName,
		Platform:       browser{},
		Outbox:         outboxes{},
		Early:          takeEarlySocket(),
		Shown:          shown,
		ShownMore:      more,
		SaveHello:      func(hello []byte) { local.Set(keyHello, string(hello)) },
		WelcomeTimeout: testWindow("welcomeTimeoutMs"),
		WebSocketRetry: testWindow("webSocketRetryMs"),
		OnChange:       onChange,
	})
}

// testWindow reads a window the Playwright specs shorten
// (window.liveboardTest); zero keeps the client's default.
func testWindow(name string) time.Duration {
	t := app.Window().Get("liveboardTest")
	if !t.Truthy() || !t.Get(name).Truthy() {
		return 0
	}
	return time.Duration(t.Get(name).Int()) * time.Millisecond
}

// refreshFromClient is refresh with the client's current status.
func (b *Board) refreshFromClient() {
	st, tr := b.cl.Status()
	b.refresh(client.Change{Status: st, Transport: tr})
}

// refresh copies what the client knows.
func (b *Board) refresh(ch client.Change) {
	st := b.cl.State()
	b.msgs, b.you, b.more, b.online, b.synced = st.Messages, st.You, st.More, st.Online, st.Synced
	b.status, b.transport = ch.Status, ch.Transport
	if b.offline {
		b.status = statusOffline
	}
}

// changed renders a change of the client and reacts to its news.
func (b *Board) changed(ctx app.Context, ch client.Change) {
	wasSynced := b.synced
	b.refresh(ch)
	if b.synced && !wasSynced {
		ctx.Defer(func(app.Context) { startWorker() }) // after this render
	}
	for _, f := range ch.News {
		switch f.Type {
		case protocol.TypeMessage:
			b.noteNew(ctx, f.Author, wasSynced)
			if wasSynced {
				b.notifyPost(f)
			}
		case protocol.TypeError:
			b.notice = politeError(f.Code, f.Message)
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

// noteNew keeps the list at the bottom, or offers a button when the user
// has scrolled up, and counts unread messages while the tab is hidden.
func (b *Board) noteNew(ctx app.Context, author string, synced bool) {
	if !synced {
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

// update asks for a render now. In Wasm, Go runs only while the browser
// calls into it: an update queued by an event handler waits for the next
// event or timer, so a post made offline (no socket traffic) would not show
// until the user typed again. A timer makes the browser call back at once.
func (b *Board) update() {
	b.mounted.Update()
	time.AfterFunc(time.Millisecond, func() {})
}
