package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestAPIRefusalsHaveTheirStatusAndCode(t *testing.T) {
	a := startApp(t)
	path := "/api/boards/lobby/messages"
	for _, c := range []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"no token", "POST", path, map[string]string{"id": "1", "text": "x"}, 400, "bad_request"},
		{"empty text", "POST", path, map[string]string{"id": "1", "text": " ", "token": tokenA}, 400, "bad_request"},
		{"no id", "POST", path, map[string]string{"text": "x", "token": tokenA}, 400, "bad_request"},
		{"bad name", "POST", path, map[string]string{"id": "1", "text": "x", "token": tokenA, "name": "a\u0007"}, 400, "bad_request"},
		{"bad board", "POST", "/api/boards/No_Caps/messages", map[string]string{"id": "1", "text": "x", "token": tokenA}, 400, "bad_request"},
		{"too long", "POST", path, map[string]string{"id": "1", "text": strings.Repeat("가", 4001), "token": tokenA}, 413, "too_long"},
		{"body over 64 KiB", "POST", path, map[string]string{"id": "1", "text": strings.Repeat("x", 70<<10), "token": tokenA}, 413, "too_long"},
		{"not JSON", "POST", path, "[1,2", 400, "bad_request"},
		{"edit of nothing", "PATCH", path + "/99", map[string]string{"text": "x", "token": tokenA}, 404, "not_found"},
		{"edit of seq 0", "PATCH", path + "/0", map[string]string{"text": "x", "token": tokenA}, 400, "bad_request"},
		{"delete of a word", "DELETE", path + "/abc", map[string]string{"token": tokenA}, 400, "bad_request"},
	} {
		status, _, out := apiWrite(t, a, c.method, c.path, c.body)
		code := ""
		if e, ok := out["error"].(map[string]any); ok {
			code, _ = e["code"].(string)
		}
		if status != c.status || code != c.code {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, code, c.status, c.code)
		}
	}
	for _, q := range []string{"?limit=0", "?limit=201", "?after=-1", "?before=x", "?after=1&before=5"} {
		resp, err := http.Get(a.url + path + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("GET %s: %d, want 400", q, resp.StatusCode)
		}
	}
}

func TestAPIEditAndDeleteFollowTheRules(t *testing.T) {
	a := startApp(t, "-admin-token", "admin-token-0123456789")
	mine := apiPost(t, a, "lobby", tokenA, "1", "mine")
	path := fmt.Sprint("/api/boards/lobby/messages/", mine)
	if status, _, _ := apiWrite(t, a, "PATCH", path, map[string]string{"text": "x", "token": tokenB}); status != 403 {
		t.Errorf("editing another's: %d, want 403", status)
	}
	status, _, out := apiWrite(t, a, "PATCH", path, map[string]string{"text": "mine, edited", "token": tokenA})
	if status != 200 || out["seq"].(float64) != 2 {
		t.Fatalf("edit: %d %v, want 200 with the edit's seq 2", status, out)
	}
	if status, _, _ := apiWrite(t, a, "DELETE", path, map[string]string{"token": tokenB}); status != 403 {
		t.Errorf("deleting another's: %d, want 403", status)
	}
	status, _, out = apiWrite(t, a, "DELETE", path, map[string]string{"token": "admin-token-0123456789"})
	if status != 200 || out["seq"].(float64) != 3 {
		t.Fatalf("admin delete: %d %v", status, out)
	}
	if status, _, _ := apiWrite(t, a, "DELETE", path, map[string]string{"token": tokenA}); status != 404 {
		t.Errorf("deleting a deleted message: %d, want 404", status)
	}
	page := apiMessages(t, a, "lobby", "?after=0")
	if len(page.Messages) != 1 || !page.Messages[0].Deleted || page.Messages[0].Text != "" || page.Head != 3 {
		t.Fatalf("after edit and delete: %+v", page)
	}
}

