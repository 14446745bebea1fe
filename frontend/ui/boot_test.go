package ui

import (
	"testing"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// A booted client's changes wait for the Board: their news are handed
// over by bind, in order, and every later change goes straight through.
func TestChangeRelayKeepsNewsUntilBoundThenForwards(t *testing.T) {
	r := &changeRelay{}
	r.send(client.Change{Status: client.StatusConnecting, News: []protocol.ServerFrame{{Type: protocol.TypeMessage, Seq: 1}}})
	r.send(client.Change{Status: client.StatusOnline, News: []protocol.ServerFrame{{Type: protocol.TypeError, Code: protocol.CodeTooLong}}})
	var got []client.Change
	before := r.bind(func(ch client.Change) { got = append(got, ch) })
	if len(before) != 2 || before[0].Seq != 1 || before[1].Code != protocol.CodeTooLong {
		t.Fatalf("news before bind: %+v", before)
	}
	if len(got) != 0 {
		t.Fatalf("changes before bind were forwarded: %+v", got)
	}
	r.send(client.Change{Status: client.StatusOnline, News: []protocol.ServerFrame{{Type: protocol.TypeMessage, Seq: 2}}})
	if len(got) != 1 || got[0].News[0].Seq != 2 {
		t.Fatalf("after bind: %+v", got)
	}
	if again := r.bind(func(client.Change) {}); len(again) != 0 {
		t.Fatalf("news handed over twice: %+v", again)
	}
}
