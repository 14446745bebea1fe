package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// paintWaitMax bounds AwaitPaint: past it go-app starts anyway. It is
// long because the wait is for the browser's compositor, which a busy
// two-core machine was seen to starve for a second; a page that has no
// paint to time (a hidden tab) does not wait at all.
const paintWaitMax = time.Second

// paintFrames is how many animation frames AwaitPaint lets pass where the
// browser does not report largest contentful paints.
const paintFrames = 2

// AwaitPaint lets the browser present the pre-rendered page and time its
// largest paint before go-app replaces the DOM; frontend/wasm calls it
// before go-app starts. Waiting also ends the browser's task, so Go's
// start-up and go-app's first render are two tasks, not one long one.
//
// Why: Chromium times a paint when its frame is presented, and drops the
// timing of nodes removed before that. When the Wasm replaced the page in
// between, the page had no largest contentful paint until the Wasm's own
// render, which Lighthouse dates after app.wasm's download (9 s on its
// simulated mobile network): 4 of 6 runs scored 50–56 instead of 80–85.
// Two animation frames were not always enough (in one run the first paint
// was presented a second late), so where the browser reports largest
// contentful paints, the wait is for the first one.
func AwaitPaint() {
	if app.Window().Get("document").Get("visibilityState").String() != "visible" {
		return
	}
	done := make(chan struct{}, 1)
	signal := func() {
		select {
		case done <- struct{}{}:
		default:
		}
	}
	var wait app.Func
	if observesLCP() {
		wait = app.FuncOf(func(_ app.Value, args []app.Value) any {
			args[1].Call("disconnect") // the observer
			signal()
			return nil
		})
		observer := app.Window().Get("PerformanceObserver").New(wait)
		observer.Call("observe", map[string]any{"type": "largest-contentful-paint", "buffered": true})
	} else {
		frames := 0
		wait = app.FuncOf(func(app.Value, []app.Value) any {
			if frames++; frames < paintFrames {
				app.Window().Call("requestAnimationFrame", wait)
			} else {
				signal()
			}
			return nil
		})
		app.Window().Call("requestAnimationFrame", wait)
	}
	select {
	case <-done:
	case <-time.After(paintWaitMax):
	}
}

// observesLCP reports whether the browser reports largest contentful
// paints (Chromium does; Safari does not).
func observesLCP() bool {
	po := app.Window().Get("PerformanceObserver")
	if po.Type() != app.TypeFunction {
		return false
	}
	types := po.Get("supportedEntryTypes")
	return types.Truthy() && types.Call("includes", "largest-contentful-paint").Bool()
}
