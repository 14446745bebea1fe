package board

import (
	"context"
	"crypto/subtle"
	"time"

	"liveboard/shared/protocol"
)

// Service is the one door to the boards: every transport (WebSocket, SSE
// and the HTTP API, the classic form) goes through it. It validates names,
// tokens, ids and text, applies the rate limits, stores, serves the reads,
// and lets the broker fan out what was stored. Transports only frame.
type Service struct {
	Store      Store
	Broker     Broker
	Presence   *Hub
	AdminToken string // may delete any message; never logged
	// Rate limits posts per author; each address gets AddrRateFactor times
	// as much, so that a crowd behind one NAT still gets through while one
	// address minting tokens does not.
	Rate RateLimit
	// Meter counts what is stored and refused (nil: nothing).
	Meter Meter

	authors Buckets
	addrs   Buckets
}

// Publish is the store's OnCommit: each event goes to the broker once,
// encoded once, in seq order.
func (s *Service) Publish(events []Event) {
	m := MeterOr(s.Meter)
	at := time.Now()
	for _, ev := range events {
		frame := Encode(EventFrame(ev))
		m.Stored(ev.Kind)
		m.Published(frame, at)
		s.Broker.Publish(ev.Board, ev.Seq, frame)
	}
}

// Identify checks the caller's token and derives the public author id, and
// says whether the token is the admin's.
func (s *Service) Identify(c Caller) (author string, admin bool, err error) {
	if c.Anonymous {
		return AnonymousAuthor, false, nil
	}
	if err := protocol.ValidToken(c.Token); err != nil {
		return "", false, err
	}
	admin = s.AdminToken != "" && subtle.ConstantTimeCompare([]byte(c.Token), []byte(s.AdminToken)) == 1
	return protocol.AuthorID(c.Token), admin, nil
}

// Identity is who a reader is, as welcome and presence show it.
type Identity struct {
	Author string
	Admin  bool
	Name   string // normalized; the author's default when none was given
}

// Identify checks a caller and the name it asks for.
func (s *Service) IdentifyNamed(c Caller, name string) (Identity, error) {
	author, admin, err := s.Identify(c)
	if err != nil {
		return Identity{}, err
	}
	return named(author, admin, name)
}

// PublicIdentity is a reader known only by its public author id (SSE,
// where no token travels in a URL); empty author means nobody in
// particular.
func (s *Service) PublicIdentity(author, name string) (Identity, error) {
	if author == "" {
		return Identity{}, nil
	}
	if !protocol.ValidAuthor(author) {
		return Identity{}, protocol.ErrBadAuthor
	}
	return named(author, false, name)
}

func named(author string, admin bool, name string) (Identity, error) {
	name, err := protocol.NormalizeName(name)
	if err != nil {
		return Identity{}, err
	}
	if name == "" {
		name = protocol.DefaultName(author)
	}
	return Identity{Author: author, Admin: admin, Name: name}, nil
}

// Post stores a post, once per id: a repeated id from the same author
// returns the original event with duplicate=true. The event's message
// carries the name as stored.
func (s *Service) Post(ctx context.Context, c Caller, p Post) (ev Event, duplicate bool, err error) {
	if !protocol.ValidBoard(p.Board) {
		return ev, false, protocol.ErrBadBoard
	}
	author, _, err := s.Identify(c)
	if err != nil {
		return ev, false, err
	}
	if err := s.allow(author, c.Addr); err != nil {
		return ev, false, err
	}
	if err := protocol.ValidID(p.ID); err != nil {
		return ev, false, err
	}
	id, err := named(author, false, p.Name)
	if err != nil {
		return ev, false, err
	}
	text, err := protocol.NormalizeText(p.Text)
	if err != nil {
		return ev, false, err
	}
	return s.Store.Append(ctx, Command{Board: p.Board, Kind: KindPost, Author: author, ID: p.ID, Name: id.Name, Text: text, At: now()})
}

