package client

import (
	"context"
	"encoding/json"

	"liveboard/shared/protocol"
)

// wsLink is a WebSocket.
type wsLink struct {
	linkBase
	s Socket
}

// dialWebSocket opens /ws and says hello; frames flow from then on.
// There is no deadline on the dial: a timer elsewhere (WelcomeTimeout)
// gives up on it.
func dialWebSocket(ctx context.Context, p Platform, wsURL string, hello protocol.ClientFrame) (*wsLink, error) {
	ctx, cancel := context.WithCancel(ctx)
	s, err := p.DialWebSocket(ctx, wsURL)
	if err != nil {
		cancel()
		return nil, err
	}
	l := &wsLink{linkBase: newLinkBase(cancel), s: s}
	if err := l.send(hello); err != nil {
		l.close()
		return nil, err
	}
	go l.read(ctx)
	return l, nil
}

// adoptSocket makes a link of a socket that has already said hello.
func adoptSocket(ctx context.Context, s Socket) *wsLink {
	ctx, cancel := context.WithCancel(ctx)
	l := &wsLink{linkBase: newLinkBase(cancel), s: s}
	go l.read(ctx)
	return l
}

func (l *wsLink) transport() string { return TransportWebSocket }

func (l *wsLink) read(ctx context.Context) {
	defer l.end()
	for {
		b, err := l.s.Read(ctx)
		if err != nil || len(b) > protocol.MaxFrameBytes {
			return
		}
		if f, err := protocol.DecodeServerFrame(b); err == nil {
			l.push(f)
		}
	}
}

func (l *wsLink) send(f protocol.ClientFrame) error {
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
	defer cancel()
	err := l.s.Write(ctx, b)
	if err != nil {
		l.end()
	}
	return err
}

func (l *wsLink) post(o OutboxItem) {
	l.send(protocol.ClientFrame{Type: protocol.TypePost, ID: o.ID, Text: o.Text, Name: o.Name})
}
func (l *wsLink) edit(seq int64, text string) {
	l.send(protocol.ClientFrame{Type: protocol.TypeEdit, Seq: seq, Text: text})
}
func (l *wsLink) remove(seq int64) { l.send(protocol.ClientFrame{Type: protocol.TypeDelete, Seq: seq}) }
func (l *wsLink) history(before int64) {
	l.send(protocol.ClientFrame{Type: protocol.TypeHistory, Before: before, Limit: protocol.DefaultPageLimit})
}
func (l *wsLink) ping() { l.send(protocol.ClientFrame{Type: protocol.TypePing}) }

// close ends the link without waiting: a frozen peer would make a close
// handshake wait. In Wasm only 1000 and 3000–4999 may be sent.
func (l *wsLink) close() {
	l.end()
	go l.s.Close()
}
