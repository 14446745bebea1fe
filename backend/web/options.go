package web

import (
	"log/slog"

	"liveboard/backend/board"
	"liveboard/backend/session"
)

// Deps are what every endpoint of this package needs.
type Deps struct {
	Service  *board.Service
	Sessions *session.Registry
	// AllowOrigins are origin host patterns accepted besides the page's own
	// (coder/websocket's OriginPatterns). Empty: same origin only.
	AllowOrigins []string
	Proxies      Proxies
	Logger       *slog.Logger
}

func (d *Deps) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}
