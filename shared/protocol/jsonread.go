package protocol

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads the JSON that json.Marshal writes, token by token,
// without reflection. It is deliberately narrow: each method reports
// false on anything outside that form (a surrogate escape, invalid
// UTF-8, a fraction where an integer belongs, a key it does not know),
// and the caller then decodes with encoding/json instead. So every input
// it accepts decodes exactly as json.Unmarshal decodes it, and everything
// else still decodes as before (decode_test.go holds the two equal).
type jsonReader struct {
	b []byte
	i int
}

// space skips JSON's four whitespace bytes.
func (r *jsonReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// take consumes c, after whitespace, if it comes next.
func (r *jsonReader) take(c byte) bool {
	r.space()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left.
func (r *jsonReader) end() bool {
	r.space()
	return r.i == len(r.b)
}

// literal consumes word (true, false, null) when it comes next as a whole token.
func (r *jsonReader) literal(word string) bool {
	r.space()
	if len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		return false
	}
	if j := r.i + len(word); j < len(r.b) && !delimiter(r.b[j]) {
		return false
	}
	r.i += len(word)
	return true
}

// delimiter reports the bytes that may follow a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '}', ']':
		return true
	}
	return false
}

// null consumes a null.
func (r *jsonReader) null() bool { return r.literal("null") }

// boolean reads true or false.
func (r *jsonReader) boolean() (v, ok bool) {
	if r.literal("true") {
		return true, true
	}
	return false, r.literal("false")
}

// integer reads an integer in JSON's grammar (no leading zero, no
// fraction or exponent) that fits in bits.
func (r *jsonReader) integer(bits int) (int64, bool) {
	r.space()
	start, j := r.i, r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
		j++
	}
	if j == digits || (r.b[digits] == '0' && j-digits > 1) || (j < len(r.b) && !delimiter(r.b[j])) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(r.b[start:j]), 10, bits)
	if err != nil {
		return 0, false
	}
	r.i = j
	return n, true
}

// rawString reads a string token and returns it with its quotes, as
// encoding/json hands it to an Unmarshaler (time.Time's).
func (r *jsonReader) rawString() ([]byte, bool) {
	r.space()
	start := r.i
	if _, ok := r.str(); !ok {
		return nil, false
	}
	return r.b[start:r.i], true
}

// str reads a string: valid UTF-8, with JSON's escapes except surrogate
// pairs (json.Marshal never writes those). The common string, without
// escapes, is read here; one with escapes in escaped. Kept apart, this
// function stays small, and in the browser small is what keeps V8 from
// recompiling it while the page starts (see Board.Render in frontend/ui).
func (r *jsonReader) str() (string, bool) {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return "", false
	}
	start := r.i + 1
	j := start
	for j < len(r.b) && r.b[j] != '"' && r.b[j] != '\\' && r.b[j] >= 0x20 {
		j++
	}
	if j >= len(r.b) || r.b[j] != '"' {
		return r.escaped(start)
	}
	if !utf8.Valid(r.b[start:j]) {
		return "", false
	}
	r.i = j + 1
	return string(r.b[start:j]), true
}

// escaped reads the rest of a string with escapes, from its first byte.
func (r *jsonReader) escaped(j int) (string, bool) {
	var out []byte
	for {
		seg := j
		for j < len(r.b) && r.b[j] != '"' && r.b[j] != '\\' && r.b[j] >= 0x20 {
			j++
		}
		if j >= len(r.b) || r.b[j] < 0x20 || !utf8.Valid(r.b[seg:j]) {
			return "", false
		}
		out = append(out, r.b[seg:j]...)
		if r.b[j] == '"' {
			r.i = j + 1
			return string(out), true
		}
		c, n, ok := unescape(r.b[j:])
		if !ok {
			return "", false
		}
		out = utf8.AppendRune(out, c)
		j += n
	}
}

// unescape reads one escape at the start of b (which begins with a
// backslash): the rune and the bytes it took.
func unescape(b []byte) (rune, int, bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	switch b[1] {
	case '"', '\\', '/':
		return rune(b[1]), 2, true
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'u':
		if len(b) < 6 {
			return 0, 0, false
		}
		n, err := strconv.ParseUint(string(b[2:6]), 16, 16)
		if err != nil || utf16.IsSurrogate(rune(n)) {
			return 0, 0, false
		}
		return rune(n), 6, true
	}
	return 0, 0, false
}

// object reads {"key": value, …}, handing each key to field, which reads
// the value.
func (r *jsonReader) object(field func(key string) bool) bool {
	if !r.take('{') {
		return false
	}
	if r.take('}') {
		return true
	}
	for {
		key, ok := r.str()
		if !ok || !r.take(':') || !field(key) {
			return false
		}
		if r.take('}') {
			return true
		}
		if !r.take(',') {
			return false
		}
	}
}

// array reads [value, …], calling elem to read each value.
func (r *jsonReader) array(elem func() bool) bool {
	if !r.take('[') {
		return false
	}
	if r.take(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if r.take(']') {
			return true
		}
		if !r.take(',') {
			return false
		}
	}
}
