// Package metrics is liveboard's Prometheus exposition: it implements
// board.Meter with client_golang and serves /metrics with promhttp. Names
// follow Prometheus conventions: base units, _total on counters, the
// liveboard_ prefix, and no board or user label anywhere.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liveboard/backend/board"
)

// The limits of the metrics, in one table.
const (
	// MaxTracked bounds the posts whose delivery time is being measured;
	// past it new ones are not measured (the histogram is a sample then).
	MaxTracked = 10_000
	// DeliverySettle is how long after its last write a post counts as
	// delivered to every local reader.
	DeliverySettle = time.Second
	// DeliveryGiveUp forgets a post no local reader wrote.
	DeliveryGiveUp = 10 * time.Second
)

// Transports, as the transport label says them.
const (
	WebSocket = "websocket"
	SSE       = "sse"
	HTTP      = "http"
)

// Metrics is a registry with liveboard's metrics and the Go and process
// collectors.
type Metrics struct {
	reg *prometheus.Registry

	streams        map[string]*atomic.Int64 // open live streams by transport
	framesSent     *prometheus.CounterVec
	framesReceived *prometheus.CounterVec
	socketWrites   prometheus.Counter
	stored         *prometheus.CounterVec // by kind: posts, edits, deletes
	posts          prometheus.Counter
	rateLimited    prometheus.Counter
	slowCloses     prometheus.Counter
	gapsFilled     prometheus.Counter
	commitSeconds  prometheus.Histogram
	batchSize      prometheus.Histogram
	delivery       prometheus.Histogram
	responses      *prometheus.CounterVec

	// sentBy and receivedBy are the labelled counters looked up once: the
	// fan-out path counts every write without hashing a label.
	sentBy, receivedBy map[string]prometheus.Counter

	tracked sync.Map // *byte (a frame's first byte) → *delivery
	nTrack  atomic.Int64
}

type delivery struct {
	at   time.Time
	last atomic.Int64 // unix ns of the last write, 0 before the first
}

// New makes the metrics. openConns reports the server's open connections
// (hijacked ones included), from which the http transport's share is
// derived.
func New(openConns func() int) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), streams: map[string]*atomic.Int64{WebSocket: {}, SSE: {}}}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := promauto{m.reg}
	for _, tr := range []string{WebSocket, SSE} {
		n := m.streams[tr]
		f.gaugeFunc("liveboard_connections", "Open connections by transport.", prometheus.Labels{"transport": tr}, func() float64 { return float64(n.Load()) })
	}
	f.gaugeFunc("liveboard_connections", "Open connections by transport.", prometheus.Labels{"transport": HTTP}, func() float64 {
		return float64(max(0, int64(openConns())-m.streams[WebSocket].Load()-m.streams[SSE].Load()))
	})
	m.framesSent = f.counterVec("liveboard_frames_sent_total", "Frames written to readers, by transport.", "transport")
	m.framesReceived = f.counterVec("liveboard_frames_received_total", "Client frames taken (WebSocket) and API writes (http), by transport.", "transport")
	m.socketWrites = f.counter("liveboard_socket_writes_total", "Writes to readers' connections; frames_sent / writes is the coalescing.")
	m.stored = f.counterVec("liveboard_events_stored_total", "Events committed, by kind (post, edit, delete).", "kind")
	m.posts = f.counter("liveboard_posts_total", "Posts committed.")
	m.rateLimited = f.counter("liveboard_rate_limited_total", "Posts refused for their rate.")
	m.slowCloses = f.counter("liveboard_slow_closes_total", "Readers closed for falling behind their send queue.")
	m.gapsFilled = f.counter("liveboard_gaps_filled_total", "Events read from the store to fill a gap in a live stream.")
	m.commitSeconds = f.histogram("liveboard_store_commit_seconds", "Duration of one store transaction.", prometheus.ExponentialBuckets(0.0005, 2, 14))
	m.batchSize = f.histogram("liveboard_store_batch_size", "Appends committed by one transaction.", prometheus.ExponentialBuckets(1, 2, 10))
	m.delivery = f.histogram("liveboard_delivery_seconds", "From a post's commit to its last write to a local reader.", prometheus.ExponentialBuckets(0.0005, 2, 16))
	m.sentBy, m.receivedBy = map[string]prometheus.Counter{}, map[string]prometheus.Counter{}
	for _, tr := range []string{WebSocket, SSE, HTTP} {
		m.sentBy[tr] = m.framesSent.WithLabelValues(tr)
		m.receivedBy[tr] = m.framesReceived.WithLabelValues(tr)
	}
	m.responses = f.counterVec("liveboard_http_responses_total", "HTTP responses by status class (1xx for handed-over connections).", "class")
	go m.sweep()
	return m
}

