package board

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"liveboard/shared/protocol"
)

// recorder is a Subscriber that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	seqs   []int64
	frames []string
	got    chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 100)} }

func (r *recorder) Deliver(seq int64, frame []byte) {
	r.mu.Lock()
	r.seqs = append(r.seqs, seq)
	r.frames = append(r.frames, string(frame))
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *recorder) snapshot() ([]int64, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.seqs...), append([]string(nil), r.frames...)
}

func TestHubDeliversToEachSubscriberOfTheBoardUntilItLeaves(t *testing.T) {
	h := NewHub()
	a, b, other := newRecorder(), newRecorder(), newRecorder()
	leaveA := h.Subscribe("x", a)
	h.Subscribe("x", b)
	h.Subscribe("y", other)
	h.Publish("x", 1, []byte("one"))
	leaveA()
	leaveA() // twice is harmless
	h.Publish("x", 2, []byte("two"))
	h.Publish("nobody", 3, []byte("lost"))
	if got, _ := a.snapshot(); fmt.Sprint(got) != "[1]" {
		t.Errorf("a got %v, want [1]: it left before 2", got)
	}
	if got, _ := b.snapshot(); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("b got %v", got)
	}
	if got, _ := other.snapshot(); len(got) != 0 {
		t.Errorf("another board's subscriber got %v", got)
	}
}

// Swap-remove keeps every other subscriber, whichever leaves.
func TestHubUnsubscribeFromTheMiddleKeepsTheRest(t *testing.T) {
	h := NewHub()
	var recs []*recorder
	var leaves []func()
	for i := 0; i < 5; i++ {
		r := newRecorder()
		recs = append(recs, r)
		leaves = append(leaves, h.Subscribe("x", r))
	}
	leaves[1]()
	leaves[3]()
	h.Publish("x", 7, []byte("f"))
	for i, r := range recs {
		got, _ := r.snapshot()
		want := "[7]"
		if i == 1 || i == 3 {
			want = "[]"
		}
		if fmt.Sprint(got) != want {
			t.Errorf("subscriber %d got %v, want %s", i, got, want)
		}
	}
	for _, i := range []int{0, 2, 4} {
		leaves[i]()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.rooms) != 0 {
		t.Errorf("%d rooms kept after everyone left", len(h.rooms))
	}
}

// Presence goes out at most once per PresenceInterval, however many
// changes come, and says the latest state.
func TestPresenceIsThrottledAndCountsDistinctAuthors(t *testing.T) {
	h := NewHub()
	r := newRecorder()
	h.Subscribe("x", r)
	leaveFirstTab := h.Join("x", "a1", "alice")
	<-r.got // the first frame goes out at once
	// A burst of changes within one interval: one frame, the final state.
	h.Join("x", "a1", "alice") // a second tab: still one author
	h.Join("x", "b2", "민지")
	for i := 0; i < 10; i++ {
		h.Rename("x", "b2", fmt.Sprint("bob", i))
	}
	leaveFirstTab() // alice keeps her second tab
	<-r.got
	// A later change proves there was nothing in between: frames come in
	// order, so a third one arriving now means no extra one came first.
	h.Rename("x", "b2", "bob")
	<-r.got
	_, frames := r.snapshot()
	want := []string{
		`{"type":"presence","online":1,"names":["alice"]}`,
		`{"type":"presence","online":2,"names":["alice","bob9"]}`,
		`{"type":"presence","online":2,"names":["alice","bob"]}`,
	}
	if fmt.Sprint(frames) != fmt.Sprint(want) {
		t.Fatalf("frames\n%q\nwant\n%q", frames, want)
	}
}

