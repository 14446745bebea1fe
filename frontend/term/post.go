package term

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// Post is `liveboard post [-name NAME] URL [TEXT...]`: TEXT as one post,
// or each line of standard input as one post, in order. It exits 0 once
// every post is acked (on disk), 1 at the first refused post or after
// -timeout without progress, 2 for a bad command line.
func Post(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("liveboard post", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	timeout := fs.Duration("timeout", DefaultTimeout, "give up after this long without a post acked")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: liveboard post [-name NAME] [-timeout 30s] [-token-file F] URL [TEXT...]\n\nPosts TEXT, or each line of standard input, to the board at URL (http://HOST:PORT/b/NAME).\nEvery post is acked (stored) before it exits 0; rate limits make it wait.")
		fs.PrintDefaults()
	}
	u, rest, err := parse(fs, args, env)
	if errors.Is(err, flag.ErrHelp) || (err != nil && strings.Contains(err.Error(), flag.ErrHelp.Error())) {
		return ExitOK
	}
	if err != nil {
		return exitCode("post", err, env.Stderr)
	}
	return exitCode("post", postAll(ctx, u, c, rest, *timeout, env), env.Stderr)
}

// poster feeds posts to the client, PostWindow at a time, and watches the
// acks and refusals.
type poster struct {
	cl      *client.Client
	changed chan struct{}
	refused chan string // the first refusal, said for people
}

func postAll(ctx context.Context, u BoardURL, c common, words []string, timeout time.Duration, env Env) error {
	p := &poster{changed: make(chan struct{}, 1), refused: make(chan string, 1)}
	cl, err := newClient(u, c, env, true, nil, p.onChange)
	if err != nil {
		return err
	}
	p.cl = cl
	stop := runUntil(ctx, cl)
	defer stop()

	defer cl.Flush()
	next := lineSource(words, env)
	line, fed, done := 0, 0, false
	progress := time.NewTimer(timeout)
	defer progress.Stop()
	for {
		// Refill the window by halves: one outbox write per half window.
		if pending := cl.Pending(); !done && pending <= PostWindow/2 {
			var batch []client.OutboxItem
			for !done && pending+len(batch) < PostWindow {
				text, ok, err := next()
				if err != nil {
					return err
				}
				if !ok {
					done = true
					break
				}
				line++
				if _, err := protocol.NormalizeText(text); errors.Is(err, protocol.ErrEmpty) {
					continue
				} else if err != nil {
					cl.PostAll(batch)
					return fmt.Errorf("line %d refused: %v (the %d posts before it are sent)", line, err, fed+len(batch))
				}
				batch = append(batch, client.OutboxItem{ID: client.NewPostID(), Text: text})
			}
			n, _ := cl.PostAll(batch)
			fed += n
		}
		if done && cl.Pending() == 0 {
			return nil
		}
		select {
		case <-p.changed:
		case msg := <-p.refused:
			return errors.New(msg)
		case <-progress.C:
			st, _ := cl.Status()
			return fmt.Errorf("no post acked for %v (the link is %s); %d posts wait in the outbox for the next run", timeout, st, cl.Pending())
		case <-ctx.Done():
			return fmt.Errorf("interrupted; %d posts wait in the outbox for the next run", cl.Pending())
		}
		if !progress.Stop() {
			select {
			case <-progress.C:
			default:
			}
		}
		progress.Reset(timeout)
	}
}

func (p *poster) onChange(ch client.Change) {
	for _, f := range ch.News {
		if f.Type == protocol.TypeError && f.ID != "" && f.Code != protocol.CodeRateLimited {
			select {
			case p.refused <- fmt.Sprintf("a post was refused: %s: %s", f.Code, f.Message):
			default:
			}
		}
	}
	if len(ch.News) > 0 {
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

// lineSource yields TEXT as one post, or else each line of standard input.
func lineSource(words []string, env Env) func() (string, bool, error) {
	if len(words) > 0 {
		sent := false
		return func() (string, bool, error) {
			if sent {
				return "", false, nil
			}
			sent = true
			return strings.Join(words, " "), true, nil
		}
	}
	sc := bufio.NewScanner(env.Stdin)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	return func() (string, bool, error) {
		if sc.Scan() {
			return sc.Text(), true, nil
		}
		return "", false, sc.Err()
	}
}
