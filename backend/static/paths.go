package static

import (
	"strings"
	"unicode/utf8"
)

// cleanPath turns a request's decoded URL path into a key of the index,
// or reports that it cannot name a file of ours. It refuses rather than
// repairs: a path with "..", "//", a backslash, a NUL, a dot-file, an
// encoded slash or invalid UTF-8 is not one our pages ever link to.
func cleanPath(urlPath, rawPath string) (string, bool) {
	if !strings.HasPrefix(urlPath, "/") || !utf8.ValidString(urlPath) {
		return "", false
	}
	if rawPath != "" && strings.Contains(strings.ToLower(rawPath), "%2f") {
		return "", false // an encoded slash would join two segments into one
	}
	if strings.ContainsAny(urlPath, "\\\x00") {
		return "", false
	}
	p := urlPath[1:]
	if p == "" {
		return "", true // the root directory
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(p, "/"), "/") {
		if seg == "" || seg[0] == '.' {
			return "", false // "//", ".", "..", and dot-files
		}
		for _, r := range seg {
			if r < 0x20 || r == 0x7f {
				return "", false
			}
		}
	}
	return p, true
}
