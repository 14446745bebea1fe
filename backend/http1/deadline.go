package http1

import "time"

// Deadlines: each read and write of a connection sets its own, pushed
// forward at most once per half timeout, so that a timeout bounds one
// read or write rather than a whole body or response.

// armBodyRead pushes the read deadline forward before a body read that
// may reach the socket.
func (c *conn) armBodyRead() {
	if c.br.Buffered() > 0 {
		return
	}
	if c.unflushed {
		c.flush() // a pipelined body on its way: earlier answers go first
	}
	now := time.Now()
	if now.After(c.bodyReadArmed) {
		t := c.srv.readBodyTimeout()
		c.rwc.SetReadDeadline(now.Add(t))
		c.bodyReadArmed = now.Add(t / 2)
	}
}

// limitDrain bounds the whole drain of an unread body by MaxDrainTime,
// which armBodyRead then leaves alone; the returned function lifts it.
func (c *conn) limitDrain() (done func()) {
	c.rwc.SetReadDeadline(time.Now().Add(MaxDrainTime))
	c.bodyReadArmed = time.Now().Add(MaxDrainTime)
	return func() { c.bodyReadArmed = time.Time{} }
}

// connWriter pushes the write deadline forward before each write, so that
// WriteTimeout bounds each write, not the whole response.
type connWriter struct{ c *conn }

func (w connWriter) Write(p []byte) (int, error) {
	w.c.armWrite()
	return w.c.rwc.Write(p)
}

func (c *conn) armWrite() {
	now := time.Now()
	if now.After(c.writeRefresh) {
		t := c.srv.writeTimeout()
		c.rwc.SetWriteDeadline(now.Add(t))
		c.writeRefresh = now.Add(t / 2) // each write has at least half the timeout
	}
}
