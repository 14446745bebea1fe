package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"liveboard/backend/http1"
)

// listen opens the main listener, with TLS when configured.
func listen(cfg config) (net.Listener, string, error) {
	l, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, "", err
	}
	if cfg.tlsCert == "" {
		return l, "http", nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		l.Close()
		return nil, "", fmt.Errorf("TLS key pair: %w", err)
	}
	return http1.NewTLSListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), "https", nil
}

// serveMetrics serves /metrics alone on a second listener of our own
// server (-metrics-addr): behind a proxy every request comes from
// loopback, so only a separate address keeps it private.
func serveMetrics(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http1.Server{Handler: mux, MaxConns: 64, Logger: log}
	go srv.Serve(l)
	log.Info("metrics listening", "addr", l.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
