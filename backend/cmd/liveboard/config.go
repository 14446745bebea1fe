package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/http1"
	"liveboard/backend/session"
	"liveboard/backend/web"
	"liveboard/shared/protocol"
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

	adminToken   string
	allowOrigins []string
	postBurst    int
	postWindow   time.Duration
	sendQueue    int

	trustedProxies web.Proxies
	helloTimeout   time.Duration
	pingInterval   time.Duration
	pingTimeout    time.Duration

	logFormat  string
	accessLog  bool
	drainDelay time.Duration

	metrics     bool
	metricsAddr string

	store        string // "" (SQLite in data) or postgres://…
	broker       string // "" (in process) or nats://…
	brokerPrefix string
}

// envNames maps each flag to its environment variable.
var envNames = map[string]string{
	"addr":         "LIVEBOARD_ADDR",
	"data":         "LIVEBOARD_DATA",
	"tls-cert":     "LIVEBOARD_TLS_CERT",
	"tls-key":      "LIVEBOARD_TLS_KEY",
	"max-conns":    "LIVEBOARD_MAX_CONNS",
	"admin-token":  "LIVEBOARD_ADMIN_TOKEN",
	"allow-origin": "LIVEBOARD_ALLOW_ORIGIN",
	"post-burst":   "LIVEBOARD_POST_BURST",
	"post-window":  "LIVEBOARD_POST_WINDOW",
	"send-queue":   "LIVEBOARD_SEND_QUEUE",

	"shutdown-timeout": "LIVEBOARD_SHUTDOWN_TIMEOUT",
	"trusted-proxy":    "LIVEBOARD_TRUSTED_PROXY",
	"hello-timeout":    "LIVEBOARD_HELLO_TIMEOUT",
	"ping-interval":    "LIVEBOARD_PING_INTERVAL",
	"ping-timeout":     "LIVEBOARD_PING_TIMEOUT",
	"log-format":       "LIVEBOARD_LOG_FORMAT",
	"access-log":       "LIVEBOARD_ACCESS_LOG",
	"drain-delay":      "LIVEBOARD_DRAIN_DELAY",
	"metrics":          "LIVEBOARD_METRICS",
	"metrics-addr":     "LIVEBOARD_METRICS_ADDR",
	"store":            "LIVEBOARD_STORE",
	"broker":           "LIVEBOARD_BROKER",
	"broker-prefix":    "LIVEBOARD_BROKER_PREFIX",
}

// parseConfig reads the flags, then the environment for every flag not
// given, and checks the result.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs, origins, proxies := c.flags(stderr)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := fromEnv(fs, getenv); err != nil {
		return c, err
	}
	for o := range strings.SplitSeq(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.allowOrigins = append(c.allowOrigins, o)
		}
	}
	var err error
	if c.trustedProxies, err = web.ParseProxies(*proxies); err != nil {
		return c, fmt.Errorf("-trusted-proxy: %w", err)
	}
	return c, c.check()
}

// flags defines every flag of serve on c; the two lists come back as the
// strings they are given in.
func (c *config) flags(stderr io.Writer) (fs *flag.FlagSet, origins, proxies *string) {
	fs = flag.NewFlagSet("liveboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.data, "data", "./data", "data directory (the SQLite database lives here)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with -tls-key, serve HTTPS")
	fs.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.IntVar(&c.maxConns, "max-conns", http1.DefaultMaxConns, "cap on open connections, WebSockets included")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown waits for requests in flight")
	fs.StringVar(&c.adminToken, "admin-token", "", "token whose holder may delete any message (never logged)")
	origins = fs.String("allow-origin", "", "comma-separated origin host patterns allowed besides the page's own (WebSocket)")
	fs.IntVar(&c.postBurst, "post-burst", board.DefaultPostBurst, "posts allowed per -post-window per author (an address gets 10 times as many)")
	fs.DurationVar(&c.postWindow, "post-window", board.DefaultPostWindow, "the window of -post-burst")
	fs.IntVar(&c.sendQueue, "send-queue", session.DefaultSendQueue, "frames that may wait for a slow reader (WebSocket or SSE) before it is closed")
	fs.StringVar(&c.logFormat, "log-format", "text", "log lines as text or json")
	fs.BoolVar(&c.accessLog, "access-log", false, "log one line per request (method, path without query, status, bytes, duration, remote)")
	fs.DurationVar(&c.drainDelay, "drain-delay", 0, "on SIGTERM, answer /readyz 503 for this long while still serving, then shut down")
	fs.BoolVar(&c.metrics, "metrics", false, "serve /metrics on the main listener (behind a proxy prefer -metrics-addr)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve /metrics on this second listener only, e.g. 127.0.0.1:9090")
	proxies = fs.String("trusted-proxy", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed")
	fs.DurationVar(&c.helloTimeout, "hello-timeout", protocol.HelloTimeout, "how long a new WebSocket may stay silent before hello (then 1008)")
	fs.DurationVar(&c.pingInterval, "ping-interval", board.PingInterval, "idle time after which a WebSocket is pinged (shorter than any proxy's idle timeout)")
	fs.DurationVar(&c.pingTimeout, "ping-timeout", board.PingTimeout, "how long a pinged WebSocket may stay silent before it is dropped")
	fs.StringVar(&c.store, "store", "", "empty: SQLite in -data; postgres://user:pass@host/db: PostgreSQL, shared by every node")
	fs.StringVar(&c.broker, "broker", "", "empty: in process; nats://host:4222: NATS, to fan out between nodes (needs -store postgres://)")
	fs.StringVar(&c.brokerPrefix, "broker-prefix", "liveboard", "NATS subject prefix; clusters sharing one NATS need different ones")
	fs.Usage = func() { usage(fs, stderr) }
	return fs, origins, proxies
}

// usage lists the subcommands, then every flag of serve with its
// environment variable.
func usage(fs *flag.FlagSet, stderr io.Writer) {
	printSubcommands(stderr)
	fmt.Fprintf(stderr, "Flags of serve; each can also be set from its environment variable:\n")
	fs.VisitAll(func(f *flag.Flag) {
		env := envNames[f.Name]
		if env != "" {
			env = " (env " + env + ")"
		}
		fmt.Fprintf(stderr, "  -%s%s\n    \t%s (default %q)\n", f.Name, env, f.Usage, f.DefValue)
	})
}

// fromEnv sets each flag not given on the command line from its
// environment variable, if that is set: flags win.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, env := range envNames {
		if v := getenv(env); v != "" && !set[name] {
			if err := fs.Set(name, v); err != nil {
				return fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	return nil
}

// check refuses settings that cannot work together, naming the flags.
func (c *config) check() error {
	if c.logFormat != "text" && c.logFormat != "json" {
		return fmt.Errorf("-log-format must be text or json, not %q", c.logFormat)
	}
	if c.drainDelay < 0 {
		return fmt.Errorf("-drain-delay must not be negative")
	}
	if c.helloTimeout <= 0 || c.pingInterval <= 0 || c.pingTimeout <= 0 {
		return fmt.Errorf("-hello-timeout, -ping-interval and -ping-timeout must be positive")
	}
	if c.postBurst < 1 || c.postWindow <= 0 || c.sendQueue < 1 {
		return fmt.Errorf("-post-burst, -post-window and -send-queue must be positive")
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return fmt.Errorf("-tls-cert and -tls-key go together")
	}
	if err := c.checkCluster(); err != nil {
		return err
	}
	if c.maxConns < 1 {
		return fmt.Errorf("-max-conns must be at least 1, not %s", strconv.Itoa(c.maxConns))
	}
	return nil
}
