package static_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"

	"liveboard/backend/http1/http1test"
	"liveboard/backend/static"
)

var modTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// serve runs the handler over fsys on the project's own server, on a real socket.
func serve(t *testing.T, fsys fstest.MapFS) string {
	t.Helper()
	h, err := static.New(fsys, static.Options{ModTime: modTime})
	if err != nil {
		t.Fatal(err)
	}
	return http1test.Serve(t, h)
}

func compress(t *testing.T, b []byte, br bool) []byte {
	var out bytes.Buffer
	var w io.WriteCloser
	if br {
		w = brotli.NewWriterLevel(&out, brotli.BestCompression)
	} else {
		w, _ = gzip.NewWriterLevel(&out, gzip.BestCompression)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	return request(t, "GET", url, header...)
}

// request sends method to url with header's name, value pairs and returns
// the response with its body read.
func request(t *testing.T, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A transport that neither asks for nor undoes compression.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var css = []byte(strings.Repeat("body { color: #123456; }\n", 200))

func site(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"index.html":          {Data: []byte("<!doctype html><p>home")},
		"web/app.wasm":        {Data: []byte("\x00asm\x01\x00\x00\x00")},
		"web/style.css":       {Data: css},
		"web/style.css.br":    {Data: compress(t, css, true)},
		"web/style.css.gz":    {Data: compress(t, css, false)},
		"web/app.1a2b3c4d.js": {Data: []byte("console.log(1)")},
		"web/icon.svg":        {Data: []byte("<svg/>")},
		"web/icon.png":        {Data: []byte("\x89PNG")},
		"web/app.webmanifest": {Data: []byte("{}")},
		"favicon.ico":         {Data: []byte("\x00\x00\x01\x00")},
		"docs/index.html":     {Data: []byte("docs")},
		".secret":             {Data: []byte("hidden")},
		"web/.env":            {Data: []byte("TOKEN=x")},
	}
}

func TestContentTypesAreExact(t *testing.T) {
	base := serve(t, site(t))
	for path, want := range map[string]string{
		"/web/app.wasm":        "application/wasm",
		"/":                    "text/html; charset=utf-8",
		"/web/style.css":       "text/css; charset=utf-8",
		"/web/app.1a2b3c4d.js": "text/javascript; charset=utf-8",
		"/web/icon.svg":        "image/svg+xml",
		"/web/icon.png":        "image/png",
		"/web/app.webmanifest": "application/manifest+json",
		"/favicon.ico":         "image/x-icon",
	} {
		resp, _ := get(t, base+path)
		if got := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: %d %q, want %q", path, resp.StatusCode, got, want)
		}
	}
}

func TestETagAndLastModifiedGive304(t *testing.T) {
	base := serve(t, site(t))
	resp, _ := get(t, base+"/web/app.wasm")
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm != modTime.Format(http.TimeFormat) {
		t.Fatalf("ETag %q Last-Modified %q", etag, lm)
	}
	if resp, body := get(t, base+"/web/app.wasm", "If-None-Match", etag); resp.StatusCode != 304 || body != "" {
		t.Fatalf("If-None-Match: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, base+"/web/app.wasm", "If-Modified-Since", lm); resp.StatusCode != 304 {
		t.Fatalf("If-Modified-Since: %d", resp.StatusCode)
	}
	if resp, _ := get(t, base+"/web/app.wasm", "If-None-Match", `"other"`); resp.StatusCode != 200 {
		t.Fatalf("a stale ETag: %d", resp.StatusCode)
	}
}

func TestRangesGive206And416(t *testing.T) {
	base := serve(t, site(t))
	resp, body := get(t, base+"/web/style.css", "Range", "bytes=0-3")
	if resp.StatusCode != 206 || body != "body" || resp.Header.Get("Content-Range") != "bytes 0-3/"+itoa(len(css)) {
		t.Fatalf("206: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	if resp, _ := get(t, base+"/web/style.css", "Range", "bytes=999999-"); resp.StatusCode != 416 {
		t.Fatalf("unsatisfiable range: %d", resp.StatusCode)
	}
}

// RFC 9110 §14.2: a Range in a unit the server does not know is ignored,
// and the whole file is served (http.ServeContent alone answers 416).
func TestRangeInAnUnknownUnitIsIgnored(t *testing.T) {
	base := serve(t, site(t))
	resp, body := get(t, base+"/web/style.css", "Range", "lines=1-2")
	if resp.StatusCode != 200 || body != string(css) {
		t.Fatalf("status %d, %d bytes: want 200 and the whole file", resp.StatusCode, len(body))
	}
}

func TestPrecompressedVariantsByAcceptEncoding(t *testing.T) {
	base := serve(t, site(t))
	etags := map[string]bool{}
	for _, tc := range []struct{ accept, want string }{
		{"gzip, deflate, br", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"identity", ""},
		{"", ""},
		{"*", "br"},
		{"br;q=0, gzip;q=0", ""},
	} {
		resp, body := get(t, base+"/web/style.css", "Accept-Encoding", tc.accept)
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: got %q, want %q", tc.accept, got, tc.want)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", tc.accept, resp.Header.Get("Vary"))
		}
		if resp.ContentLength != int64(len(body)) || resp.ContentLength <= 0 {
			t.Errorf("Accept-Encoding %q: Content-Length %d for %d bytes", tc.accept, resp.ContentLength, len(body))
		}
		var plain []byte
		switch tc.want {
		case "br":
			plain, _ = io.ReadAll(brotli.NewReader(strings.NewReader(body)))
		case "gzip":
			zr, _ := gzip.NewReader(strings.NewReader(body))
			plain, _ = io.ReadAll(zr)
		default:
			plain = []byte(body)
		}
		if !bytes.Equal(plain, css) {
			t.Errorf("Accept-Encoding %q: the body does not decode to the file", tc.accept)
		}
		etags[tc.want+resp.Header.Get("ETag")] = true
	}
	if len(etags) != 3 {
		t.Errorf("want one ETag per encoding, got %v", etags)
	}
	// A conditional request that ServeContent answers with a full body still carries the length.
	resp, body := get(t, base+"/web/style.css", "Accept-Encoding", "br", "If-None-Match", `"stale"`)
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) {
		t.Errorf("conditional miss: %d, Content-Length %d for %d bytes", resp.StatusCode, resp.ContentLength, len(body))
	}
	// And the variants are never served on their own.
	if resp, _ := get(t, base+"/web/style.css.br"); resp.StatusCode != 404 {
		t.Errorf("style.css.br on its own: %d", resp.StatusCode)
	}
}

