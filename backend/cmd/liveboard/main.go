// Command liveboard serves the board: the app's files, the WebSocket and
// SSE endpoints and the HTTP API, on its own HTTP/1.1 server. Its
// subcommands post to a board, follow it, and chat on it from a terminal.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := dispatch(ctx, os.Args[1:], cli{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		stdoutIsTerminal: term.IsTerminal(os.Stdout.Fd()),
	})
	stop()
	os.Exit(code)
}
