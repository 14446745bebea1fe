package webapp

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CSPReportPath receives the browser's CSP violation reports.
const CSPReportPath = "/csp-report"

// CSPReports logs each violation report: the directive and the blocked
// URL's origin only, never a sample of page text. Anyone can post here,
// so the log takes at most cspReportLogBurst reports per
// cspReportLogWindow; past that, reports are counted, and the count is
// logged once when the next window opens. Every post still gets 204: a
// browser has nothing to do with a refusal.
func CSPReports(log *slog.Logger) http.Handler {
	return cspReports(log, time.Now)
}

func cspReports(log *slog.Logger, now func() time.Time) http.Handler {
	gate := &reportGate{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rep struct {
			Report struct {
				Directive string `json:"violated-directive"`
				Blocked   string `json:"blocked-uri"`
			} `json:"csp-report"`
		}
		decodeLimited(r, &rep)
		w.WriteHeader(http.StatusNoContent)
		log1, dropped := gate.admit(now())
		if dropped > 0 {
			log.Warn("csp violations not logged", "count", dropped, "window", cspReportLogWindow)
		}
		if log1 {
			log.Warn("csp violation", "directive", rep.Report.Directive, "blocked", originOf(rep.Report.Blocked))
		}
	})
}

// originOf cuts a blocked URL to its scheme and host: its path and query
// may carry page data.
func originOf(blocked string) string {
	if i := strings.Index(blocked, "//"); i >= 0 {
		if j := strings.IndexByte(blocked[i+2:], '/'); j >= 0 {
			return blocked[:i+2+j]
		}
	}
	return blocked
}

// decodeLimited reads a small JSON body; a report that does not parse is
// still logged, as an empty one.
func decodeLimited(r *http.Request, v any) {
	json.NewDecoder(http.MaxBytesReader(nil, r.Body, cspReportMaxBytes)).Decode(v)
}

// reportGate is a fixed window on logged reports.
type reportGate struct {
	mu      sync.Mutex
	start   time.Time // the current window's start
	logged  int       // reports logged in it
	dropped int       // reports past the burst in it
}

// admit reports whether a report arriving at now may be logged, and how
// many were dropped in the window that just ended (0 when none ended).
func (g *reportGate) admit(now time.Time) (log bool, droppedBefore int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.start) >= cspReportLogWindow || now.Before(g.start) {
		droppedBefore = g.dropped
		g.start, g.logged, g.dropped = now, 0, 0
	}
	if g.logged < cspReportLogBurst {
		g.logged++
		return true, droppedBefore
	}
	g.dropped++
	return false, droppedBefore
}
