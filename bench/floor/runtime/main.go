//go:build js && wasm

// Command runtime is the bench's runtime floor (see bench/floor): a Go
// Wasm that writes "online" into the page's status and ends.
package main

import "syscall/js"

func main() {
	js.Global().Get("document").Call("querySelector", "[role=status]").Set("textContent", "online")
}
