package postgres

import (
	"context"
	"testing"

	"liveboard/backend/board"
	"liveboard/backend/board/storetest"
	"liveboard/backend/store/postgres/pgtest"
)

// The Store contract, as every adapter must keep it.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Storage {
		url := pgtest.Database(t)
		return func(onCommit func([]board.Event)) (board.Store, error) {
			return Open(context.Background(), url, Options{OnCommit: onCommit})
		}
	})
}