// A joiner gets the frame last sent, without a rebuild per join (10,000
// joins sorted 10,000 names each); the broadcast its join scheduled then
// brings it and everyone up to date.
func TestJoinerGetsTheLastFrameAndTheBroadcastCatchesUp(t *testing.T) {
	h := NewHub()
	r := newRecorder()
	h.Subscribe("x", r)
	h.Join("x", "a1", "alice")
	<-r.got // the first frame goes out at once
	sent := `{"type":"presence","online":1,"names":["alice"]}`
	h.Join("x", "b2", "bob")
	if got := string(h.PresenceFrame("x")); got != sent {
		t.Fatalf("a joiner got %s, want the frame last sent %s", got, sent)
	}
	<-r.got
	now := `{"type":"presence","online":2,"names":["alice","bob"]}`
	if _, frames := r.snapshot(); frames[len(frames)-1] != now {
		t.Fatalf("the broadcast said %s, want %s", frames[len(frames)-1], now)
	}
	if got := string(h.PresenceFrame("x")); got != now {
		t.Fatalf("after the broadcast a joiner got %s, want %s", got, now)
	}
}

func TestPresenceListsAtMostMaxNames(t *testing.T) {
	h := NewHub()
	for i := 0; i < protocol.MaxPresenceNames+20; i++ {
		h.Join("x", fmt.Sprint("author", i), fmt.Sprintf("n%03d", i))
	}
	var f protocol.Presence
	if err := json.Unmarshal(h.PresenceNow("x"), &f); err != nil {
		t.Fatal(err)
	}
	if f.Online != protocol.MaxPresenceNames+20 || len(f.Names) != protocol.MaxPresenceNames || f.Names[0] != "n000" {
		t.Fatalf("online %d, %d names from %q", f.Online, len(f.Names), f.Names[0])
	}
}

