package board

import (
	"sync"
	"time"
)

// RateLimit is a token bucket: Burst posts, refilled over Window.
type RateLimit struct {
	Burst  int
	Window time.Duration
}

// DefaultRateLimit is 20 posts per 10 s.
var DefaultRateLimit = RateLimit{Burst: DefaultPostBurst, Window: DefaultPostWindow}

// scaled is the same rate with Burst times n: the per-address limit, which
// a whole office behind one NAT shares.
func (l RateLimit) scaled(n int) RateLimit { return RateLimit{Burst: l.Burst * n, Window: l.Window} }

// Bucket is one client's tokens. The zero value is full.
type Bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

// Allow takes a token if there is one. If not, it says how long until
// there is.
func (b *Bucket) Allow(l RateLimit, now time.Time) (ok bool, retryAfter time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rate := float64(l.Burst) / l.Window.Seconds()
	if b.last.IsZero() {
		b.tokens = float64(l.Burst)
	} else {
		b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// Buckets keeps a bucket per key (an author, an address), forgetting the
// oldest past RateLimiterEntries so that a flood of keys cannot grow it.
// The zero value is ready.
type Buckets struct {
	mu    sync.Mutex
	m     map[string]*Bucket
	order []string
}

func (bs *Buckets) Allow(key string, l RateLimit, now time.Time) (bool, time.Duration) {
	bs.mu.Lock()
	if bs.m == nil {
		bs.m = make(map[string]*Bucket)
	}
	b := bs.m[key]
	if b == nil {
		if len(bs.order) >= RateLimiterEntries {
			delete(bs.m, bs.order[0])
			bs.order = bs.order[1:]
		}
		b = &Bucket{}
		bs.m[key] = b
		bs.order = append(bs.order, key)
	}
	bs.mu.Unlock()
	return b.Allow(l, now)
}

// Len is how many keys are remembered.
func (bs *Buckets) Len() int {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return len(bs.m)
}
