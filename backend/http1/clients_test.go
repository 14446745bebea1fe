package http1

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// bigFile writes n random bytes to a temporary file and returns its path
// and SHA-256.
func bigFile(t *testing.T, n int64) (string, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "big.bin")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, sum), rand.Reader, n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return name, hex.EncodeToString(sum.Sum(nil))
}

// fileHandler serves one file with http.ServeContent, which reaches the
// response's ReadFrom and so sendfile.
func fileHandler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(name)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer f.Close()
		info, _ := f.Stat()
		http.ServeContent(w, r, "big.bin", info.ModTime(), f)
	})
}

const fiftyMB = 50 << 20

func TestDownload50MBWithChecksum(t *testing.T) {
	name, want := bigFile(t, fiftyMB)
	_, addr := startServer(t, fileHandler(name))
	resp, err := http.Get("http://" + addr + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != fiftyMB {
		t.Fatalf("Content-Length %d", resp.ContentLength)
	}
	sum := sha256.New()
	n, err := io.Copy(sum, resp.Body)
	if err != nil || n != fiftyMB {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != want {
		t.Fatalf("checksum %s, want %s", got, want)
	}
}

func curl(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed: go tool task test installs it (apt-get install -y curl)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, append([]string{"-sS", "--max-time", "30"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestCurlDownload50MBWithChecksum(t *testing.T) {
	name, want := bigFile(t, fiftyMB)
	_, addr := startServer(t, fileHandler(name))
	out := filepath.Join(t.TempDir(), "got.bin")
	curl(t, "-o", out, "http://"+addr+"/big.bin")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("checksum %s, want %s", got, want)
	}
}

func TestCurlKeepAliveReusesConnection(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	out := curl(t, "-v", "http://"+addr+"/one", "http://"+addr+"/two")
	if !strings.Contains(out, "GET /one") || !strings.Contains(out, "GET /two") {
		t.Fatalf("curl did not get both: %s", out)
	}
	if !strings.Contains(out, "Re-using existing connection") && !strings.Contains(out, "Reusing existing") {
		t.Fatalf("curl opened a second connection:\n%s", out)
	}
}

func TestCurlPostsAKoreanFormBody(t *testing.T) {
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		io.WriteString(w, r.PostForm.Get("text"))
	}))
	out := curl(t, "--data-urlencode", "text=가나다라마바사 😀", "http://"+addr+"/form")
	if out != "가나다라마바사 😀" {
		t.Fatalf("got %q", out)
	}
}

func TestHijackServesAWebSocket(t *testing.T) {
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(context.Background(), typ, append([]byte("echo: "), msg...))
		}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for _, msg := range []string{"안녕", strings.Repeat("x", 10000)} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, got, err := c.Read(ctx)
		if err != nil || string(got) != "echo: "+msg {
			t.Fatalf("got %q, %v", got[:min(len(got), 40)], err)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
}

func TestHijackFlushes101KeepsEarlyBytesAndClearsDeadlines(t *testing.T) {
	_, addr := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Upgrade", "test")
		w.WriteHeader(http.StatusSwitchingProtocols)
		c, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		// Buffered, as net/http hands them over: coder/websocket keeps only
		// what the reader has buffered (golang/go#32314).
		buffered := brw.Reader.Buffered()
		time.Sleep(400 * time.Millisecond) // past every timeout the server set
		early := make([]byte, 5)
		if _, err := io.ReadFull(brw, early); err != nil {
			return
		}
		brw.WriteString(fmt.Sprintf("got %s, %d buffered", early, buffered))
		brw.Flush()
	}), func(s *Server) {
		s.ReadHeaderTimeout, s.WriteTimeout, s.IdleTimeout = 100*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond
	})
	out := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nextra")
	if !strings.HasPrefix(out, "HTTP/1.1 101 Switching Protocols\r\n") || !strings.Contains(out, "Upgrade: test\r\n") {
		t.Fatalf("no 101 first: %q", out)
	}
	if !strings.HasSuffix(out, "\r\n\r\ngot extra, 5 buffered") {
		t.Fatalf("the bytes sent with the request were lost: %q", out)
	}
}
