package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validation errors. board.ErrorCode maps each to the protocol's error code.
var (
	ErrEmpty     = errors.New("text is empty")
	ErrTooLong   = errors.New("text is longer than 4000 characters")
	ErrBadText   = errors.New("text is not valid UTF-8 or holds a NUL")
	ErrBadName   = errors.New("name must be 1 to 32 characters, with no control characters")
	ErrBadID     = errors.New("id must be 1 to 64 characters")
	ErrBadToken  = errors.New("token must be 16 to 128 characters")
	ErrBadBoard  = errors.New("board name must be 1 to 64 of a-z 0-9 - _")
	ErrBadLimit  = errors.New("limit must be 1 to 200")
	ErrBadSeq    = errors.New("seq must be positive")
	ErrBadAuthor = errors.New("author must be the 16 hex digits of an author id")
)

// ValidBoard reports whether name is a board name: 1–64 of a-z 0-9 - _.
func ValidBoard(name string) bool {
	if name == "" || len(name) > MaxBoardLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NormalizeText trims surrounding white space, turns CRLF and lone CR into
// LF, and checks the length in code points.
func NormalizeText(s string) (string, error) {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return "", ErrBadText
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", ErrEmpty
	case n > MaxTextRunes:
		return "", ErrTooLong
	}
	return s, nil
}

// NormalizeName trims a nickname and checks it: 1–32 code points, no
// control characters. An empty name is returned as "" without error: the
// caller falls back to the author's default.
func NormalizeName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxNameRunes {
		return "", ErrBadName
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", ErrBadName
		}
	}
	return s, nil
}

// ValidID checks a client-chosen post id.
func ValidID(id string) error {
	if id == "" || len(id) > MaxIDLen || !utf8.ValidString(id) {
		return ErrBadID
	}
	return nil
}

// ValidToken checks a client's secret token.
func ValidToken(token string) error {
	if n := utf8.RuneCountInString(token); n < MinTokenLen || n > MaxTokenLen {
		return ErrBadToken
	}
	return nil
}

// AuthorID derives the public author id from a secret token. It is a
// hash, so the id shows who wrote what without revealing the token.
func AuthorID(token string) string {
	sum := sha256.Sum256([]byte("liveboard author\x00" + token))
	return hex.EncodeToString(sum[:8])
}

// ValidAuthor reports whether s has the shape of an AuthorID.
func ValidAuthor(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// DefaultName is the name of an author who gave none.
func DefaultName(author string) string {
	return "guest-" + author[:min(4, len(author))]
}
