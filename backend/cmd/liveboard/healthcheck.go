package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthcheckTimeout bounds `liveboard healthcheck`.
const healthcheckTimeout = 5 * time.Second

// healthcheck is `liveboard healthcheck URL`: exit 0 when URL (a
// /readyz or /livez) answers 200. It is the container's HEALTHCHECK, which
// has no curl.
func healthcheck(ctx context.Context, args []string, c cli) int {
	if len(args) != 1 {
		fmt.Fprintln(c.stderr, "Usage: liveboard healthcheck URL   (for example http://127.0.0.1:8080/readyz)")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", args[0], nil)
	if err != nil {
		fmt.Fprintln(c.stderr, "liveboard healthcheck:", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(c.stderr, "liveboard healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(c.stderr, "liveboard healthcheck: %s: %s", resp.Status, body)
		return 1
	}
	return 0
}
