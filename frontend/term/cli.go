package term

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"liveboard/shared/client"
	"liveboard/shared/client/nethttp"
)

// Env is what a subcommand gets from main.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdoutIsTerminal selects chat's screen; off, chat prints like tail.
	StdoutIsTerminal bool
	Getenv           func(string) string
	// WelcomeTimeout and WebSocketRetry shorten the client's windows (tests).
	WelcomeTimeout, WebSocketRetry time.Duration
}

// common are the flags every subcommand shares.
type common struct {
	name      string
	tokenFile string
}

func (c *common) register(fs *flag.FlagSet, withName bool) {
	if withName {
		fs.StringVar(&c.name, "name", "", "the name your posts carry")
	}
	fs.StringVar(&c.tokenFile, "token-file", "", "a file holding your token (default: one per server, kept in the config dir)")
}

// usageError is a bad command line: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parse parses args and the board URL.
func parse(fs *flag.FlagSet, args []string, env Env) (BoardURL, []string, error) {
	fs.SetOutput(env.Stderr)
	if err := fs.Parse(args); err != nil {
		return BoardURL{}, nil, usageError{err.Error()}
	}
	if fs.NArg() < 1 {
		return BoardURL{}, nil, usageError{"a board URL is missing: http://HOST:PORT/b/NAME"}
	}
	u, err := ParseBoardURL(fs.Arg(0))
	if err != nil {
		return BoardURL{}, nil, usageError{err.Error()}
	}
	return u, fs.Args()[1:], nil
}

// newClient makes the board's client with this machine's identity.
func newClient(u BoardURL, c common, env Env, withOutbox bool, after *int64, onChange func(client.Change)) (*client.Client, error) {
	tok, err := Token(u.Origin, c.tokenFile)
	if err != nil {
		return nil, err
	}
	cfg := client.Config{
		Base: u.Origin, Board: u.Board, Token: tok, Name: c.name, After: after,
		Platform:       &nethttp.Platform{HTTP: &http.Client{}},
		WelcomeTimeout: env.WelcomeTimeout, WebSocketRetry: env.WebSocketRetry,
		OnChange: onChange,
	}
	if withOutbox {
		ob, err := newDiskOutbox(u.Origin)
		if err != nil {
			return nil, err
		}
		cfg.Outbox = ob
	}
	return client.New(cfg)
}

// exitCode turns a subcommand's error into its exit code and one line.
func exitCode(name string, err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "liveboard %s: %v\n", name, err)
	if _, ok := err.(usageError); ok {
		return ExitUsage
	}
	return ExitFailed
}

// runUntil runs the client until ctx ends, and waits for it to stop.
func runUntil(ctx context.Context, cl *client.Client) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { cl.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}
