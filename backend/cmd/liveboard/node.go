package main

import (
	"context"
	"log/slog"
	"net/http"

	"liveboard/backend/board"
	"liveboard/backend/health"
	"liveboard/backend/http1"
	"liveboard/backend/metrics"
	"liveboard/backend/session"
	"liveboard/backend/web"
	"liveboard/shared/protocol"
)

// node is one server's parts, wired from its config: the store and the
// broker behind the board's service, the sessions and sockets in front
// of it, the readiness checks, and the HTTP server that carries them.
// run builds one, serves it and closes it.
type node struct {
	cfg         config
	log         *slog.Logger
	meter       *metrics.Metrics
	store       board.Store
	closeBroker func()
	sessions    *session.Registry
	sockets     *web.Sockets
	ready       *health.Checker
	srv         *http1.Server
}

// newNode wires a node. On an error, what it opened is closed again.
func newNode(ctx context.Context, cfg config, log *slog.Logger) (*node, error) {
	n := &node{cfg: cfg, log: log}
	n.meter = metrics.New(func() int {
		if n.srv == nil { // the metrics may be read before the server is made
			return 0
		}
		return n.srv.OpenConns()
	})
	hub := board.NewHub() // this node's readers and presence
	svc := &board.Service{
		Presence:   hub,
		AdminToken: cfg.adminToken,
		Rate:       board.RateLimit{Burst: cfg.postBurst, Window: cfg.postWindow},
		Meter:      n.meter,
	}
	// Nothing commits before the server starts, so the hook may name svc
	// before its broker is set.
	store, err := openStore(ctx, cfg, svc.Publish, n.meter)
	if err != nil {
		return nil, err
	}
	broker, brokerChecks, closeBroker, err := openBroker(cfg, hub, store, n.meter, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	n.store, n.closeBroker = store, closeBroker
	svc.Store, svc.Broker = store, broker

	n.sessions = session.NewRegistry(svc, session.Options{SendQueue: cfg.sendQueue, Logger: log, Meter: n.meter})
	deps := &web.Deps{Service: svc, Sessions: n.sessions, AllowOrigins: cfg.allowOrigins, Proxies: cfg.trustedProxies, Logger: log}
	n.sockets = web.NewSockets(deps)
	n.sockets.HelloTimeout, n.sockets.PingInterval, n.sockets.PingTimeout = cfg.helloTimeout, cfg.pingInterval, cfg.pingTimeout
	n.ready = health.New(append([]health.Check{{Name: "store", Probe: func(ctx context.Context) error {
		_, err := store.Head(ctx, protocol.DefaultBoard)
		return err
	}}}, brokerChecks...)...)

	handler, err := n.handler(deps)
	if err != nil {
		n.close()
		return nil, err
	}
	n.srv = &http1.Server{Handler: handler, MaxConns: cfg.maxConns, Logger: log}
	n.srv.RegisterOnShutdown(n.sessions.Shutdown)
	n.srv.RegisterOnShutdown(n.sockets.Shutdown)
	return n, nil
}

// handler is every route, with the response counter and, if asked for,
// the access log around them.
func (n *node) handler(deps *web.Deps) (http.Handler, error) {
	var onMain http.Handler // /metrics on the main listener only with -metrics alone
	if n.cfg.metrics && n.cfg.metricsAddr == "" {
		onMain = n.meter.Handler()
	}
	handler, err := routes(deps, n.sockets, n.ready, onMain)
	if err != nil {
		return nil, err
	}
	handler = web.CountResponses(n.meter.Responded, handler)
	if n.cfg.accessLog {
		handler = web.AccessLog(n.log, handler)
	}
	return handler, nil
}

// close closes the broker, then the store: the broker's head checks read
// the store. It runs after the server has stopped, when every acked post
// is committed already.
func (n *node) close() {
	n.closeBroker()
	n.store.Close()
}
