package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"liveboard/shared/protocol"
)

// termCmd runs the binary as a terminal client with a config dir of its
// own (tokens, outbox).
func termCmd(t *testing.T, cfg string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+cfg, "HOME="+cfg)
	return cmd
}

// runTerm runs a subcommand to its end and returns its exit code and output.
func runTerm(t *testing.T, cfg, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := termCmd(t, cfg, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// tailProc is `liveboard tail` running, its lines collected.
type tailProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	more  chan struct{}
}

func startTail(t *testing.T, cfg string, args ...string) *tailProc {
	t.Helper()
	p := &tailProc{cmd: termCmd(t, cfg, append([]string{"tail"}, args...)...), more: make(chan struct{}, 1)}
	out, _ := p.cmd.StdoutPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
	}()
	return p
}

// waitLines waits until cond holds for the lines printed so far.
func (p *tailProc) waitLines(t *testing.T, what string, cond func([]string) bool) []string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		p.mu.Lock()
		lines := append([]string(nil), p.lines...)
		p.mu.Unlock()
		if cond(lines) {
			return lines
		}
		select {
		case <-p.more:
		case <-deadline:
			t.Fatalf("never: %s; tail printed:\n%s", what, strings.Join(lines, "\n"))
		}
	}
}

// jsonMessages decodes tail -json lines, keeping the message frames.
func jsonMessages(lines []string) []protocol.ServerFrame {
	var out []protocol.ServerFrame
	for _, l := range lines {
		var f protocol.ServerFrame
		if json.Unmarshal([]byte(l), &f) == nil && f.Type == protocol.TypeMessage {
			out = append(out, f)
		}
	}
	return out
}

func TestPostThenTailJSONIsByteExact(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	cfg := t.TempDir()
	url := a.url + "/b/exact"
	texts := append(append([]string{}, exactTexts...), "first line\n  second, indented\nthird")
	for _, text := range texts {
		if code, _, stderr := runTerm(t, cfg, "", "post", "-name", "민지", url, text); code != 0 {
			t.Fatalf("post %q…: exit %d: %s", clip(text), code, stderr)
		}
	}
	tail := startTail(t, cfg, "-json", url)
	lines := tail.waitLines(t, "every post", func(l []string) bool { return len(jsonMessages(l)) >= len(texts) })
	got := jsonMessages(lines)
	for i, text := range texts {
		if got[i].Text != text || got[i].Name != "민지" {
			t.Errorf("post %d: %q by %q, want %q…", i, clip(got[i].Text), got[i].Name, clip(text))
		}
	}
}

