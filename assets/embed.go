// Package assets holds the files the server ships: icons, favicon, CSS,
// and, once built, the Wasm app (public/web/app.wasm) with its brotli and
// gzip variants. They are embedded, so the liveboard binary runs alone.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:public
var files embed.FS

// Public is the served root: "favicon.ico", "robots.txt", "web/…".
func Public() fs.FS {
	sub, err := fs.Sub(files, "public")
	if err != nil {
		panic(err) // "public" is embedded above; this cannot fail
	}
	return sub
}
