package webapp

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"liveboard/backend/board"
	"liveboard/backend/http1/http1test"
	"liveboard/backend/store/sqlite"
)

// serve runs the pages on the project's server over a real socket, with
// one message stored.
func serve(t *testing.T) string {
	t.Helper()
	store, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Append(context.Background(), board.Command{Board: "lobby", Kind: board.KindPost, Author: "a", ID: "1", Name: "민지",
		Text: "<b>가나다</b> & 😀", At: time.Now()})
	h := New(Options{Version: "v123", WasmSize: 4242, Service: &board.Service{Store: store}})
	return http1test.Serve(t, h)
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPageIsUTF8AndPreRendersMessagesAsText(t *testing.T) {
	base := serve(t)
	resp, body := get(t, base+"/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "&lt;b&gt;가나다&lt;/b&gt; &amp; 😀") || strings.Contains(body, "<b>가나다") {
		t.Fatalf("the message is not pre-rendered as text")
	}
	if !strings.Contains(body, `aria-label="Message"`) || !strings.Contains(body, `action="/b/lobby"`) {
		t.Fatal("no composer form in the first HTML")
	}
	if !strings.Contains(body, "/web/app.css") || !strings.Contains(body, "/web/icon-192.png") || strings.Contains(body, "googleapis") {
		t.Fatal("styles or local icons missing, or an icon from the internet")
	}
}

// Only a valid board name has a page. The Wasm routes the exact paths it
// is shown or links to, so the server is what refuses the rest.
func TestOnlyValidBoardPathsArePages(t *testing.T) {
	base := serve(t)
	for path, want := range map[string]int{
		"/b/lobby": 200, "/b/a-b_9": 200, "/b/" + strings.Repeat("a", 64): 200,
		"/b/": 404, "/b/Lobby": 404, "/b/a.b": 404, "/b/" + strings.Repeat("a", 65): 404, "/b/lobby/x": 404,
	} {
		if resp, _ := get(t, base+path); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestPageIsNeverA304WithStaleMessages(t *testing.T) {
	base := serve(t)
	for _, etag := range []string{`"v123"`, "v123"} {
		if resp, _ := get(t, base+"/b/lobby", "If-None-Match", etag); resp.StatusCode != 200 {
			t.Fatalf("If-None-Match %s: %d", etag, resp.StatusCode)
		}
	}
}

func TestGoAppResourcesCarryTheVersion(t *testing.T) {
	base := serve(t)
	resp, js := get(t, base+"/app.js")
	if resp.StatusCode != 200 || !strings.Contains(js, `"4242"`) {
		t.Fatalf("app.js: %d, WasmContentLength missing", resp.StatusCode)
	}
	_, worker := get(t, base+"/app-worker.js")
	if !strings.Contains(worker, `"app-" + "v123"`) || !strings.Contains(worker, `req.mode === "navigate"`) {
		t.Fatal("the service worker is not ours or lacks the version")
	}
	_, manifest := get(t, base+"/manifest.webmanifest")
	for _, icon := range []string{"/web/icon-192.png", "/web/icon-512.png", "/web/icon.svg", "/web/icon-maskable-512.png"} {
		if !strings.Contains(manifest, icon) {
			t.Errorf("manifest lacks %s", icon)
		}
	}
}

// The loader hands instantiateStreaming fetch's own Response, whose URL
// lets Chromium stream-compile app.wasm and keep its code; go-app's
// progress wrapper would hide it.
func TestAppJSStreamsTheFetchedResponse(t *testing.T) {
	base := serve(t)
	resp, js := get(t, base+"/app.js")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/javascript" {
		t.Fatalf("app.js: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, call, _ := strings.Cut(js, "await instantiateStreaming(")
	if !strings.HasPrefix(strings.TrimSpace(call), appJSPlainFetch) {
		t.Fatalf("app.js does not stream the plain fetch: %.80q", call)
	}
	if strings.Contains(js, appJSProgressFetch) {
		t.Fatal("app.js still wraps the response for progress")
	}
	if !strings.Contains(js, appJSRunNextTask) {
		t.Fatal("app.js starts Go in the task that compiled app.wasm")
	}
}

// The loader leaves the service worker to the app (or to its fallback
// timer): it no longer registers it as it starts.
func TestAppJSDefersTheServiceWorker(t *testing.T) {
	base := serve(t)
	_, js := get(t, base+"/app.js")
	if strings.Contains(js, "\ngoappInitServiceWorker();") {
		t.Fatal("app.js still registers the service worker at once")
	}
	if !strings.Contains(js, "started = true; goappInitServiceWorker();") || !strings.Contains(js, "setTimeout(liveboardStartWorker, "+workerFallbackMS+")") {
		t.Fatal("app.js lacks the deferred registration and its fallback")
	}
}

// Every inline script of a page is allowed by its CSP hash, and nothing
// else inline is: the policy and the page cannot drift apart.
func TestPageCSPHashesItsInlineScripts(t *testing.T) {
	base := serve(t)
	resp, body := get(t, base+"/b/lobby")
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Fatalf("headers: %v", resp.Header)
	}
	if strings.Contains(csp, "'unsafe-inline'") && strings.Contains(strings.SplitN(strings.SplitN(csp, "script-src", 2)[1], ";", 2)[0], "unsafe-inline") {
		t.Fatal("script-src allows any inline script")
	}
	inline := 0
	for _, part := range strings.Split(body, "<script")[1:] {
		if strings.HasPrefix(part, ">") { // no src: inline
			inline++
			script := "<script" + part[:strings.Index(part, "</script>")+len("</script>")]
			if h := scriptHash(script); !strings.Contains(csp, "'"+h+"'") {
				t.Errorf("an inline script's hash %s is not in the CSP", h)
			}
		}
	}
	if inline != len(inlineScripts) {
		t.Fatalf("%d inline scripts, want the %d of inlineScripts: the test reads the page wrongly", inline, len(inlineScripts))
	}
}