func TestCacheControl(t *testing.T) {
	base := serve(t, site(t))
	if resp, _ := get(t, base+"/web/app.1a2b3c4d.js"); !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("hashed name: %q", resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, base+"/web/app.wasm"); resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("ETag") == "" {
		t.Errorf("plain name: %q", resp.Header.Get("Cache-Control"))
	}
}

func TestDirectoriesAndMissingFiles(t *testing.T) {
	base := serve(t, site(t))
	if resp, body := get(t, base+"/docs/"); resp.StatusCode != 200 || body != "docs" {
		t.Errorf("/docs/: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, base+"/docs"); resp.StatusCode != 301 || resp.Header.Get("Location") != "/docs/" {
		t.Errorf("/docs: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := get(t, base+"/web/"); resp.StatusCode != 404 || strings.Contains(body, "app.wasm") {
		t.Errorf("/web/ lists or serves: %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, base+"/nope"); resp.StatusCode != 404 || body != "404 page not found\n" {
		t.Errorf("/nope: %d %q", resp.StatusCode, body)
	}
}

func TestHeadHasNoBody(t *testing.T) {
	base := serve(t, site(t))
	resp, err := http.Head(base + "/web/style.css")
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != int64(len(css)) {
		t.Fatalf("HEAD Content-Length %d", resp.ContentLength)
	}
}

// hostilePaths are raw request targets that must never reach a file
// outside the root, nor a dot-file inside it.
var hostilePaths = []string{
	"/../etc/passwd",
	"/../../../../etc/passwd",
	"/web/../../etc/passwd",
	"/%2e%2e/etc/passwd",
	"/%2E%2E/%2E%2E/etc/passwd",
	"/web/%2e%2e/%2e%2e/etc/passwd",
	"/.%2e/etc/passwd",
	"/%2e./etc/passwd",
	"/web%2f..%2f..%2fetc%2fpasswd",
	"/web/..%2f..%2fetc/passwd",
	"/..%2fetc%2fpasswd",
	"/%2fetc%2fpasswd",
	"/web%5c..%5c..%5cetc%5cpasswd",
	"/..%5c..%5cetc%5cpasswd",
	"/web\\..\\..\\etc\\passwd",
	"/%00/etc/passwd",
	"/web/app.wasm%00.png",
	"/web/%00",
	"/%c0%ae%c0%ae/etc/passwd",
	"/%c0%afetc%c0%afpasswd",
	"/%e0%80%ae%e0%80%ae/etc/passwd",
	"/%c1%9c..%c1%9cetc",
	"/%252e%252e/etc/passwd",
	"/web/%252e%252e%252fetc",
	"/.secret",
	"/web/.env",
	"/%2esecret",
	"/web/./.env",
	"/./.secret",
	"//etc/passwd",
	"/web//../.secret",
	"/link/passwd",
	"/outside",
	"/outside-dir/passwd",
	"/web/../.secret",
	"/..",
	"/.",
	"/web/..",
	"/%2e%2e",
	"/web/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
}

func TestNothingOutsideTheRootIsServed(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0"), 0o644)
	os.MkdirAll(filepath.Join(root, "web"), 0o755)
	os.WriteFile(filepath.Join(root, "web", "app.wasm"), []byte("wasm"), 0o644)
	os.WriteFile(filepath.Join(root, ".secret"), []byte("hidden"), 0o644)
	os.WriteFile(filepath.Join(root, "web", ".env"), []byte("TOKEN=x"), 0o644)
	os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(root, "outside"))
	os.Symlink(outside, filepath.Join(root, "outside-dir"))
	os.Symlink(outside, filepath.Join(root, "link"))
	h, err := static.New(os.DirFS(root), static.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(http1test.Serve(t, h), "http://")
	if len(hostilePaths) < 30 {
		t.Fatalf("only %d hostile paths", len(hostilePaths))
	}
	for _, p := range hostilePaths {
		status, body := rawGet(t, addr, p)
		if status == 200 || strings.Contains(body, "root:x") || strings.Contains(body, "hidden") || strings.Contains(body, "TOKEN") {
			t.Errorf("%s: %d %q", p, status, body)
		}
		if status != 400 && status != 404 && status != 301 {
			t.Errorf("%s: status %d, want 400 or 404", p, status)
		}
	}
	if status, body := rawGet(t, addr, "/web/app.wasm"); status != 200 || body != "wasm" {
		t.Fatalf("the real file: %d %q", status, body)
	}
}

// rawGet sends target exactly as written, with no client-side cleaning.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
