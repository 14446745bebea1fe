package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/health"
	"liveboard/backend/http1"
	"liveboard/backend/metrics"
	"liveboard/backend/session"
	"liveboard/backend/web"
	"liveboard/shared/protocol"
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
	log := newLogger(cfg.logFormat, stderr)

	var srv *http1.Server // set below; the metrics read its connections
	meter := metrics.New(func() int {
		if srv == nil {
			return 0
		}
		return srv.OpenConns()
	})
	hub := board.NewHub() // this node's readers and presence
	svc := &board.Service{
		Presence:   hub,
		AdminToken: cfg.adminToken,
		Rate:       board.RateLimit{Burst: cfg.postBurst, Window: cfg.postWindow},
		Meter:      meter,
	}
	// Nothing commits before the server starts, so the hook may name svc
	// before its broker is set.
	store, err := openStore(ctx, cfg, svc.Publish, meter)
	if err != nil {
		return err
	}
	defer store.Close() // after the server: every acked post is committed already
	broker, brokerChecks, closeBroker, err := openBroker(cfg, hub, store, meter, log)
	if err != nil {
		return err
	}
	defer closeBroker() // before the store: its head checks read it
	svc.Store, svc.Broker = store, broker
	sessions := session.NewRegistry(svc, session.Options{SendQueue: cfg.sendQueue, Logger: log, Meter: meter})
	deps := &web.Deps{Service: svc, Sessions: sessions, AllowOrigins: cfg.allowOrigins, Proxies: cfg.trustedProxies, Logger: log}
	sockets := web.NewSockets(deps)
	sockets.HelloTimeout, sockets.PingInterval, sockets.PingTimeout = cfg.helloTimeout, cfg.pingInterval, cfg.pingTimeout

	ready := health.New(append([]health.Check{{Name: "store", Probe: func(ctx context.Context) error {
		_, err := store.Head(ctx, protocol.DefaultBoard)
		return err
	}}}, brokerChecks...)...)
	go ready.Run(ctx)
	var onMain http.Handler // /metrics on the main listener only with -metrics alone
	if cfg.metrics && cfg.metricsAddr == "" {
		onMain = meter.Handler()
	}
	handler, err := routes(deps, sockets, ready, onMain)
	if err != nil {
		return err
	}
	handler = web.CountResponses(meter.Responded, handler)
	if cfg.accessLog {
		handler = web.AccessLog(log, handler)
	}
	srv = &http1.Server{Handler: handler, MaxConns: cfg.maxConns, Logger: log}
	srv.RegisterOnShutdown(sessions.Shutdown)
	srv.RegisterOnShutdown(sockets.Shutdown)

	l, scheme, err := listen(cfg)
	if err != nil {
		return err
	}
	if cfg.metricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.metricsAddr, meter.Handler(), log)
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
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	if cfg.drainDelay > 0 {
		// /readyz says 503 while the node still serves, so that the load
		// balancer moves traffic away before the listener closes.
		ready.Drain()
		log.Info("draining", "for", cfg.drainDelay)
		time.Sleep(cfg.drainDelay)
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown incomplete", "err", err)
	}
	// Shutdown told the streams and sockets (RegisterOnShutdown) without
	// waiting for them; wait here, so that no socket appends to a closed
	// store.
	sessions.Shutdown()
	sockets.Shutdown()
	if err := <-served; !errors.Is(err, http1.ErrServerClosed) {
		return err
	}
	return nil
}