// A thousand lines on standard input, the server restarted in the middle:
// every line is stored exactly once, in order, and post exits 0.
func TestPostThousandLinesThroughARestart(t *testing.T) {
	port := freePort(t)
	data := t.TempDir()
	args := []string{"-addr", "127.0.0.1:" + port, "-data", data, "-post-burst", "1000000"}
	srv := start(t, nil, args...)
	cfg := t.TempDir()
	var in strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&in, "line %04d\n", i)
	}
	cmd := termCmd(t, cfg, "post", "-timeout", "60s", srv.url+"/b/many")
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Restart once some lines are stored.
	for {
		if len(allMessages(t, srv.url, "many")) >= 100 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("post ended before the restart: %v %s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	srv.cmd.Process.Signal(os.Interrupt)
	srv.cmd.Wait()
	srv = start(t, nil, args...)
	if err := <-done; err != nil {
		t.Fatalf("post: %v\n%s", err, stderr.String())
	}
	stored := allMessages(t, srv.url, "many") // fails on a repeated id
	var texts []string
	for after := int64(0); ; {
		var p struct {
			Messages []protocol.ServerFrame
			Next     int64
		}
		getJSON(t, fmt.Sprintf("%s/api/boards/many/messages?after=%d&limit=200", srv.url, after), &p)
		if len(p.Messages) == 0 {
			break
		}
		for _, m := range p.Messages {
			texts = append(texts, m.Text)
		}
		after = p.Next
	}
	if len(stored) != 1000 || len(texts) != 1000 {
		t.Fatalf("%d posts stored for 1000 lines", len(texts))
	}
	for i, text := range texts {
		if text != fmt.Sprintf("line %04d", i) {
			t.Fatalf("post %d is %q: not in order", i, text)
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// tail during a server restart: every post made meanwhile appears once.
func TestTailResumesThroughARestart(t *testing.T) {
	port := freePort(t)
	data := t.TempDir()
	args := []string{"-addr", "127.0.0.1:" + port, "-data", data}
	srv := start(t, nil, args...)
	a := &app{url: srv.url}
	cfg := t.TempDir()
	apiPost(t, a, "restart", tokenA, "before", "before the restart")
	tail := startTail(t, cfg, "-json", srv.url+"/b/restart")
	tail.waitLines(t, "the first post", func(l []string) bool { return len(jsonMessages(l)) == 1 })
	srv.cmd.Process.Signal(os.Interrupt)
	srv.cmd.Wait()
	srv = start(t, nil, args...)
	for i := 0; i < 5; i++ {
		apiPost(t, a, "restart", tokenA, fmt.Sprint("during-", i), fmt.Sprint("posted while tail was away ", i))
	}
	lines := tail.waitLines(t, "the posts made meanwhile", func(l []string) bool { return len(jsonMessages(l)) >= 6 })
	seen := map[int64]int{}
	for _, m := range jsonMessages(lines) {
		seen[m.Seq]++
	}
	for seq := int64(1); seq <= 6; seq++ {
		if seen[seq] != 1 {
			t.Fatalf("seq %d printed %d times: %v", seq, seen[seq], seen)
		}
	}
}

// With /ws refused, tail works over SSE.
func TestTailWorksOverSSEWhenWebSocketIsRefused(t *testing.T) {
	a := startApp(t)
	g := newGate(t, a)
	g.ws.Store("close")
	cfg := t.TempDir()
	apiPost(t, a, "blocked", tokenA, "1", "already there")
	tail := startTail(t, cfg, g.srv.URL+"/b/blocked")
	tail.waitLines(t, "the first post", func(l []string) bool { return len(l) == 1 && strings.HasSuffix(l[0], ": already there") })
	apiPost(t, a, "blocked", tokenA, "2", "live over SSE")
	tail.waitLines(t, "the live post", func(l []string) bool { return len(l) == 2 && strings.HasSuffix(l[1], ": live over SSE") })
}

// Escapes and control characters in a post are printed as visible text:
// they cannot move the cursor, retitle the terminal or reorder the line.
func TestTailPrintsControlCharactersAsEscapes(t *testing.T) {
	a := startApp(t)
	cfg := t.TempDir()
	hostile := "red \x1b[31mALERT\x1b[0m title \x1b]0;pwned\x07 csi \u009b2J bidi \u202eevil\u202c del \x7f tab\tend"
	apiPost(t, a, "esc", tokenA, "1", hostile)
	apiPost(t, a, "esc", tokenA, "2", "two\nlines")
	tail := startTail(t, cfg, a.url+"/b/esc")
	lines := tail.waitLines(t, "both posts", func(l []string) bool { return len(l) >= 3 })
	out := strings.Join(lines, "\n")
	for _, c := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u202c", "\x7f", "\t"} {
		if strings.Contains(out, c) {
			t.Errorf("tail printed the raw control %q", c)
		}
	}
	for _, want := range []string{`\x1b[31mALERT\x1b[0m`, `\x1b]0;pwned\x07`, `\u009b2J`, `\u202eevil\u202c`, `\x7f`, `\x09end`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q lacks %s", lines[0], want)
		}
	}
	if !strings.HasSuffix(lines[1], ": two") || lines[2] != "  lines" {
		t.Errorf("a multi-line post printed as %q / %q", lines[1], lines[2])
	}
}

func TestPostExitCodes(t *testing.T) {
	a := startApp(t)
	cfg := t.TempDir()
	url := a.url + "/b/codes"
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"acked", "", []string{"post", url, "hello", "there"}, 0},
		{"stdin, empty lines skipped", "a\n\n  \nb\n", []string{"post", url}, 0},
		{"too long", strings.Repeat("x", protocol.MaxTextRunes+1) + "\n", []string{"post", url}, 1},
		{"unreachable", "", []string{"post", "-timeout", "1s", "http://127.0.0.1:" + freePort(t) + "/b/x", "lost"}, 1},
		{"no URL", "", []string{"post"}, 2},
		{"bad URL", "", []string{"post", "ftp://x/b/y", "t"}, 2},
		{"bad board", "", []string{"post", a.url + "/b/Bad Board", "t"}, 2},
		{"bad flag", "", []string{"post", "-nope", url}, 2},
		{"tail bad -n", "", []string{"tail", "-n", "500", url}, 2},
	} {
		code, _, stderr := runTerm(t, cfg, c.stdin, c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d (%s)", c.name, code, c.code, stderr)
		}
		if code != 0 && strings.Count(strings.TrimSpace(stderr), "\n") > 12 {
			t.Errorf("%s: a long error: %s", c.name, stderr)
		}
		if code != 0 && stderr == "" {
			t.Errorf("%s: exit %d without a word on stderr", c.name, code)
		}
	}
	page := apiMessages(t, a, "codes", "?after=0")
	var got []string
	for _, m := range page.Messages {
		got = append(got, m.Text)
	}
	if fmt.Sprint(got) != "[hello there a b]" {
		t.Fatalf("stored %q", got)
	}
}

