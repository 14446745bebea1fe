-- A board's counter row: its head, advanced in the transaction that
-- inserts its events. Locking it (in name order) serialises appenders of
-- one board across nodes, and is what keeps seqs gap-free.
CREATE TABLE boards (
	name TEXT   PRIMARY KEY,
	head BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE messages (
	board     TEXT    NOT NULL,
	seq       BIGINT  NOT NULL,
	client_id TEXT    NOT NULL,
	author    TEXT    NOT NULL,
	name      TEXT    NOT NULL,
	text      TEXT    NOT NULL,
	at        BIGINT  NOT NULL, -- Unix milliseconds, as in SQLite
	edited_at BIGINT  NOT NULL DEFAULT 0,
	deleted   BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (board, seq)
);
CREATE UNIQUE INDEX messages_idempotent ON messages (board, author, client_id);

-- The log: a post's event is its row in messages (same seq); edits and
-- deletes are rows here.
CREATE TABLE events (
	board  TEXT     NOT NULL,
	seq    BIGINT   NOT NULL,
	kind   SMALLINT NOT NULL,
	target BIGINT   NOT NULL,
	text   TEXT     NOT NULL, -- an edit's text; blanked when its message is deleted
	at     BIGINT   NOT NULL,
	PRIMARY KEY (board, seq)
);
CREATE INDEX events_target ON events (board, target);
