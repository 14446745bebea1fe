package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"liveboard/backend/store/postgres/pgtest"
)

// After PostgreSQL ends every session (a restart, a failover, an
// operator), the next reads still answer: before, each dead connection
// in the pool cost one reader an error (the API's 500).
func TestReadsAnswerAfterTheServerEndsEverySession(t *testing.T) {
	url := pgtest.Database(t)
	s := openNode(t, url, nil)
	ctx := context.Background()
	if _, _, err := s.Append(ctx, post("lobby", "a", "id-1")); err != nil {
		t.Fatal(err)
	}
	// Several reads at once, so the pool holds several idle connections.
	done := make(chan error)
	for range PoolConns {
		go func() { _, _, err := s.Latest(ctx, "lobby", 10); done <- err }()
	}
	for range PoolConns {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		if n := terminateSessions(t, url); n == 0 {
			t.Fatalf("round %d: no session ended: the test proves nothing", round)
		}
		for i := range 3 {
			ms, head, err := s.Latest(ctx, "lobby", 10)
			if err != nil || head != 1 || len(ms) != 1 || ms[0].ID != "id-1" {
				t.Fatalf("round %d, read %d after the sessions ended: %v, head %d, %d messages", round, i, err, head, len(ms))
			}
		}
		if round == 2 {
			break
		}
		terminateSessions(t, url)
		if head, err := s.Head(ctx, "lobby"); err != nil || head != 1 {
			t.Fatalf("round %d: Head after the sessions ended: %d, %v", round, head, err)
		}
	}
}

// terminateSessions ends every other session on url's database, as
// pg_terminate_backend does on a restart, and returns how many.
func terminateSessions(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
