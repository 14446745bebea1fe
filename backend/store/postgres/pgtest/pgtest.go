// Package pgtest gives each test a fresh PostgreSQL database of its own,
// dropped when the test ends, so that packages running in parallel on the
// one server never see each other's data.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultAdminURL is the role scripts/services makes: it may create
// databases, and nothing else.
const DefaultAdminURL = "postgres://liveboard:liveboard@127.0.0.1:5432/postgres?sslmode=disable"

// AdminURL is LIVEBOARD_TEST_POSTGRES, or DefaultAdminURL.
func AdminURL() string {
	if u := os.Getenv("LIVEBOARD_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// Database creates an empty database and returns its URL. A missing
// server fails the test: `go tool task services` installs and starts one.
func Database(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("PostgreSQL is not reachable as the test role (%v); run `go tool task services`, or set LIVEBOARD_TEST_POSTGRES", err)
	}
	defer admin.Close(ctx)
	name := "lbtest_" + randomHex(8)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CutConnections terminates the backends of the database at dbURL every
// 100 ms until done, as a failover or a network cut would, and returns how
// many it cut. Only that database: the server is shared with other
// packages' tests, so it is never restarted.
func CutConnections(t testing.TB, dbURL string, done <-chan struct{}, onCut func(total int)) int {
	t.Helper()
	ctx := context.Background()
	killer, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close(ctx)
	cuts := 0
	for {
		select {
		case <-done:
			return cuts
		case <-time.After(100 * time.Millisecond):
			n := endSessions(t, killer)
			cuts += n
			if n > 0 && onCut != nil {
				onCut(cuts)
			}
		}
	}
}

// EndSessions terminates, once, every session on the database at dbURL
// but its own, as a restart would, and returns how many.
func EndSessions(t testing.TB, dbURL string) int {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	return endSessions(t, c)
}

func endSessions(t testing.TB, c *pgx.Conn) int {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
