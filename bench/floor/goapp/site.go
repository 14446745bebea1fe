//go:build !wasm

package main

import (
	"fmt"
	"os"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// generate writes the floor's static site to the directory named by the
// command's argument. (The Wasm builds against go-app without its server
// half, which this needs: hence a file of its own.)
func generate() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench/floor/goapp DIR")
		os.Exit(2)
	}
	h := &app.Handler{
		Name:         "floor",
		Icon:         app.Icon{Default: "/web/icon.svg", SVG: "/web/icon.svg"}, // local: nothing leaves the machine
		LoadingLabel: " ",
	}
	if err := app.GenerateStaticWebsite(os.Args[1], h); err != nil {
		fmt.Fprintln(os.Stderr, "goapp floor:", err)
		os.Exit(1)
	}
}
