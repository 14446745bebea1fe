package sqlite

import (
	"context"
	"slices"
	"testing"
)

// A database made before the idempotency index led with the client id
// gets the new index in place of the old one, and still answers a post
// it stored under the old index as a duplicate.
func TestOpenReplacesTheAuthorFirstIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _, err := s.Append(context.Background(), post("a1", "p-1", "before the upgrade"))
	if err != nil {
		t.Fatal(err)
	}
	// Back to the old layout, as an older liveboard left the file.
	if _, err := s.w.Exec(`DROP INDEX messages_by_client_id;
		CREATE UNIQUE INDEX messages_idempotent ON messages (board, author, client_id)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var indexes []string
	rows, err := s.w.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		indexes = append(indexes, name)
	}
	if rows.Close(); !slices.Equal(indexes, []string{"messages_by_client_id"}) {
		t.Fatalf("indexes on messages after the upgrade: %v, want only messages_by_client_id", indexes)
	}
	again, dup, err := s.Append(context.Background(), post("a1", "p-1", "before the upgrade"))
	if err != nil || !dup || again.Seq != first.Seq {
		t.Fatalf("the same post again: seq %d, duplicate %v, err %v; want seq %d, a duplicate", again.Seq, dup, err, first.Seq)
	}
	if next, dup, err := s.Append(context.Background(), post("a1", "p-2", "after")); err != nil || dup || next.Seq != first.Seq+1 {
		t.Fatalf("a new post: seq %d, duplicate %v, err %v; want seq %d", next.Seq, dup, err, first.Seq+1)
	}
}
