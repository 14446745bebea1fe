package board

import (
	"context"
	"crypto/subtle"
	"errors"

	"liveboard/shared/protocol"
)

// Service carries out what clients ask of a board, whatever the transport
// (WebSocket, HTTP API, form): it validates, stores, and lets the broker
// fan out what was stored.
type Service struct {
	Store      Store
	Broker     Broker
	Presence   *Hub
	AdminToken string // may delete any message; never logged
	Rate       RateLimit
}

// Publish is the store's OnCommit: each event goes to the broker once,
// encoded once, in seq order.
func (s *Service) Publish(events []Event) {
	for _, ev := range events {
		s.Broker.Publish(ev.Board, ev.Seq, Encode(EventFrame(ev)))
	}
}

// Identify derives the author id from a token, and says whether the token
// is the admin's.
func (s *Service) Identify(token string) (author string, admin bool) {
	admin = s.AdminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.AdminToken)) == 1
	return protocol.AuthorID(token), admin
}

// Post stores a post. The text is normalized first; a repeated id from the
// same author returns the original seq with duplicate=true.
func (s *Service) Post(ctx context.Context, board, author, name, id, text string) (seq int64, duplicate bool, err error) {
	if err := protocol.ValidID(id); err != nil {
		return 0, false, err
	}
	if text, err = protocol.NormalizeText(text); err != nil {
		return 0, false, err
	}
	if name == "" {
		name = protocol.DefaultName(author)
	}
	ev, dup, err := s.Store.Append(ctx, Command{Board: board, Kind: KindPost, Author: author, ID: id, Name: name, Text: text, At: now()})
	return ev.Seq, dup, err
}

// Edit replaces the text of the author's own message.
func (s *Service) Edit(ctx context.Context, board, author string, target int64, text string) error {
	if target <= 0 {
		return protocol.ErrBadSeq
	}
	text, err := protocol.NormalizeText(text)
	if err != nil {
		return err
	}
	_, _, err = s.Store.Append(ctx, Command{Board: board, Kind: KindEdit, Author: author, Target: target, Text: text, At: now()})
	return err
}

// Delete turns a message into a tombstone: the author's own, or any for
// the admin.
func (s *Service) Delete(ctx context.Context, board, author string, admin bool, target int64) error {
	if target <= 0 {
		return protocol.ErrBadSeq
	}
	_, _, err := s.Store.Append(ctx, Command{Board: board, Kind: KindDelete, Author: author, Admin: admin, Target: target, At: now()})
	return err
}

// ErrorCode maps an error of the service to the protocol's error code, and
// reports false for errors that are the server's fault.
func ErrorCode(err error) (string, bool) {
	switch {
	case errors.Is(err, ErrNotFound):
		return protocol.CodeNotFound, true
	case errors.Is(err, ErrForbidden):
		return protocol.CodeForbidden, true
	case errors.Is(err, protocol.ErrTooLong):
		return protocol.CodeTooLong, true
	case errors.Is(err, protocol.ErrEmpty), errors.Is(err, protocol.ErrBadText), errors.Is(err, protocol.ErrBadName),
		errors.Is(err, protocol.ErrBadID), errors.Is(err, protocol.ErrBadToken), errors.Is(err, protocol.ErrBadBoard),
		errors.Is(err, protocol.ErrBadLimit), errors.Is(err, protocol.ErrBadSeq):
		return protocol.CodeBadRequest, true
	}
	return "", false
}