func TestBucketRefillsAtItsRateAndSaysWhenToComeBack(t *testing.T) {
	l := RateLimit{Burst: 2, Window: 10 * time.Second} // one token per 5 s
	var b Bucket
	t0 := time.Unix(1000, 0)
	for i := 0; i < 2; i++ {
		if ok, _ := b.Allow(l, t0); !ok {
			t.Fatalf("post %d of the burst refused", i)
		}
	}
	ok, wait := b.Allow(l, t0)
	if ok || wait != 5*time.Second {
		t.Fatalf("over the burst: ok=%v wait=%v, want refused for 5s", ok, wait)
	}
	if ok, wait := b.Allow(l, t0.Add(4*time.Second)); ok || wait <= 0 || wait > time.Second {
		t.Fatalf("after 4 s: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := b.Allow(l, t0.Add(5*time.Second)); !ok {
		t.Fatal("after 5 s a token is back")
	}
	if ok, _ := b.Allow(l, t0.Add(time.Hour)); !ok {
		t.Fatal("after an hour")
	}
	if ok, _ := b.Allow(l, t0.Add(time.Hour)); !ok {
		t.Fatal("the bucket refills to its burst, not past it")
	}
	if ok, _ := b.Allow(l, t0.Add(time.Hour)); ok {
		t.Fatal("the bucket refilled past its burst")
	}
}

// The table of buckets forgets the oldest past RateLimiterEntries, so a
// flood of keys cannot grow it.
func TestBucketsEvictTheOldestKey(t *testing.T) {
	var bs Buckets
	l := RateLimit{Burst: 1, Window: time.Hour}
	now := time.Unix(1000, 0)
	bs.Allow("first", l, now) // its one token is spent
	if ok, _ := bs.Allow("first", l, now); ok {
		t.Fatal("first has a second token")
	}
	for i := 0; i < RateLimiterEntries; i++ {
		bs.Allow(fmt.Sprint("k", i), l, now)
	}
	if bs.Len() != RateLimiterEntries {
		t.Fatalf("%d keys kept, want %d", bs.Len(), RateLimiterEntries)
	}
	if ok, _ := bs.Allow("first", l, now); !ok {
		t.Fatal("first was not forgotten: its bucket is still empty")
	}
}

// memStore is a Store that refuses everything: the service's checks must
// refuse bad commands before any store is reached.
type memStore struct{ Store }

func (memStore) Append(context.Context, Command) (Event, bool, error) {
	return Event{}, false, errors.New("the store was reached")
}

func TestServiceRefusesBadCommandsBeforeTheStore(t *testing.T) {
	s := &Service{Store: memStore{}, Rate: RateLimit{Burst: 100, Window: time.Second}}
	ctx := context.Background()
	good := Caller{Token: "token-0123456789abcdef"}
	for _, c := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"bad board", protocol.ErrBadBoard, func() error {
			_, _, err := s.Post(ctx, good, Post{Board: "Bad", ID: "1", Text: "x"})
			return err
		}},
		{"short token", protocol.ErrBadToken, func() error {
			_, _, err := s.Post(ctx, Caller{Token: "short"}, Post{Board: "b", ID: "1", Text: "x"})
			return err
		}},
		{"no id", protocol.ErrBadID, func() error { _, _, err := s.Post(ctx, good, Post{Board: "b", Text: "x"}); return err }},
		{"empty text", protocol.ErrEmpty, func() error {
			_, _, err := s.Post(ctx, good, Post{Board: "b", ID: "1", Text: " \n"})
			return err
		}},
		{"long text", protocol.ErrTooLong, func() error {
			_, _, err := s.Post(ctx, good, Post{Board: "b", ID: "1", Text: strings.Repeat("가", 4001)})
			return err
		}},
		{"bad UTF-8", protocol.ErrBadText, func() error {
			_, _, err := s.Post(ctx, good, Post{Board: "b", ID: "1", Text: "\xff"})
			return err
		}},
		{"control in name", protocol.ErrBadName, func() error {
			_, _, err := s.Post(ctx, good, Post{Board: "b", ID: "1", Name: "a\x1b", Text: "x"})
			return err
		}},
		{"edit of seq 0", protocol.ErrBadSeq, func() error { _, err := s.Edit(ctx, good, Edit{Board: "b", Text: "x"}); return err }},
		{"anonymous delete", ErrForbidden, func() error {
			_, err := s.Delete(ctx, Caller{Anonymous: true}, Delete{Board: "b", Seq: 1})
			return err
		}},
		{"limit 0", protocol.ErrBadLimit, func() error { _, err := s.Latest(ctx, "b", 0); return err }},
		{"negative after", protocol.ErrBadSeq, func() error { _, err := s.After(ctx, "b", -1, 5); return err }},
	} {
		err := c.run()
		if !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
		if code, ok := ErrorCode(err); !ok || code == "" {
			t.Errorf("%s: no protocol code for %v", c.name, err)
		}
	}
}

func TestServiceLimitsPerAuthorAndPerAddress(t *testing.T) {
	s := &Service{Store: memStore{}, Rate: RateLimit{Burst: 2, Window: time.Hour}}
	ctx := context.Background()
	post := func(token, addr string) error {
		_, _, err := s.Post(ctx, Caller{Token: token, Addr: addr}, Post{Board: "b", ID: "1", Text: "x"})
		return err
	}
	var rl *RateLimitedError
	for i := 0; i < 2; i++ {
		if err := post("token-a-0123456789", "10.0.0.1"); errors.As(err, &rl) {
			t.Fatalf("post %d limited", i)
		}
	}
	if err := post("token-a-0123456789", "10.0.0.2"); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("the third post of one author from another address: %v", err)
	}
	// One address: AddrRateFactor authors' worth of posts, then no more.
	limited := 0
	for i := 0; i < AddrRateFactor*2+5; i++ {
		if err := post(fmt.Sprintf("token-%03d-0123456789", i), "10.0.0.9"); errors.As(err, &rl) {
			limited++
		}
	}
	if limited != 5 {
		t.Fatalf("%d posts limited from one address, want 5 past %d", limited, AddrRateFactor*2)
	}
	if code, _ := ErrorCode(rl); code != protocol.CodeRateLimited {
		t.Fatalf("code %q", code)
	}
}
