// Command modfile writes the module file (go build -modfile) with which
// app.wasm is built without net/http:
//
//	go run ./frontend/wasm/modfile DIR
//	GOOS=js GOARCH=wasm go build -modfile DIR/go.mod ./frontend/wasm
//
// go-app's one package holds both its server half (the Handler, which
// needs net/http) and its browser half. The linker drops the Handler's
// code from the Wasm, but not the package initializers of net/http and
// what it imports: crypto/tls, x509, elliptic curves, RSA, math/big,
// mime. Those were 1.6 MB of app.wasm's 7.7 MB, decoded and initialized
// at every page load.
//
// So the Wasm builds against a copy of go-app's packages in DIR/go-app
// without the files of the server half (http.go, static.go), with
// resource.go and wasm.go less the three functions that used them, and
// with route.go less regexp routes, which only the server registers (the
// regexp package and its Unicode tables were another 330 KB). The
// replacements are in patched/. DIR/go.mod is the repository's go.mod
// plus a replace of go-app by that copy; DIR/go.sum is go.sum. The
// server's build, pre-rendering included, uses go-app as released. (An
// overlay would be lighter, but the go command refuses to overlay the
// module cache.)
//
// Measured with `go tool task bench:startup -- 5 bin/before bin/after`,
// interleaved, medians: app.wasm 7.73 → 5.62 MB (brotli 1.53 → 1.08 MB);
// main-thread CPU until online 544 → 468 ms on a warm visit, 640 → 554
// ms cold; the longest task's CPU 96 → 81 ms warm, 137 → 104 cold.
//
// The patch fits one go-app release: each file it touches must hash to
// what it was made from, so an upgrade that changes one fails the build
// here instead of silently reverting go-app's change.
package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// module is go-app's module path; packages are the ones of it that
// pkg/app needs.
const module = "github.com/maxence-charriere/go-app/v10"

var packages = []string{"pkg/app", "pkg/errors", "pkg/logs"}

// touched is each file of go-app's pkg/app that the patch touches, with
// the SHA-256 of the release it was made from (v10.1.11).
var touched = map[string]string{
	"http.go":     "0601189a9f611378e9b24ab4bdf42780a03cbf95c1bbebd4171b523ddbe9a32d",
	"static.go":   "9e41adfad2d79ffdf6aba2cfb69397febe6c99f9a7b912737589c7e88c3463a9",
	"resource.go": "6b52ab4ec2f4171d403384bffe159e9ec22699933e768ef5868f2851a1b84baa",
	"wasm.go":     "10117b07fb7147cdfcd97d1e07cd010da30914e2a622b73d0242b5d9019796f8",
	"route.go":    "3252c7f2876cba69c3fbb203b0b4d5770ddd4651cdaf3ad69e5c33bfd1ccf5bd",
}

// patched holds the replacements; a touched file without one is left
// out. (.txt: they are go-app's package, not ours.)
//
//go:embed patched/*.go.txt
var patched embed.FS

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./frontend/wasm/modfile DIR (writes DIR/go.mod, DIR/go.sum and DIR/go-app)")
		os.Exit(2)
	}
	if err := write(".", os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "modfile:", err)
		os.Exit(1)
	}
}

// write makes dir/go-app, then dir/go.mod and dir/go.sum from those in
// root, the repository's root (where the Taskfile and the Dockerfile run
// it).
func write(root, dir string) error {
	src, err := moduleDir(root)
	if err != nil {
		return err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	dst := filepath.Join(dir, "go-app")
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := copyModule(src, dst); err != nil {
		return err
	}
	if err := patch(filepath.Join(src, "pkg", "app"), filepath.Join(dst, "pkg", "app")); err != nil {
		return err
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	if bytes.Contains(mod, []byte("\nreplace")) {
		return fmt.Errorf("go.mod has a replace already: fold it into %s/go.mod by hand", dir)
	}
	mod = fmt.Appendf(mod, "\n// Written by frontend/wasm/modfile: go-app without its server half.\nreplace %s => %s\n", module, dst)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

// moduleDir is where go-app's source is, at the version root's go.mod
// requires. `go mod download` fetches it first: on a fresh machine the
// module cache may hold go-app's go.mod (enough for go list -m) but not
// its source, and go list -m then gives an empty Dir.
func moduleDir(root string) (string, error) {
	download := exec.Command("go", "mod", "download", "-json", module)
	download.Dir = root
	var stderr bytes.Buffer
	download.Stderr = &stderr
	out, err := download.Output()
	var got struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &got); err == nil && jsonErr != nil {
		err = jsonErr
	}
	switch {
	case got.Error != "":
		return "", fmt.Errorf("download %s: %s", module, got.Error)
	case err != nil:
		return "", fmt.Errorf("download %s: %w %s", module, err, strings.TrimSpace(stderr.String()))
	case got.Dir == "":
		return "", fmt.Errorf("download %s: go mod download gave no directory", module)
	}
	return got.Dir, nil
}

// copyModule copies go.mod, LICENSE and the Go files (tests left out) of
// packages from src to dst.
func copyModule(src, dst string) error {
	files := []string{"go.mod", "LICENSE"}
	for _, pkg := range packages {
		names, err := filepath.Glob(filepath.Join(src, pkg, "*.go"))
		if err != nil {
			return err
		}
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				files = append(files, filepath.Join(pkg, filepath.Base(n)))
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// patch checks each touched file of the released pkg/app (orig) and
// replaces or removes it in the copy.
func patch(orig, copied string) error {
	for name, sum := range touched {
		b, err := os.ReadFile(filepath.Join(orig, name))
		if err != nil {
			return err
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
			return fmt.Errorf("go-app's pkg/app/%s is not the file the patch was made from: redo frontend/wasm/modfile for this release", name)
		}
		p, err := patched.ReadFile("patched/" + name + ".txt")
		if err != nil {
			err = os.Remove(filepath.Join(copied, name))
		} else {
			err = os.WriteFile(filepath.Join(copied, name), p, 0o644)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
