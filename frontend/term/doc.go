// Package term is the board from a terminal: `liveboard post`, `tail` and
// `chat`. It drives shared/client, the same client logic as the browser
// (hello and resume, the outbox, the SSE fallback), over net/http; it only
// prints, reads lines, and draws the chat screen with Bubble Tea.
//
// Identity: a token is made once per server origin and kept in
// os.UserConfigDir()/liveboard/tokens.json (mode 0600), so the same person
// on the same machine can edit and delete their posts there, and no server
// learns the token used on another. -token-file overrides it. Unacked
// posts wait in outbox/ beside it, per origin and board, and go out the
// next time post or chat runs against that board.
package term