func TestHelpListsTheSubcommands(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}} {
		out, _ := exec.Command(binary, args...).CombinedOutput()
		for _, want := range []string{"serve", "post", "tail", "chat"} {
			if !strings.Contains(string(out), "  "+want+" ") {
				t.Errorf("%v does not list %s:\n%s", args, want, out)
			}
		}
	}
	for _, sub := range []string{"post", "tail", "chat"} {
		out, err := exec.Command(binary, sub, "-h").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Usage: liveboard "+sub) {
			t.Errorf("%s -h: %v\n%s", sub, err, out)
		}
	}
}

// chat through a real terminal (tmux): a draft being typed is untouched
// by the 20 messages that arrive meanwhile, and is sent whole.
func TestChatKeepsTheDraftWhileMessagesArrive(t *testing.T) {
	a := startApp(t, "-post-burst", "1000")
	cfg := t.TempDir()
	session := fmt.Sprintf("liveboard-chat-%d", time.Now().UnixNano())
	tmux := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("tmux", append([]string{"-u"}, args...)...)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "TERM=xterm-256color")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v %s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "40",
		fmt.Sprintf("env XDG_CONFIG_HOME=%s LANG=C.UTF-8 %s chat -name typist %s/b/chat", cfg, binary, a.url))
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	screen := func() string { return tmux("capture-pane", "-p", "-t", session) }
	waitScreen := func(what string, cond func(string) bool) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for {
			s := screen()
			if cond(s) {
				return s
			}
			select {
			case <-ctx.Done():
				t.Fatalf("never: %s; the screen:\n%s", what, s)
			case <-time.After(50 * time.Millisecond): // polling the pane: tmux has no event for it
			}
		}
	}
	waitScreen("online", func(s string) bool { return strings.Contains(s, "online ·") || strings.Contains(s, "· online") })
	const draft = "half a draft 한글"
	tmux("send-keys", "-t", session, "-l", draft)
	waitScreen("the draft", func(s string) bool { return strings.Contains(s, draft) })
	for i := 0; i < 20; i++ {
		apiPost(t, a, "chat", tokenB, fmt.Sprint("m", i), fmt.Sprintf("incoming %02d", i))
	}
	s := waitScreen("the 20 messages", func(s string) bool { return strings.Contains(s, "incoming 19") })
	if !strings.Contains(s, draft) {
		t.Fatalf("the draft is gone after 20 messages:\n%s", s)
	}
	tmux("send-keys", "-t", session, "-l", ", whole")
	tmux("send-keys", "-t", session, "Enter")
	deadline := time.Now().Add(60 * time.Second)
	for {
		page := apiMessages(t, a, "chat", "?after=0")
		if n := len(page.Messages); n == 21 {
			if got := page.Messages[20].Text; got != draft+", whole" || page.Messages[20].Name != "typist" {
				t.Fatalf("sent %q by %q", got, page.Messages[20].Name)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the draft was never sent; the screen:\n%s", screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The post is in the history, and the composer is empty again.
	waitScreen("the post shown and the composer empty", func(s string) bool {
		return strings.Contains(s, "typist: "+draft+", whole") && !strings.Contains(s, "┃ "+draft)
	})
}
