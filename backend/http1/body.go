package http1

import (
	"errors"
	"io"
	"net/http"
	"sync"
)

// body reads a request body bounded by its framing: Content-Length bytes,
// or chunks (RFC 9112 §7.1) parsed strictly. It is the Body of the
// *http.Request handed to handlers.
type body struct {
	c         *conn
	mu        sync.Mutex // Close may race Read, as net/http allows
	chunked   bool
	remaining int64  // bytes left: of the body, or of the current chunk
	needCRLF  bool   // a chunk's data ended and its CRLF is not read yet
	started   bool   // the first chunk-size line was read
	err       error  // sticky: io.EOF once done, or what broke the framing
	onRead    func() // sends 100 Continue before the first read
	closed    bool
}

var errBodyClosed = errors.New("http1: read on a closed request body")

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, errBodyClosed
	}
	if b.err != nil {
		return 0, b.err
	}
	if b.onRead != nil {
		b.onRead()
		b.onRead = nil
	}
	n, err := b.read(p)
	if err != nil {
		b.err = err
		if err == io.EOF {
			b.c.bodyDone()
		} else {
			b.c.keepAlive.Store(false) // the message boundary is lost
		}
	}
	return n, err
}

func (b *body) read(p []byte) (int, error) {
	if b.chunked && b.remaining == 0 {
		if err := b.nextChunk(); err != nil {
			return 0, err
		}
	}
	if b.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	b.c.armBodyRead()
	n, err := b.c.br.Read(p)
	b.remaining -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err == nil && b.remaining == 0 {
		if b.chunked {
			b.needCRLF = true
		} else {
			err = io.EOF
		}
	}
	return n, err
}

// nextChunk reads up to the next chunk's data: the CRLF closing the last
// chunk, and a chunk-size line. After the last chunk it reads the trailer
// section and reports io.EOF.
func (b *body) nextChunk() error {
	b.c.armBodyRead()
	if b.needCRLF {
		if err := b.expectCRLF(); err != nil {
			return err
		}
		b.needCRLF = false
	}
	line, err := readLine(b.c.br, b.c.scratch[:0], MaxChunkLineBytes, http.StatusBadRequest, "chunk-size line too long")
	if err != nil {
		return err
	}
	size, err := parseChunkSize(line)
	if err != nil {
		return err
	}
	if size == 0 {
		return b.skipTrailers()
	}
	b.remaining = size
	return nil
}

func (b *body) expectCRLF() error {
	c, err := b.c.br.ReadByte()
	if err == nil && c == '\r' {
		c, err = b.c.br.ReadByte()
	}
	if err != nil {
		return io.ErrUnexpectedEOF
	}
	if c != '\n' {
		return refuse(http.StatusBadRequest, "chunk data not followed by CRLF")
	}
	return nil
}

// skipTrailers reads trailer fields up to the empty line and drops them:
// no handler here needs them, and dropping them means no one can smuggle a
// header through them.
func (b *body) skipTrailers() error {
	total := 0
	for {
		line, err := readLine(b.c.br, b.c.scratch[:0], MaxTrailerBytes-total, http.StatusBadRequest, "trailer section too large")
		if err != nil {
			return err
		}
		if isEmptyLine(line) {
			return io.EOF
		}
		total += len(line)
	}
}

// parseChunkSize parses chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1):
// 1*HEXDIG, nothing signed, no 0x, no underscores, no overflow.
func parseChunkSize(line []byte) (int64, error) {
	n := len(line) - 1 // drop LF
	if n > 0 && line[n-1] == '\r' {
		n--
	}
	line = line[:n]
	var size int64
	i := 0
	for ; i < len(line) && isHex(line[i]); i++ {
		if i == MaxChunkSizeDigits {
			return 0, refuse(http.StatusBadRequest, "chunk size overflows")
		}
		size = size<<4 | int64(unhex(line[i]))
	}
	if i == 0 {
		return 0, refuse(http.StatusBadRequest, "chunk size is not hexadecimal")
	}
	rest := line[i:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') { // BWS before ";"
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] != ';' || (len(rest) == 0 && i < len(line)) {
		return 0, refuse(http.StatusBadRequest, "junk after chunk size")
	}
	for _, c := range rest {
		if c == '\r' || (c < ' ' && c != '\t') || c == 0x7f {
			return 0, refuse(http.StatusBadRequest, "control character in a chunk extension")
		}
	}
	return size, nil
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// Close stops the handler's reading. What is left is drained or the
// connection closed when the handler returns.
func (b *body) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

// drain reads what the handler left, up to MaxDrainBytes, so the
// connection can carry the next request. It reports whether it reached the
// end of the body.
func (b *body) drain() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == io.EOF {
		return true
	}
	if b.err != nil || b.onRead != nil { // broken, or 100 Continue never sent
		return false
	}
	defer b.c.limitDrain()()
	var buf [512]byte
	for total := 0; total <= MaxDrainBytes; {
		n, err := b.read(buf[:])
		total += n
		if err == io.EOF {
			b.err = io.EOF
			return true
		}
		if err != nil {
			b.err = err
			return false
		}
	}
	return false
}

// settleBody reports whether the connection can carry another request
// after this response, as far as the request body goes. A Content-Length
// body small enough is drained once the handler returns. A chunked body
// has no known size, so it is drained now, before the header goes out, as
// net/http does: answering first would let the peer's next chunk meet a
// closed socket. Either drain is bounded by MaxDrainBytes and MaxDrainTime.
func settleBody(req *http.Request) bool {
	b, ok := req.Body.(*body)
	if !ok {
		return true
	}
	b.mu.Lock()
	done, chunked := b.err == io.EOF, b.chunked
	fits := b.onRead == nil && (chunked || b.remaining <= MaxDrainBytes)
	b.mu.Unlock()
	switch {
	case done:
		return true
	case !fits:
		return false
	case chunked:
		return b.drain()
	}
	return true
}
