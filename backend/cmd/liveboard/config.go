package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"liveboard/backend/http1"
)

// config is every setting, each from a flag or else its environment
// variable (flags win).
type config struct {
	addr     string
	data     string
	tlsCert  string
	tlsKey   string
	maxConns int
	shutdown time.Duration
}

// envNames maps each flag to its environment variable.
var envNames = map[string]string{
	"addr":      "LIVEBOARD_ADDR",
	"data":      "LIVEBOARD_DATA",
	"tls-cert":  "LIVEBOARD_TLS_CERT",
	"tls-key":   "LIVEBOARD_TLS_KEY",
	"max-conns": "LIVEBOARD_MAX_CONNS",
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("liveboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.data, "data", "./data", "data directory (the SQLite database lives here)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with -tls-key, serve HTTPS")
	fs.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.IntVar(&c.maxConns, "max-conns", http1.DefaultMaxConns, "cap on open connections, WebSockets included")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown waits for requests in flight")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: liveboard [flags]\n\nEach flag can also be set from its environment variable:\n")
		fs.VisitAll(func(f *flag.Flag) {
			env := envNames[f.Name]
			if env != "" {
				env = " (env " + env + ")"
			}
			fmt.Fprintf(stderr, "  -%s%s\n    \t%s (default %q)\n", f.Name, env, f.Usage, f.DefValue)
		})
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, env := range envNames {
		if v := getenv(env); v != "" && !set[name] {
			if err := fs.Set(name, v); err != nil {
				return c, fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, fmt.Errorf("-tls-cert and -tls-key go together")
	}
	if c.maxConns < 1 {
		return c, fmt.Errorf("-max-conns must be at least 1, not %s", strconv.Itoa(c.maxConns))
	}
	return c, nil
}
