package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// paintFrames is how many animation frames AwaitPaint lets pass, and
// paintWaitMax how long it waits for them at most (a hidden tab runs no
// frames, and a page opened hidden has no paint to wait for).
const (
	paintFrames  = 2
	paintWaitMax = 100 * time.Millisecond
)

// AwaitPaint lets the browser finish presenting the pre-rendered page
// before go-app replaces its DOM; frontend/wasm calls it before go-app
// starts.
//
// Why: Chromium times a text's paint only when the frame is presented,
// and drops the timing of a node removed before that. When the Wasm's
// first task replaced the page in between, the page had no largest
// contentful paint until the Wasm's own render: Lighthouse then dated it
// after app.wasm's download (9 s on its simulated mobile network) in 4
// of 6 runs, and scored 50–56 instead of 80–85. Two frames cost at most
// 33 ms at 60 Hz, and the wait also ends the Wasm's first long task.
func AwaitPaint() {
	doc := app.Window().Get("document")
	if doc.Get("visibilityState").String() != "visible" {
		return
	}
	done := make(chan struct{})
	frames := 0
	var next app.Func
	next = app.FuncOf(func(app.Value, []app.Value) any {
		if frames++; frames < paintFrames {
			app.Window().Call("requestAnimationFrame", next)
			return nil
		}
		close(done)
		return nil
	})
	app.Window().Call("requestAnimationFrame", next)
	select {
	case <-done:
	case <-time.After(paintWaitMax):
	}
}
