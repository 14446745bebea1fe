package board

import (
	"encoding/json"
	"maps"
	"sort"
	"sync"
	"time"

	"liveboard/shared/protocol"
)

// Presence: who reads a board, as the Hub keeps it. This node's readers
// are counted per author (one author may have several tabs); on a cluster,
// each other node's readers arrive as a RemotePresence that expires unless
// renewed, so a node that vanishes drops out by itself.

type presence struct {
	name  string
	conns int
}

// RemotePresence is another node's readers of a board, as it announced them.
type RemotePresence struct {
	Names   map[string]string // author → name; at most MaxAnnouncedNames
	Online  int               // its distinct authors, listed or not
	Expires time.Time
}

// Join counts author as present on the board under name, until the
// returned function is called. Everyone on the board hears of it, at most
// once per PresenceInterval.
func (h *Hub) Join(board, author, name string) (leave func()) {
	h.mu.Lock()
	r := h.room(board)
	p := r.who[author]
	if p == nil {
		p = &presence{}
		r.who[author] = p
	}
	p.name = name
	p.conns++
	r.dirty = true
	h.schedulePresence(r)
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if p.conns--; p.conns == 0 {
				delete(r.who, author)
			}
			r.dirty = true
			h.schedulePresence(r)
		})
	}
}

// Rename changes the name author is listed under.
func (h *Hub) Rename(board, author, name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[board]; r != nil {
		if p := r.who[author]; p != nil && p.name != name {
			p.name = name
			r.dirty = true
			h.schedulePresence(r)
		}
	}
}

// PresenceFrame is the board's presence as last sent, encoded: at most
// PresenceInterval old, and a newer one is on its way when it changed
// since (see room.frame).
func (h *Hub) PresenceFrame(board string) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[board]
	if r != nil && r.frame != nil {
		return r.frame
	}
	return presenceFrame(r)
}

// PresenceNow is the board's presence as it stands, built afresh (and
// kept for joiners).
func (h *Hub) PresenceNow(board string) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return presenceFrame(h.rooms[board])
}

// presenceFrame builds the presence frame and keeps it in r.frame. It
// merges this node's readers with the other nodes': an author on two
// nodes counts once; authors a node did not list (past MaxAnnouncedNames)
// count as its own.
func presenceFrame(r *room) []byte {
	f := protocol.Presence{Type: protocol.TypePresence, Names: []string{}}
	if r != nil {
		names := make(map[string]string, len(r.who))
		for author, p := range r.who {
			names[author] = p.name
		}
		unlisted := 0
		for _, n := range r.nodes {
			maps.Copy(names, n.Names)
			unlisted += max(0, n.Online-len(n.Names))
		}
		f.Online = len(names) + unlisted
		for _, name := range names {
			f.Names = append(f.Names, name)
		}
		sort.Strings(f.Names)
		if len(f.Names) > protocol.MaxPresenceNames {
			f.Names = f.Names[:protocol.MaxPresenceNames]
		}
	}
	b, _ := json.Marshal(f)
	if r != nil {
		r.frame = b
	}
	return b
}

// schedulePresence arranges for one presence frame to go out, no sooner
// than PresenceInterval after the last. Called with h.mu held.
func (h *Hub) schedulePresence(r *room) {
	if r.timer != nil {
		return
	}
	wait := max(0, time.Until(r.last.Add(PresenceInterval)))
	r.timer = time.AfterFunc(wait, func() {
		h.mu.Lock()
		r.timer = nil
		r.last = time.Now()
		frame := presenceFrame(r)
		changed := r.dirty
		r.dirty = false
		h.dropIfEmpty(r)
		h.mu.Unlock()
		if changed && h.OnLocalPresence != nil {
			h.OnLocalPresence(r.name)
		}
		r.smu.RLock()
		for _, s := range r.subs {
			s.Deliver(0, frame)
		}
		r.smu.RUnlock()
	})
}

// LocalPresence is this node's readers of a board, for announcing: at most
// MaxAnnouncedNames names, and how many authors there are in all.
func (h *Hub) LocalPresence(board string) (names map[string]string, online int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	names = map[string]string{}
	r := h.rooms[board]
	if r == nil {
		return names, 0
	}
	for author, p := range r.who {
		if len(names) == MaxAnnouncedNames {
			break
		}
		names[author] = p.name
	}
	return names, len(r.who)
}

// SetRemote records another node's readers of a board that has readers
// here (it is ignored otherwise), and sends a presence frame if they
// changed. It reports whether the node was new to the board, so that the
// caller can answer with its own announcement.
func (h *Hub) SetRemote(board, node string, p RemotePresence) (newNode bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[board]
	if r == nil {
		return false
	}
	old, known := r.nodes[node]
	r.nodes[node] = p
	if !known || old.Online != p.Online || !maps.Equal(old.Names, p.Names) {
		h.schedulePresence(r)
	}
	return !known
}

// ExpireRemote forgets the nodes whose announcements are older than their
// TTL, and tells their boards.
func (h *Hub) ExpireRemote(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.rooms {
		for node, p := range r.nodes {
			if now.After(p.Expires) {
				delete(r.nodes, node)
				h.schedulePresence(r)
			}
		}
	}
}
