package term

import (
	"fmt"
	"net/url"
	"strings"

	"liveboard/shared/protocol"
)

// BoardURL is where a board lives: the server's origin and the board name.
type BoardURL struct {
	Origin string // http(s)://host[:port]
	Board  string
}

// ParseBoardURL reads http(s)://HOST[:PORT]/b/NAME.
func ParseBoardURL(s string) (BoardURL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return BoardURL{}, fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return BoardURL{}, fmt.Errorf("%q: the URL must start with http:// or https://", s)
	}
	if u.Host == "" || u.User != nil {
		return BoardURL{}, fmt.Errorf("%q: the URL needs a host, and no user", s)
	}
	name, ok := strings.CutPrefix(u.Path, "/b/")
	if !ok || !protocol.ValidBoard(name) {
		return BoardURL{}, fmt.Errorf("%q: a board URL looks like http://HOST:PORT/b/NAME, NAME being 1–64 of a-z 0-9 - _", s)
	}
	return BoardURL{Origin: u.Scheme + "://" + u.Host, Board: name}, nil
}
