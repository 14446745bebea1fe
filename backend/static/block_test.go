package static_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"liveboard/backend/http1/http1test"
	"liveboard/backend/static"
	"liveboard/backend/web"
)

// On the project's server a plain answer's head is the precomputed block;
// on net/http, which has no WriteHeaderBlock, it is the header map. All
// must say the same thing, for every kind of answer, and the metrics'
// recorder must count the status sent.
func TestHeaderBlockMatchesTheMapPath(t *testing.T) {
	page := []byte(strings.Repeat("<p>가나다 liveboard</p>\n", 200))
	fsys := fstest.MapFS{
		"index.html":    {Data: page, ModTime: modTime},
		"index.html.br": {Data: compress(t, page, true), ModTime: modTime},
		"small.txt":     {Data: []byte("hello"), ModTime: modTime},
	}
	h, err := static.New(fsys, static.Options{ModTime: modTime})
	if err != nil {
		t.Fatal(err)
	}
	// Each server bare, and under the metrics' recorder (web.CountResponses),
	// which passes the block on, or on net/http turns it into map fields.
	var counted []int
	var mu sync.Mutex
	count := func(status int) { mu.Lock(); counted = append(counted, status); mu.Unlock() }
	servers := []string{http1test.Serve(t, h), http1test.Serve(t, web.CountResponses(count, h))}
	for _, hh := range []http.Handler{h, web.CountResponses(count, h)} {
		s := httptest.NewServer(hh)
		t.Cleanup(s.Close)
		servers = append(servers, s.URL)
	}
	for _, c := range []struct {
		method, path string
		header       []string
	}{
		{"GET", "/small.txt", nil},
		{"HEAD", "/small.txt", nil},
		{"GET", "/index.html", nil},
		{"GET", "/index.html", []string{"Accept-Encoding", "gzip, br"}},
		{"HEAD", "/index.html", []string{"Accept-Encoding", "br"}},
		{"GET", "/", nil},
		{"GET", "/missing", nil},
		{"HEAD", "/missing", nil},
		{"GET", "/small.txt", []string{"Range", "bytes=1-2"}},
	} {
		want, wantBody := exchange(t, c.method, servers[0]+c.path, c.header)
		mu.Lock()
		counted = nil
		mu.Unlock()
		for i, url := range servers[1:] {
			got, body := exchange(t, c.method, url+c.path, c.header)
			if got != want || body != wantBody {
				t.Errorf("%s %s %v, server %d:\n%s\nwant %s", c.method, c.path, c.header, i+1, got, want)
			}
		}
		status, _, _ := strings.Cut(want, " ")
		mu.Lock()
		if fmt.Sprint(counted) != fmt.Sprintf("[%s %s]", status, status) {
			t.Errorf("%s %s: the recorder counted %v, want %s twice", c.method, c.path, counted, status)
		}
		mu.Unlock()
	}
}

// exchange returns the status and fields (without Date), sorted, and the body.
func exchange(t *testing.T, method, url string, header []string) (string, string) {
	t.Helper()
	resp, body := request(t, method, url, header...)
	resp.Header.Del("Date")
	var fields []string
	for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
		fields = append(fields, fmt.Sprintf("%s: %q", k, resp.Header[k]))
	}
	return fmt.Sprint(resp.StatusCode, " ", resp.ContentLength, " ", fields), body
}