func TestAPIPagesBackwardsWithBefore(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	for i := 1; i <= 120; i++ {
		apiPost(t, a, "lobby", tokenA, fmt.Sprint(i), fmt.Sprint("m", i))
	}
	var seqs []int64
	before := int64(0)
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging backwards never ended")
		}
		var page struct {
			Messages []struct{ Seq int64 }
			More     bool
		}
		getJSON(t, fmt.Sprintf("%s/api/boards/lobby/messages?before=%d&limit=50", a.url, before), &page)
		var got []int64
		for _, m := range page.Messages {
			got = append(got, m.Seq)
		}
		seqs = append(got, seqs...)
		if !page.More {
			break
		}
		before = got[0]
	}
	if len(seqs) != 120 || seqs[0] != 1 || seqs[119] != 120 {
		t.Fatalf("paged %d messages: %v…", len(seqs), seqs[:min(5, len(seqs))])
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("seq %d at %d", s, i)
		}
	}
}

// Posts are limited per author; a 429 says when to come back.
func TestAPIRateLimitIsPerAuthorWithRetryAfter(t *testing.T) {
	a := startApp(t, "-post-burst", "3", "-post-window", "30s")
	for i := 0; i < 3; i++ {
		apiPost(t, a, "lobby", tokenA, fmt.Sprint("a", i), "x")
	}
	status, h, out := apiWrite(t, a, "POST", "/api/boards/lobby/messages", map[string]string{"id": "a3", "text": "x", "token": tokenA})
	if status != 429 || out["error"].(map[string]any)["code"] != "rate_limited" {
		t.Fatalf("4th post: %d %v, want 429 rate_limited", status, out)
	}
	if secs, err := strconv.Atoi(h.Get("Retry-After")); err != nil || secs < 1 || secs > 30 {
		t.Fatalf("Retry-After %q, want 1–30 s", h.Get("Retry-After"))
	}
	// Another author from the same address still gets through: an office
	// behind one NAT is not one poster.
	apiPost(t, a, "lobby", tokenB, "b0", "y")
}

// X-Forwarded-For is believed only from a trusted proxy: from anyone else
// it cannot dodge the per-address limit.
func TestForwardedForIsBelievedOnlyFromATrustedProxy(t *testing.T) {
	limited := func(t *testing.T, a *app) int {
		t.Helper()
		refused := 0
		// 3 per author, 30 per address: 40 posts from 40 authors, each from
		// a forwarded address of its own.
		for i := 0; i < 40; i++ {
			tok := fmt.Sprintf("token-%02d-0123456789", i)
			status, _, _ := apiWrite(t, a, "POST", "/api/boards/lobby/messages", map[string]string{"id": "1", "text": "x", "token": tok},
				"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
			if status == 429 {
				refused++
			}
		}
		return refused
	}
	untrusted := startApp(t, "-post-burst", "3", "-post-window", "1h")
	if n := limited(t, untrusted); n != 10 {
		t.Errorf("without a trusted proxy: %d refused, want 10 (the header is ignored)", n)
	}
	trusted := startApp(t, "-post-burst", "3", "-post-window", "1h", "-trusted-proxy", "127.0.0.0/8")
	if n := limited(t, trusted); n != 0 {
		t.Errorf("behind a trusted proxy: %d refused, want 0 (each client has its address)", n)
	}
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	a := startApp(t)
	mine := apiPost(t, a, "lobby", tokenA, "1", "x")
	for _, c := range []struct{ method, path string }{
		{"POST", "/api/boards/lobby/messages"},
		{"PATCH", fmt.Sprint("/api/boards/lobby/messages/", mine)},
		{"DELETE", fmt.Sprint("/api/boards/lobby/messages/", mine)},
	} {
		status, _, _ := apiWrite(t, a, c.method, c.path, map[string]string{"id": "2", "text": "x", "token": tokenA}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if status != 403 {
			t.Errorf("cross-origin %s: %d, want 403", c.method, status)
		}
	}
	if page := apiMessages(t, a, "lobby", "?after=0"); len(page.Messages) != 1 || page.Messages[0].Text != "x" || page.Head != 1 {
		t.Fatalf("a cross-origin write changed the board: %+v", page)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
