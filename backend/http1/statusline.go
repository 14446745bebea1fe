package http1

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// statusLines holds "HTTP/1.1 NNN Reason\r\n" for every code.
var statusLines = func() (t [1000]string) {
	for code := 100; code < 1000; code++ {
		text := http.StatusText(code)
		if text == "" {
			text = "status code " + strconv.Itoa(code)
		}
		t[code] = "HTTP/1.1 " + strconv.Itoa(code) + " " + text + "\r\n"
	}
	return t
}()

func statusLine(code int) string { return statusLines[code] }

// dateLine is "Date: <IMF-fixdate>\r\n", formatted at most once a second.
func dateLine() string {
	now := time.Now()
	sec := now.Unix()
	if d := cachedDate.Load(); d != nil && d.sec == sec {
		return d.line
	}
	d := &datedLine{sec: sec, line: "Date: " + now.UTC().Format(http.TimeFormat) + "\r\n"}
	cachedDate.Store(d)
	return d.line
}

type datedLine struct {
	sec  int64
	line string
}

var cachedDate atomic.Pointer[datedLine]
