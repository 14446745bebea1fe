// Command goapp is the bench's go-app floor (see bench/floor). In the
// browser it renders one status, "online". Run natively, it writes the
// static site that serves it:
//
//	go run ./bench/floor/goapp DIR (then the Wasm goes to DIR/web/app.wasm)
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type status struct{ app.Compo }

func (*status) Render() app.UI {
	text := "online"
	if app.IsServer {
		text = "offline" // the pre-rendered page, as liveboard's says before the Wasm runs
	}
	return app.Main().Body(app.P().Attr("role", "status").Text(text))
}

func main() {
	app.Route("/", func() app.Composer { return &status{} })
	app.RunWhenOnBrowser() // in the browser, it does not return
	generate()
}
