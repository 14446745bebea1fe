package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"

	"liveboard/backend/board"
	"liveboard/backend/broker/natsbroker"
	"liveboard/backend/health"
	"liveboard/backend/metrics"
	"liveboard/backend/store/postgres"
	"liveboard/backend/store/sqlite"
)

// The store and the broker, as -store and -broker choose them: SQLite and
// the in-process hub by default; PostgreSQL and NATS for a cluster.

var subjectToken = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkCluster refuses the combinations that cannot work.
func (c *config) checkCluster() error {
	if c.store != "" && !strings.HasPrefix(c.store, "postgres://") && !strings.HasPrefix(c.store, "postgresql://") {
		return fmt.Errorf("-store must be empty (SQLite in -data) or a postgres:// URL, not %s", redactURL(c.store))
	}
	if c.broker != "" && !strings.HasPrefix(c.broker, "nats://") {
		return fmt.Errorf("-broker must be empty (in process) or a nats:// URL, not %s", redactURL(c.broker))
	}
	if c.broker != "" && c.store == "" {
		return fmt.Errorf("-broker %s needs -store postgres://…: with SQLite each node keeps a log of its own, and NATS would join nodes whose logs disagree", redactURL(c.broker))
	}
	if !subjectToken.MatchString(c.brokerPrefix) {
		return fmt.Errorf("-broker-prefix must be letters, digits, _ or -, not %q", c.brokerPrefix)
	}
	return nil
}

// redactURL is a URL fit for a log line: without its password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// openStore opens the configured store with onCommit as its hook.
func openStore(ctx context.Context, cfg config, onCommit func([]board.Event), meter board.Meter) (board.Store, error) {
	if cfg.store == "" {
		if err := os.MkdirAll(cfg.data, 0o755); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		return sqlite.Open(cfg.data, sqlite.Options{OnCommit: onCommit, Meter: meter})
	}
	return postgres.Open(ctx, cfg.store, postgres.Options{OnCommit: onCommit, Meter: meter})
}

// openBroker is the hub itself on one node, or NATS in front of it; the
// checks are what /readyz adds for it.
func openBroker(cfg config, hub *board.Hub, store board.Store, meter *metrics.Metrics, log *slog.Logger) (board.Broker, []health.Check, func(), error) {
	if cfg.broker == "" {
		return hub, nil, func() {}, nil
	}
	b, err := natsbroker.Connect(cfg.broker, natsbroker.Options{
		Prefix: cfg.brokerPrefix,
		Hub:    hub,
		Head:   store.Head,
		Events: store.Events,
		Logger: log,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	meter.Broker(b.Stats)
	check := health.Check{Name: "broker", Probe: func(context.Context) error { return b.Connected() }}
	return b, []health.Check{check}, b.Close, nil
}

// storeName and brokerName say what serves, for the log: URLs without
// their passwords.
func storeName(cfg config) string {
	if cfg.store == "" {
		return "sqlite " + cfg.data
	}
	return redactURL(cfg.store)
}

func brokerName(cfg config) string {
	if cfg.broker == "" {
		return "in process"
	}
	return redactURL(cfg.broker) + " prefix " + cfg.brokerPrefix
}
