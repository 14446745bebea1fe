// Package health answers the probes of an orchestrator or a load
// balancer: /livez while the process runs, /readyz while this node should
// get traffic. Readiness is state refreshed every RefreshEvery by the
// checks, so a probe does no I/O and writes no log line.
package health

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The limits of the checker.
const (
	// RefreshEvery is how often the checks run.
	RefreshEvery = time.Second
	// CheckTimeout bounds one check.
	CheckTimeout = 2 * time.Second
)

// Check is one condition of readiness: Probe returns nil when it holds.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Checker keeps the last result of its checks.
type Checker struct {
	checks   []Check
	draining atomic.Bool

	mu      sync.Mutex
	failing []string // "name: error", in the order of checks
	checked bool
}

// New makes a checker; Run starts its refreshing.
func New(checks ...Check) *Checker { return &Checker{checks: checks} }

// Run refreshes the state until ctx ends.
func (c *Checker) Run(ctx context.Context) {
	t := time.NewTicker(RefreshEvery)
	defer t.Stop()
	for {
		c.refresh(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (c *Checker) refresh(ctx context.Context) {
	var failing []string
	for _, ch := range c.checks {
		cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
		if err := ch.Probe(cctx); err != nil {
			failing = append(failing, ch.Name+": "+err.Error())
		}
		cancel()
	}
	c.mu.Lock()
	c.failing, c.checked = failing, true
	c.mu.Unlock()
}

// Drain makes /readyz answer 503 from now on, while the node still serves:
// the load balancer takes it out before it stops.
func (c *Checker) Drain() { c.draining.Store(true) }

// Ready reports whether the node should get traffic, and why not.
func (c *Checker) Ready() (bool, []string) {
	c.mu.Lock()
	failing, checked := append([]string(nil), c.failing...), c.checked
	c.mu.Unlock()
	if !checked {
		failing = append(failing, "starting: not checked yet")
	}
	if c.draining.Load() {
		failing = append(failing, "draining: shutting down")
	}
	return len(failing) == 0, failing
}

// Livez answers 200 "ok" while the process runs.
func Livez() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { plain(w, http.StatusOK, "ok\n") })
}

// Readyz answers 200 "ok", or 503 with the failing checks, one a line.
func (c *Checker) Readyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if ok, failing := c.Ready(); !ok {
			plain(w, http.StatusServiceUnavailable, strings.Join(failing, "\n")+"\n")
			return
		}
		plain(w, http.StatusOK, "ok\n")
	})
}

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(body))
}
