package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Wasm built with the module file has go-app's browser half and none
// of net/http, TLS, regexp, coder/websocket or the server's packages.
func TestWasmBuildLeavesNetHTTPOut(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join("..", "..", "..")
	if err := write(root, dir); err != nil {
		t.Fatal(err)
	}
	list := exec.Command("go", "list", "-deps", "-modfile", filepath.Join(dir, "go.mod"), "./frontend/wasm")
	list.Dir = root
	list.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := list.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
		if strings.HasPrefix(p, "liveboard/backend/") {
			t.Errorf("app.wasm imports server code: %s", p)
		}
	}
	if !deps[module+"/pkg/app"] {
		t.Fatalf("go-app is not among the Wasm's packages:\n%s", out)
	}
	for _, p := range []string{"net/http", "crypto/tls", "crypto/x509", "mime", "regexp", "github.com/coder/websocket"} {
		if deps[p] {
			t.Errorf("app.wasm imports %s", p)
		}
	}
}

// A go-app whose touched files differ from the release the patch was made
// from is refused, not patched over.
func TestPatchRefusesAnotherRelease(t *testing.T) {
	orig, copied := t.TempDir(), t.TempDir()
	for name := range touched {
		if err := os.WriteFile(filepath.Join(orig, name), []byte("package app\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := patch(orig, copied)
	if err == nil || !strings.Contains(err.Error(), "not the file the patch was made from") {
		t.Fatalf("patch of another release: %v", err)
	}
}

// On a fresh machine the module cache may lack go-app's source even where
// `go list -m` knows its version; write fetches it. The test starts from
// an empty module cache, served offline from this machine's download
// cache, which holds go-app once anything in the repository has built.
func TestWriteFetchesGoAppIntoAnEmptyModuleCache(t *testing.T) {
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	proxy := filepath.Join(strings.TrimSpace(string(cache)), "cache", "download")
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-modcacherw") // so that t.TempDir can remove it
	dir := t.TempDir()
	if err := write(filepath.Join("..", "..", ".."), dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go-app", "pkg", "app", "app.go")); err != nil {
		t.Fatalf("go-app was not copied: %v", err)
	}
}
