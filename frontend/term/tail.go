package term

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Tail is `liveboard tail [-n 50] [-after SEQ] [-json] URL`: the last N
// messages, then every event as it comes, with resume after a cut and the
// SSE fallback. Ctrl-C exits 0.
func Tail(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("liveboard tail", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	n := fs.Int("n", protocol.DefaultPageLimit, "how many of the latest messages to print first (0–200)")
	after := fs.Int64("after", -1, "print every event after this seq instead of the latest messages")
	asJSON := fs.Bool("json", false, "print the protocol's server frames, one JSON object per line")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: liveboard tail [-n 50] [-after SEQ] [-json] URL\n\nPrints the board's latest messages, then follows it live.")
		fs.PrintDefaults()
	}
	u, _, err := parse(fs, args, env)
	if err != nil && strings.Contains(err.Error(), flag.ErrHelp.Error()) {
		return ExitOK
	}
	if err == nil && (*n < 0 || *n > protocol.MaxHistoryLimit) {
		err = usageError{"-n must be 0 to 200"}
	}
	if err != nil {
		return exitCode("tail", err, env.Stderr)
	}
	p := &printer{w: env.Stdout, asJSON: *asJSON}
	return exitCode("tail", follow(ctx, u, c, p, *n, *after, env), env.Stderr)
}

// follow prints the start of the board, then follows it until ctx ends.
func follow(ctx context.Context, u BoardURL, c common, p *printer, n int, after int64, env Env) error {
	t := &tailer{p: p, names: map[int64]string{}}
	var from *int64
	if after >= 0 {
		from = &after
	} else if head, err := t.latest(ctx, u, n); err == nil {
		from = &head
	} // else: the client's own catch-up (the latest 50) comes as news
	cl, err := newClient(u, c, env, false, from, t.onChange)
	if err != nil {
		return err
	}
	stop := runUntil(ctx, cl)
	<-ctx.Done()
	stop()
	return nil
}

// tailer prints what the client reports, once each.
type tailer struct {
	mu    sync.Mutex
	p     *printer
	names map[int64]string // message seq → name, for edits and deletes
}

// latest prints the last n messages through the HTTP API and returns the
// head to follow from.
func (t *tailer) latest(ctx context.Context, u BoardURL, n int) (int64, error) {
	if n == 0 {
		n = 1 // the head is all we need; the message is not printed
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/boards/%s/messages?limit=%d", u.Origin, u.Board, n), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, errors.New(resp.Status)
	}
	var page struct {
		Messages []protocol.ServerFrame
		Head     int64
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return 0, err
	}
	if len(page.Messages) > n {
		page.Messages = page.Messages[len(page.Messages)-n:]
	}
	for _, f := range page.Messages {
		if n > 0 {
			t.print(f)
		}
	}
	return page.Head, nil
}

func (t *tailer) onChange(ch client.Change) {
	for _, f := range ch.News {
		t.print(f)
	}
}

func (t *tailer) print(f protocol.ServerFrame) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f.Type == protocol.TypeMessage {
		t.names[f.Seq] = displayName(f.Name, f.Author)
	}
	t.p.frame(f, t.names)
}
