package board

// Caller is who asks: the transport fills it from the connection or the
// request, and the service derives the author from it.
type Caller struct {
	// Token is the client's secret. The service checks it and derives the
	// public author id from it; it is never stored or logged.
	Token string
	// Anonymous marks a caller without a token (the classic form): its
	// posts are stored under AnonymousAuthor.
	Anonymous bool
	// Addr is the client's address, for the per-address rate limit (the
	// transport resolves trusted proxies first).
	Addr string
}

// AnonymousAuthor is the author of posts made without a token.
const AnonymousAuthor = "anonymous"

// Post asks for a new message. ID is the client's, so that a resend is
// never a second post.
type Post struct {
	Board string
	ID    string
	Name  string // empty: the author's default name
	Text  string
}

// Edit asks to replace the text of one's own message Seq.
type Edit struct {
	Board string
	Seq   int64
	Text  string
}

// Delete asks to turn message Seq into a tombstone: one's own, or any for
// the admin.
type Delete struct {
	Board string
	Seq   int64
}

// Page is a run of messages in their current state, oldest first, with
// the board's head when it was read.
type Page struct {
	Messages []Message
	Head     int64
	More     bool // History: older messages exist
}
