package term

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Chat is `liveboard chat [-name NAME] URL`: on a terminal, a screen with
// the history above, a composer below and a header line; otherwise it
// prints like tail and posts each line of standard input like post, and
// follows until interrupted. Posts wait in the outbox on disk until acked.
func Chat(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("liveboard chat", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: liveboard chat [-name NAME] [-token-file F] URL\n\nTalk on the board at URL. Enter sends; Alt+Enter or Ctrl+J adds a newline; Ctrl+C quits.\nWhen standard output is not a terminal it prints like tail and posts each line of standard input.")
		fs.PrintDefaults()
	}
	u, _, err := parse(fs, args, env)
	if err != nil && strings.Contains(err.Error(), flag.ErrHelp.Error()) {
		return ExitOK
	}
	if err != nil {
		return exitCode("chat", err, env.Stderr)
	}
	if env.StdoutIsTerminal {
		return exitCode("chat", chatScreen(ctx, u, c, env), env.Stderr)
	}
	return exitCode("chat", chatLines(ctx, u, c, env), env.Stderr)
}

// chatLines is chat without a terminal: tail's output, post's input.
func chatLines(ctx context.Context, u BoardURL, c common, env Env) error {
	t := &tailer{p: &printer{w: env.Stdout}, names: map[int64]string{}}
	cl, err := newClient(u, c, env, true, nil, t.onChange)
	if err != nil {
		return err
	}
	stop := runUntil(ctx, cl)
	defer stop()
	go func() {
		sc := bufio.NewScanner(env.Stdin)
		sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
		for sc.Scan() {
			if _, err := cl.Post(sc.Text()); err != nil && err != protocol.ErrEmpty {
				fmt.Fprintf(env.Stderr, "liveboard chat: not sent: %v\n", err)
			}
		}
	}()
	<-ctx.Done()
	return nil
}

// changeMsg tells the screen that the client changed.
type changeMsg client.Change