// Handler serves the metrics (promhttp).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

var kindNames = map[board.Kind]string{board.KindPost: "post", board.KindEdit: "edit", board.KindDelete: "delete"}

func (m *Metrics) Stored(k board.Kind) {
	m.stored.WithLabelValues(kindNames[k]).Inc()
	if k == board.KindPost {
		m.posts.Inc()
	}
}
func (m *Metrics) RateLimited()    { m.rateLimited.Inc() }
func (m *Metrics) SlowClose()      { m.slowCloses.Inc() }
func (m *Metrics) GapFilled(n int) { m.gapsFilled.Add(float64(n)) }
func (m *Metrics) Sent(tr string, frames, writes int) {
	m.framesSent.WithLabelValues(tr).Add(float64(frames))
	m.socketWrites.Add(float64(writes))
}
func (m *Metrics) Received(tr string, frames int) {
	m.framesReceived.WithLabelValues(tr).Add(float64(frames))
}
func (m *Metrics) Committed(batch int, took time.Duration) {
	m.batchSize.Observe(float64(batch))
	m.commitSeconds.Observe(took.Seconds())
}
func (m *Metrics) StreamOpened(tr string, delta int) {
	if n := m.streams[tr]; n != nil {
		n.Add(int64(delta))
	}
}

// Responded counts one HTTP response by its class.
func (m *Metrics) Responded(status int) {
	m.responses.WithLabelValues(strconv.Itoa(status/100) + "xx").Inc()
}

// Published starts measuring a post's delivery: the frame is the one the
// broker hands every reader, so its first byte identifies it.
func (m *Metrics) Published(frame []byte, at time.Time) {
	if len(frame) == 0 || m.nTrack.Load() >= MaxTracked {
		return
	}
	m.nTrack.Add(1)
	m.tracked.Store(&frame[0], &delivery{at: at})
}

// Delivered notes one write of a tracked frame.
func (m *Metrics) Delivered(frame []byte) {
	if len(frame) == 0 {
		return
	}
	if d, ok := m.tracked.Load(&frame[0]); ok {
		d.(*delivery).last.Store(time.Now().UnixNano())
	}
}

// sweep observes the posts whose writes have settled, and forgets those
// nobody here reads.
func (m *Metrics) sweep() {
	for range time.Tick(DeliverySettle / 2) {
		now := time.Now()
		m.tracked.Range(func(k, v any) bool {
			d := v.(*delivery)
			last := d.last.Load()
			switch {
			case last != 0 && now.Sub(time.Unix(0, last)) >= DeliverySettle:
				m.delivery.Observe(time.Unix(0, last).Sub(d.at).Seconds())
			case last == 0 && now.Sub(d.at) >= DeliveryGiveUp:
			default:
				return true
			}
			m.tracked.Delete(k)
			m.nTrack.Add(-1)
			return true
		})
	}
}

var _ board.Meter = (*Metrics)(nil)

// promauto registers as it makes.
type promauto struct{ reg *prometheus.Registry }

func (p promauto) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	p.reg.MustRegister(c)
	return c
}

func (p promauto) counterVec(name, help string, label string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	p.reg.MustRegister(c)
	return c
}

func (p promauto) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	p.reg.MustRegister(h)
	return h
}

func (p promauto) gaugeFunc(name, help string, labels prometheus.Labels, f func() float64) {
	p.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f))
}

// Broker exposes a cluster broker's event messages: published by this
// node, and received from the others (per post, received summed over the
// nodes is the number of other nodes with readers of the board); and the
// events the node read from the store because NATS lost or delayed them.
func (m *Metrics) Broker(stats func() (published, received, filled int64)) {
	for dir, pick := range map[string]func() float64{
		"published": func() float64 { p, _, _ := stats(); return float64(p) },
		"received":  func() float64 { _, r, _ := stats(); return float64(r) },
	} {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "liveboard_broker_messages_total", Help: "Event messages through the cluster broker (NATS), by direction.",
			ConstLabels: prometheus.Labels{"direction": dir},
		}, pick))
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "liveboard_broker_filled_total", Help: "Events read from the store once for the node because NATS lost or delayed them.",
	}, func() float64 { _, _, f := stats(); return float64(f) }))
}
