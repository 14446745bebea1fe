package main

import (
	"context"
	"fmt"
	"io"

	liveterm "liveboard/frontend/term"
)

// cli is the process's side of the world, for dispatch.
type cli struct {
	stdin            io.Reader
	stdout, stderr   io.Writer
	getenv           func(string) string
	stdoutIsTerminal bool
}

// subcommands are the ones besides serving, each with what it does.
var subcommands = []struct{ name, what string }{
	{"serve", "serve the board (the default): liveboard [serve] [flags]"},
	{"post", "post TEXT, or each line of standard input: liveboard post [-name N] URL [TEXT...]"},
	{"tail", "print a board's latest messages and follow it: liveboard tail [-n 50] [-after SEQ] [-json] URL"},
	{"chat", "talk on a board from a terminal: liveboard chat [-name N] URL"},
	{"backup", "copy the SQLite database while the server runs: liveboard backup [-data DIR] PATH"},
	{"healthcheck", "exit 0 when URL answers 200: liveboard healthcheck http://HOST:PORT/readyz"},
	{"help", "this list"},
}

// printSubcommands is the top of `liveboard -h` and all of `liveboard help`.
func printSubcommands(w io.Writer) {
	fmt.Fprintf(w, "Usage: liveboard [COMMAND] [flags]\n\nCommands (URL is http://HOST:PORT/b/NAME; each takes -h):\n")
	for _, s := range subcommands {
		fmt.Fprintf(w, "  %-11s %s\n", s.name, s.what)
	}
	fmt.Fprintln(w)
}

// dispatch runs the subcommand args name and returns the exit code.
func dispatch(ctx context.Context, args []string, c cli) int {
	env := liveterm.Env{Stdin: c.stdin, Stdout: c.stdout, Stderr: c.stderr, StdoutIsTerminal: c.stdoutIsTerminal, Getenv: c.getenv}
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			args = args[1:]
		case "post":
			return liveterm.Post(ctx, args[1:], env)
		case "tail":
			return liveterm.Tail(ctx, args[1:], env)
		case "chat":
			return liveterm.Chat(ctx, args[1:], env)
		case "backup":
			return backup(args[1:], c)
		case "healthcheck":
			return healthcheck(ctx, args[1:], c)
		case "help":
			printSubcommands(c.stdout)
			return 0
		}
	}
	if err := run(ctx, args, c.getenv, c.stdout, c.stderr); err != nil {
		fmt.Fprintln(c.stderr, "liveboard:", err)
		return 1
	}
	return 0
}
