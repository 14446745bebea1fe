package static

import (
	"path"
	"regexp"
)

// contentTypes is the exact Content-Type of each extension we serve. It
// does not come from mime.TypeByExtension, whose answers depend on the
// machine's /etc/mime.types.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".webp":        "image/webp",
	".gif":         "image/gif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
}

const defaultContentType = "application/octet-stream"

func contentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return defaultContentType
}

// Compressible reports whether name is worth precompressing: the text and
// wasm types. Images and fonts are compressed already.
func Compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".css", ".js", ".mjs", ".json", ".map", ".webmanifest", ".wasm", ".txt", ".xml", ".svg", ".ico":
		return true
	}
	return false
}

// hashedName matches names that carry their content's hash, such as
// app.3f2a9c1b.css: those never change, so they may be cached forever.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

func cacheControl(name string) string {
	if hashedName.MatchString(name) {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache" // revalidate each time; the ETag makes that a 304
}
