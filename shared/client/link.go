package client

import (
	"context"
	"errors"
	"strings"
	"sync"

	"liveboard/shared/protocol"
)

// Transport names, as the status element's data-transport shows them.
const (
	TransportWebSocket = "websocket"
	TransportSSE       = "sse"
)

// link is one open connection of either transport. Frames arrive on in,
// whether read from the wire or made from an HTTP answer, so the client
// applies them all in one place.
type link interface {
	transport() string
	frames() <-chan protocol.ServerFrame
	done() <-chan struct{} // closed when the link failed
	post(o OutboxItem)
	edit(seq int64, text string)
	remove(seq int64)
	history(before int64)
	ping()
	close()
}

// linkBase is what both links share: the frame channel and the end.
type linkBase struct {
	in      chan protocol.ServerFrame
	dead    chan struct{}
	endOnce sync.Once
	cancel  context.CancelFunc
}

func newLinkBase(cancel context.CancelFunc) linkBase {
	return linkBase{in: make(chan protocol.ServerFrame, 64), dead: make(chan struct{}), cancel: cancel}
}

func (b *linkBase) frames() <-chan protocol.ServerFrame { return b.in }
func (b *linkBase) done() <-chan struct{}               { return b.dead }

func (b *linkBase) end() {
	b.endOnce.Do(func() {
		close(b.dead)
		b.cancel()
	})
}

// push hands a frame to the client, unless the link is over.
func (b *linkBase) push(f protocol.ServerFrame) {
	select {
	case b.in <- f:
	case <-b.dead:
	}
}

// wsURLOf turns http(s)://host into ws(s)://host/ws?board=NAME.
func wsURLOf(base, boardName string) (string, error) {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + strings.TrimPrefix(base, "https://") + "/ws?board=" + boardName, nil
	case strings.HasPrefix(base, "http://"):
		return "ws://" + strings.TrimPrefix(base, "http://") + "/ws?board=" + boardName, nil
	}
	return "", errors.New("client: the base URL must be http:// or https://")
}
