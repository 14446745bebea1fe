// Package static serves the app's files (app.wasm, icons, CSS, favicon)
// from an fs.FS, embedded or on disk, for GET and HEAD.
//
// The tree is indexed once, when the handler is made: only regular files
// found then are ever served, so a path can name nothing outside the root
// (no "..", no symlink, nothing added later). Each file carries its exact
// Content-Type, an ETag from its content, a Last-Modified, and the
// brotli and gzip variants built beside it (name.br, name.gz) at build
// time, chosen by Accept-Encoding. A request with no condition and no
// Range is answered from precomputed headers; the others go through
// http.ServeContent.
package static
