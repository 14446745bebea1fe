package protocol

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// The shape of the ids NewID makes: prefix, the time in milliseconds as
// idTimeDigits hex digits (enough until the year 10889), "-", and
// idRandomChars characters of base32 from the CSPRNG (80 bits: an id
// need only be unique among one author's posts to one board).
const (
	idTimeDigits  = 12
	idRandomChars = 16
)

// NewID makes a post id that sorts by the time it was made. The stores'
// idempotency index leads with the id, so new posts from every author go
// to its right edge: a commit then writes one or two index pages instead
// of one per author (backend/store/sqlite's schema says what that saves).
func NewID(prefix string) string { return newIDAt(prefix, time.Now()) }

func newIDAt(prefix string, at time.Time) string {
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	return prefix + hex.EncodeToString(ms[8-idTimeDigits/2:]) + "-" + rand.Text()[:idRandomChars]
}
