package static_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"liveboard/backend/http1/http1test"
	"liveboard/backend/static"
)

// On the project's server a plain answer's head is the precomputed block;
// on net/http, which has no WriteHeaderBlock, it is the header map. Both
// must say the same thing, for every kind of answer.
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
	ours := http1test.Serve(t, h)
	theirs := httptest.NewServer(h)
	t.Cleanup(theirs.Close)
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
		a, bodyA := exchange(t, c.method, ours+c.path, c.header)
		b, bodyB := exchange(t, c.method, theirs.URL+c.path, c.header)
		if a != b || bodyA != bodyB {
			t.Errorf("%s %s %v:\nblock %s\nmap   %s", c.method, c.path, c.header, a, b)
		}
	}
}

// exchange returns the status and fields (without Date), sorted, and the body.
func exchange(t *testing.T, method, url string, header []string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Header.Del("Date")
	var fields []string
	for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
		fields = append(fields, fmt.Sprintf("%s: %q", k, resp.Header[k]))
	}
	return fmt.Sprint(resp.StatusCode, " ", resp.ContentLength, " ", fields), string(body)
}
