package natsbroker

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"time"

	"liveboard/backend/board"
)

// announcement is one node's readers of one board, on
// <prefix>.presence.<board>.
type announcement struct {
	Node   string            `json:"node"`
	Names  map[string]string `json:"names"` // author → name, at most board.MaxAnnouncedNames
	Online int               `json:"online"`
}

// nodeID names this process in announcements: the host, for operators,
// and random bytes, so that a restarted node is a new one.
func nodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// announce tells the other nodes this node's readers of a board: on every
// change (the Hub calls it), and every AnnounceEvery while there are any.
func (b *Broker) announce(boardName string) {
	names, online := b.hub.LocalPresence(boardName)
	data, err := json.Marshal(announcement{Node: b.node, Names: names, Online: online})
	if err != nil {
		return
	}
	b.nc.Publish(b.subject("presence", boardName), data)
}

func (b *Broker) announceAll() {
	for _, name := range b.hub.Boards() {
		if _, online := b.hub.LocalPresence(name); online > 0 {
			b.announce(name)
		}
	}
}

// heard records another node's announcement. A node heard for the first
// time gets this node's readers at once, rather than at the next period.
func (b *Broker) heard(boardName string, data []byte) {
	var a announcement
	if err := json.Unmarshal(data, &a); err != nil || a.Node == "" || a.Node == b.node {
		return
	}
	if len(a.Names) > board.MaxAnnouncedNames {
		return // not from a liveboard node
	}
	p := board.RemotePresence{Names: a.Names, Online: a.Online, Expires: time.Now().Add(PresenceTTL)}
	if b.hub.SetRemote(boardName, a.Node, p) {
		if _, online := b.hub.LocalPresence(boardName); online > 0 {
			b.announce(boardName)
		}
	}
}
