package static

import (
	"strconv"
	"strings"
)

// Content codings we precompress, best first.
const (
	codingBrotli = "br"
	codingGzip   = "gzip"
)

var codings = []string{codingBrotli, codingGzip}

// variantSuffix is the file name suffix of each coding's variant.
var variantSuffix = map[string]string{codingBrotli: ".br", codingGzip: ".gz"}

// accepts reports whether an Accept-Encoding value allows coding
// (RFC 9110 §12.5.3): listed, or covered by "*", with a q above zero.
func accepts(acceptEncoding, coding string) bool {
	q, wildcard := -1.0, -1.0
	for elem := range strings.SplitSeq(acceptEncoding, ",") {
		name, params, _ := strings.Cut(elem, ";")
		name = strings.TrimSpace(name)
		weight := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					weight = f
				} else {
					weight = 0
				}
			}
		}
		switch {
		case strings.EqualFold(name, coding):
			q = weight
		case name == "*":
			wildcard = weight
		}
	}
	if q < 0 {
		q = wildcard
	}
	return q > 0
}