// Edit replaces the text of the caller's own message, and returns the
// edit's seq.
func (s *Service) Edit(ctx context.Context, c Caller, e Edit) (int64, error) {
	author, _, err := s.target(c, e.Board, e.Seq)
	if err != nil {
		return 0, err
	}
	text, err := protocol.NormalizeText(e.Text)
	if err != nil {
		return 0, err
	}
	ev, _, err := s.Store.Append(ctx, Command{Board: e.Board, Kind: KindEdit, Author: author, Target: e.Seq, Text: text, At: now()})
	return ev.Seq, err
}

// Delete turns a message into a tombstone, and returns the delete's seq.
func (s *Service) Delete(ctx context.Context, c Caller, d Delete) (int64, error) {
	author, admin, err := s.target(c, d.Board, d.Seq)
	if err != nil {
		return 0, err
	}
	ev, _, err := s.Store.Append(ctx, Command{Board: d.Board, Kind: KindDelete, Author: author, Admin: admin, Target: d.Seq, At: now()})
	return ev.Seq, err
}

// target checks what an edit or delete names.
func (s *Service) target(c Caller, board string, seq int64) (author string, admin bool, err error) {
	if !protocol.ValidBoard(board) {
		return "", false, protocol.ErrBadBoard
	}
	if c.Anonymous {
		return "", false, ErrForbidden // nobody owns an anonymous post
	}
	if seq <= 0 {
		return "", false, protocol.ErrBadSeq
	}
	return s.Identify(c)
}

// allow takes a token from the author's bucket and the address's.
func (s *Service) allow(author, addr string) error {
	rate := s.rate()
	t := time.Now()
	if ok, wait := s.authors.Allow(author, rate, t); !ok {
		MeterOr(s.Meter).RateLimited()
		return &RateLimitedError{RetryAfter: wait}
	}
	if addr != "" {
		if ok, wait := s.addrs.Allow(addr, rate.scaled(AddrRateFactor), t); !ok {
			MeterOr(s.Meter).RateLimited()
			return &RateLimitedError{RetryAfter: wait}
		}
	}
	return nil
}

func (s *Service) rate() RateLimit {
	if s.Rate.Burst < 1 || s.Rate.Window <= 0 {
		return DefaultRateLimit
	}
	return s.Rate
}

// Latest is the newest limit messages in their current state.
func (s *Service) Latest(ctx context.Context, board string, limit int) (Page, error) {
	if err := checkRead(board, limit); err != nil {
		return Page{}, err
	}
	msgs, head, err := s.Store.Latest(ctx, board, limit)
	return Page{Messages: msgs, Head: head}, err
}

// After is up to limit messages with seq > after.
func (s *Service) After(ctx context.Context, board string, after int64, limit int) (Page, error) {
	if err := checkRead(board, limit); err != nil {
		return Page{}, err
	}
	if after < 0 {
		return Page{}, protocol.ErrBadSeq
	}
	msgs, head, err := s.Store.After(ctx, board, after, limit)
	return Page{Messages: msgs, Head: head}, err
}

// History is up to limit messages with seq < before (0: the newest page),
// and whether older ones exist.
func (s *Service) History(ctx context.Context, board string, before int64, limit int) (Page, error) {
	if err := checkRead(board, limit); err != nil {
		return Page{}, err
	}
	if before < 0 {
		return Page{}, protocol.ErrBadSeq
	}
	if before == 0 {
		before = 1 << 62
	}
	msgs, more, err := s.Store.Before(ctx, board, before, limit)
	return Page{Messages: msgs, More: more}, err
}

func checkRead(board string, limit int) error {
	if !protocol.ValidBoard(board) {
		return protocol.ErrBadBoard
	}
	if limit < 1 || limit > protocol.MaxHistoryLimit {
		return protocol.ErrBadLimit
	}
	return nil
}
