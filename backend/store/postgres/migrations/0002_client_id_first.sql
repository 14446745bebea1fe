-- The idempotency index leads with the post id, as SQLite's does: ids
-- begin with the time they were made (protocol.NewID), so a batch's posts
-- land at the index's right edge instead of one page per author.
CREATE UNIQUE INDEX messages_by_client_id ON messages (board, client_id, author);
DROP INDEX messages_idempotent;
