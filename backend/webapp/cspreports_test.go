package webapp

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"liveboard/backend/http1/http1test"
)

// lockedBuffer is a log sink shared by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A flood of posts to /csp-report logs the first cspReportLogBurst of a
// window, counts the rest, and logs that count when the next window
// opens; every post gets 204, and no URL path or page text is logged.
func TestCSPReportsCannotFloodTheLog(t *testing.T) {
	var logs lockedBuffer
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	url := http1test.Serve(t, cspReports(slog.New(slog.NewTextHandler(&logs, nil)), now)) + CSPReportPath
	report := `{"csp-report":{"violated-directive":"script-src","blocked-uri":"https://evil.example/steal?text=secret-message"}}`
	post := func() {
		t.Helper()
		resp, err := http.Post(url, "application/csp-report", strings.NewReader(report))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d, want 204", resp.StatusCode)
		}
	}
	const flood = 3 * cspReportLogBurst
	for range flood {
		post()
	}
	if n := strings.Count(logs.String(), "msg=\"csp violation\""); n != cspReportLogBurst {
		t.Fatalf("%d reports logged in one window, want %d", n, cspReportLogBurst)
	}
	if strings.Contains(logs.String(), "not logged") {
		t.Fatal("the dropped count was logged before its window ended")
	}
	mu.Lock()
	clock = clock.Add(cspReportLogWindow)
	mu.Unlock()
	post()
	out := logs.String()
	if want := "msg=\"csp violations not logged\" count=" + strconv.Itoa(flood-cspReportLogBurst); !strings.Contains(out, want) {
		t.Fatalf("log lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "msg=\"csp violation\""); n != cspReportLogBurst+1 {
		t.Fatalf("%d reports logged after the window, want %d", n, cspReportLogBurst+1)
	}
	if strings.Contains(out, "steal") || strings.Contains(out, "secret") {
		t.Fatalf("the log carries the blocked URL's path or query:\n%s", out)
	}
	if !strings.Contains(out, "blocked=https://evil.example") {
		t.Fatalf("the log lacks the blocked origin:\n%s", out)
	}
}
