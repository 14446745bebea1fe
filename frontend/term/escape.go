package term

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// isBidiControl reports the characters that reorder a line (Unicode
// UAX #9 explicit formatting characters and marks).
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// Escape makes one line of user text safe to print: C0 controls, DEL, C1
// controls (U+009B is an 8-bit CSI) and the bidi controls come out as
// visible escapes (\x1b, \u202e), so a post can neither move the cursor,
// retitle the terminal nor reorder the line. Invalid UTF-8 bytes come out
// as \xNN.
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case 0x80 <= r && r <= 0x9f, isBidiControl(r), r == 0x2028, r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// EscapeText escapes a post for printing: its further lines are indented
// by two spaces, each line escaped.
func EscapeText(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n  ")
}
