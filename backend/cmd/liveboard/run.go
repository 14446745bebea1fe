package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"liveboard/backend/http1"
)

// run starts the server and blocks until ctx ends, then shuts down
// gracefully. Tests call it in-process with their own args and env.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := newNode(ctx, cfg, newLogger(cfg.logFormat, stderr))
	if err != nil {
		return err
	}
	defer n.close()
	return n.serve(ctx, stdout)
}

// serve listens, announces the address and serves until ctx ends; then
// it drains, if asked to, and shuts down.
func (n *node) serve(ctx context.Context, stdout io.Writer) error {
	cfg, log := n.cfg, n.log
	go n.ready.Run(ctx)
	l, scheme, err := listen(cfg)
	if err != nil {
		return err
	}
	if cfg.metricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.metricsAddr, n.meter.Handler(), log)
		if err != nil {
			l.Close()
			return err
		}
		defer stopMetrics()
	}
	// The first line of stdout is the address: tests started on port 0 read it.
	fmt.Fprintf(stdout, "liveboard listening on %s://%s\n", scheme, l.Addr())
	log.Info("listening", "addr", l.Addr().String(), "store", storeName(cfg), "broker", brokerName(cfg), "tls", cfg.tlsCert != "")

	go freeMemoryOnSIGUSR1(ctx, log)

	served := make(chan error, 1)
	go func() { served <- n.srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	return n.shutdown(served)
}

// shutdown drains, if asked to, then stops the server and waits for its
// streams and sockets.
func (n *node) shutdown(served <-chan error) error {
	if n.cfg.drainDelay > 0 {
		// /readyz says 503 while the node still serves, so that the load
		// balancer moves traffic away before the listener closes.
		n.ready.Drain()
		n.log.Info("draining", "for", n.cfg.drainDelay)
		time.Sleep(n.cfg.drainDelay)
	}
	n.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), n.cfg.shutdown)
	defer cancel()
	if err := n.srv.Shutdown(sctx); err != nil {
		n.log.Warn("shutdown incomplete", "err", err)
	}
	// Shutdown told the streams and sockets (RegisterOnShutdown) without
	// waiting for them; wait here, so that no socket appends to a closed
	// store.
	n.sessions.Shutdown()
	n.sockets.Shutdown()
	if err := <-served; !errors.Is(err, http1.ErrServerClosed) {
		return err
	}
	return nil
}
