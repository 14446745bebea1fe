package board

import "time"

// Meter receives what operators watch. The transports, the session core,
// the service and the stores report to it; backend/metrics turns it into
// Prometheus metrics. It carries no board or user: counts only.
type Meter interface {
	Stored(kind Kind)                          // an event committed
	RateLimited()                              // a post refused for its rate
	SlowClose()                                // a reader closed for falling behind
	Sent(transport string, frames, writes int) // frames written to readers, in so many writes
	Received(transport string, frames int)     // client frames (or API writes) taken
	GapFilled(events int)                      // events read from the store to fill gaps
	Committed(batch int, took time.Duration)   // one store transaction
	Published(frame []byte, at time.Time)      // a log frame leaving the store, at commit
	Delivered(frame []byte)                    // that frame written to one reader
	StreamOpened(transport string, delta int)  // a live stream opened (+1) or ended (-1)
}

// NopMeter drops everything: the zero choice.
type NopMeter struct{}

func (NopMeter) Stored(Kind)                  {}
func (NopMeter) RateLimited()                 {}
func (NopMeter) SlowClose()                   {}
func (NopMeter) Sent(string, int, int)        {}
func (NopMeter) Received(string, int)         {}
func (NopMeter) GapFilled(int)                {}
func (NopMeter) Committed(int, time.Duration) {}
func (NopMeter) Published([]byte, time.Time)  {}
func (NopMeter) Delivered([]byte)             {}
func (NopMeter) StreamOpened(string, int)     {}

// MeterOr is m, or NopMeter when m is nil.
func MeterOr(m Meter) Meter {
	if m == nil {
		return NopMeter{}
	}
	return m
}
