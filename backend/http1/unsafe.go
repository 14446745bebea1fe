package http1

import "unsafe"

// unsafeBytes views s as bytes without copying. The bytes must not be
// written: Write only copies from them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
