package postgres

import (
	"context"
	"testing"

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
		if n := pgtest.EndSessions(t, url); n == 0 {
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
		pgtest.EndSessions(t, url)
		if head, err := s.Head(ctx, "lobby"); err != nil || head != 1 {
			t.Fatalf("round %d: Head after the sessions ended: %d, %v", round, head, err)
		}
	}
}
