package ui

import (
	"context"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Boot starts the page's board client before go-app mounts anything
// (frontend/wasm calls it while the Wasm waits for the first paint). By
// the time go-app renders, the client has usually taken over the early
// socket and applied its frames, so go-app's first render already shows
// the board synced and online. Started in OnMount instead, the client's
// "online" reached the screen a paint and a go-app frame (its updates
// run on a 120 Hz ticker) after that first render: 25–40 ms later in
// traces of warm visits.
func Boot() {
	b := &Board{board: boardOf(app.Window().Get("location").Get("pathname").String()), relay: &changeRelay{}}
	local.Get(keyName, &b.name)
	cl, err := newBoardClient(b.board, b.name, b.relay.send)
	if err != nil {
		return // the Board makes its own client, and shows why it cannot
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cl, b.cancel = cl, cancel
	booted = b
	go func() {
		// In a task of its own: in Go's first one (the runtime's start),
		// the catch-up's decoding made the longest task longer, and
		// Lighthouse counts each task's time past 50 ms as blocking.
		<-nextTask()
		cl.Run(ctx)
	}()
}

// AwaitBoot lets the booted client's task run before go-app renders:
// frontend/wasm calls it after AwaitPaint. The client's task was queued
// first, so it runs before the one this waits for (timers run in order),
// and go-app's first render shows what it applied.
func AwaitBoot() {
	if booted != nil {
		<-nextTask()
	}
}

// nextTask is closed from a browser task queued now (setTimeout 0): Go
// then runs on from a fresh task, after whatever the browser has queued.
func nextTask() <-chan struct{} {
	ch := make(chan struct{})
	var f app.Func
	f = app.FuncOf(func(app.Value, []app.Value) any {
		close(ch)
		f.Release()
		return nil
	})
	app.Window().Call("setTimeout", f, 0)
	return ch
}

// booted is Boot's Board, until go-app mounts it.
var booted *Board

// takeBooted hands go-app Boot's Board, once, with the settings the
// browser keeps and what its client shows by now: go-app's first render
// draws exactly that.
func takeBooted() *Board {
	b := booted
	booted = nil
	if b != nil {
		b.loadSettings()
		b.refreshFromClient()
	}
	return b
}

// bindBooted routes the adopted client's changes to the Board, from
// OnMount. Its news from before are not replayed as new: they were shown
// by the first render, before the user could see anything else; only an
// error among them is still told.
func (b *Board) bindBooted(ctx app.Context) {
	pending := b.relay.bind(func(ch client.Change) {
		ctx.Dispatch(func(ctx app.Context) { b.changed(ctx, ch) })
	})
	b.refreshFromClient()
	for _, f := range pending {
		if f.Type == protocol.TypeError {
			b.notice = politeError(f.Code, f.Message)
		}
	}
	b.restoreDraft(ctx)
	if b.synced {
		ctx.Defer(func(app.Context) {
			scrollToBottom()
			startWorker()
		})
	}
}

// changeRelay hands a client's changes to a Board once one is bound, and
// keeps the news of those before.
type changeRelay struct {
	mu   sync.Mutex
	to   func(client.Change)
	news []protocol.ServerFrame
}

func (r *changeRelay) send(ch client.Change) {
	r.mu.Lock()
	to := r.to
	if to == nil {
		r.news = append(r.news, ch.News...)
	}
	r.mu.Unlock()
	if to != nil {
		to(ch)
	}
}

// bind sends every later change to to, and returns the news before.
func (r *changeRelay) bind(to func(client.Change)) []protocol.ServerFrame {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.to = to
	news := r.news
	r.news = nil
	return news
}
