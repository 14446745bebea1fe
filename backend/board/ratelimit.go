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

// Bucket is one client's tokens. The zero value is full.
type Bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

// Allow takes a token if there is one.
func (b *Bucket) Allow(l RateLimit, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = float64(l.Burst)
	} else {
		rate := float64(l.Burst) / l.Window.Seconds()
		b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Buckets keeps a bucket per key (a client address), forgetting the oldest
// past RateLimiterEntries so that a flood of addresses cannot grow it.
type Buckets struct {
	mu    sync.Mutex
	m     map[string]*Bucket
	order []string
}

func (bs *Buckets) Allow(key string, l RateLimit, now time.Time) bool {
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
