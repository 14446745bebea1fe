package http1

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// requestContext is a request's Context. It is cancelled when the handler
// returns or when the client goes away. Noticing the latter takes a read
// from the socket in the background, so that read starts only once someone
// asks for Done and the body has been read: a handler that never looks at
// its context costs no goroutine.
type requestContext struct {
	c    *conn
	mu   sync.Mutex
	done chan struct{}
	err  error
}

var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

func (r *requestContext) Deadline() (time.Time, bool) { return time.Time{}, false }

func (r *requestContext) Done() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done == nil {
		if r.err != nil {
			r.done = closedChan
		} else {
			r.done = make(chan struct{})
			r.c.cr.watch(r) // under r.mu, so it cannot race cancel
		}
	}
	return r.done
}

func (r *requestContext) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *requestContext) Value(key any) any {
	if key == http.LocalAddrContextKey {
		return r.c.rwc.LocalAddr()
	}
	return nil
}

func (r *requestContext) String() string { return "http1.requestContext" }

func (r *requestContext) cancel(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
		if r.done != nil {
			close(r.done)
		}
	}
}

// errClientGone is the cause of a context cancelled because the peer
// closed or reset the connection.
var errClientGone = context.Canceled

// connReader sits between the socket and the bufio.Reader. It can read one
// byte in the background to learn whether the client is still there; the
// byte is kept and handed to the next Read.
type connReader struct {
	c       *conn
	mu      sync.Mutex
	cond    sync.Cond
	ctx     *requestContext
	bodyEOF bool // the current request's body has been read
	wanted  bool // the current request's Done was asked for
	inRead  bool
	aborted bool
	hasByte bool
	byteBuf [1]byte
}

var aLongTimeAgo = time.Unix(1, 0)

func (cr *connReader) Read(p []byte) (int, error) {
	cr.mu.Lock()
	if cr.hasByte {
		cr.hasByte = false
		p[0] = cr.byteBuf[0]
		cr.mu.Unlock()
		return 1, nil
	}
	cr.mu.Unlock()
	return cr.c.rwc.Read(p)
}

func (cr *connReader) startRequest(ctx *requestContext, bodyEOF bool) {
	cr.mu.Lock()
	cr.ctx, cr.bodyEOF, cr.wanted = ctx, bodyEOF, false
	cr.mu.Unlock()
}

func (cr *connReader) watch(ctx *requestContext) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if cr.ctx == ctx {
		cr.wanted = true
		cr.maybeStart()
	}
}

func (cr *connReader) bodyRead() {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.bodyEOF = true
	cr.maybeStart()
}

// maybeStart starts the background read when it is both wanted and safe.
// Called with cr.mu held.
func (cr *connReader) maybeStart() {
	if !cr.wanted || !cr.bodyEOF || cr.inRead || cr.hasByte || cr.ctx == nil {
		return
	}
	cr.inRead = true
	cr.c.rwc.SetReadDeadline(time.Time{})
	go cr.backgroundRead(cr.ctx)
}

func (cr *connReader) backgroundRead(ctx *requestContext) {
	n, err := cr.c.rwc.Read(cr.byteBuf[:])
	cr.mu.Lock()
	if n == 1 {
		cr.hasByte = true
	}
	ne, isNetErr := err.(net.Error)
	stoppedByUs := isNetErr && cr.aborted && ne.Timeout() // the client is still there
	cr.aborted, cr.inRead = false, false
	cr.mu.Unlock()
	cr.cond.Broadcast()
	// Outside cr.mu: Done holds ctx.mu while it takes cr.mu.
	if err != nil && !stoppedByUs {
		ctx.cancel(errClientGone)
	}
}

// abortPendingRead stops a background read and waits for it, before the
// connection's own goroutine reads again or hands the socket over.
func (cr *connReader) abortPendingRead() {
	cr.mu.Lock()
	cr.ctx = nil
	if !cr.inRead {
		cr.mu.Unlock()
		return
	}
	cr.aborted = true
	cr.c.rwc.SetReadDeadline(aLongTimeAgo)
	for cr.inRead {
		cr.cond.Wait()
	}
	cr.mu.Unlock()
	cr.c.rwc.SetReadDeadline(time.Time{})
}
