package webapp

import "time"

// The limits of the pages, in one table.
const (
	// cspReportMaxBytes bounds a violation report.
	cspReportMaxBytes = 16 << 10
	// cspReportLogBurst is how many violation reports are logged per
	// cspReportLogWindow; the rest are only counted, so that anyone
	// posting to /csp-report cannot flood the log. A page that breaks its
	// policy sends a handful, well under it.
	cspReportLogBurst  = 20
	cspReportLogWindow = time.Minute

	// earlyMaxFrames is how many frames the early socket queues before the
	// Wasm takes it over; past it the socket closes and the client dials
	// afresh. A fresh catch-up is protocol.DefaultPageLimit messages
	// and a few frames more. A string: it is written into the script's text.
	earlyMaxFrames = "512"
	// earlyUnclaimedMS is how long (ms) the early socket waits for the Wasm
	// before it closes.
	earlyUnclaimedMS = "20000"

	// workerFallbackMS is how long (ms) the loader waits for the app to
	// start the service worker (once the board is live) before it starts
	// it anyway.
	workerFallbackMS = "10000"
)
