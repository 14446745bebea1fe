// Command precompress writes name.br and name.gz beside each compressible
// file under a folder, for the static handler to serve by Accept-Encoding.
// A variant that would not be smaller is not written (and an old one is
// removed), so the handler never serves a larger body than the original.
//
//	go run ./backend/cmd/precompress assets/public
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"

	"liveboard/backend/static"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !static.Compressible(p) ||
			strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for suffix, compress := range map[string]func(io.Writer) io.WriteCloser{
			".br": func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) },
			".gz": func(w io.Writer) io.WriteCloser { z, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return z },
		} {
			if err := writeVariant(p+suffix, src, compress); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeVariant(name string, src []byte, compress func(io.Writer) io.WriteCloser) error {
	if upToDate(name, strings.TrimSuffix(name, filepath.Ext(name))) {
		return nil
	}
	var buf bytes.Buffer
	zw := compress(&buf)
	if _, err := zw.Write(src); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if buf.Len() >= len(src) {
		os.Remove(name)
		return nil
	}
	fmt.Printf("%s: %d -> %d bytes\n", name, len(src), buf.Len())
	return os.WriteFile(name, buf.Bytes(), 0o644)
}

// upToDate reports whether variant was written after its source changed.
func upToDate(variant, source string) bool {
	v, err1 := os.Stat(variant)
	s, err2 := os.Stat(source)
	return err1 == nil && err2 == nil && v.ModTime().After(s.ModTime())
}
