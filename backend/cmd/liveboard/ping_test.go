package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"liveboard/shared/protocol"
)

// The server pings an idle socket. Over plain TCP it takes the pongs off
// the wire itself (so that an idle reader parks on a small stack); under
// TLS coder/websocket reads them. Either way a client that answers stays
// through several pings, each answered within the timeout, and still gets
// posts; one that never reads, so never answers, is dropped once
// -ping-timeout passes.
func TestPingKeepsAnsweringClientsAndDropsSilentOnes(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"plain", false}, {"tls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			// Pings go out once a second at most (the session core's
			// heartbeat tick). The timeout is long enough that a loaded
			// machine still gets the answering client's pong in time.
			args := []string{"-ping-interval", "100ms", "-ping-timeout", "2s"}
			if tc.tls {
				args = append(args, selfSignedCert(t)...)
			}
			testPing(t, startApp(t, args...))
		})
	}
}

func testPing(t *testing.T, a *app) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var pinged atomic.Int32
	pingedThrice := make(chan struct{})
	answering, _, err := websocket.Dial(ctx, a.wsURL("lobby"), &websocket.DialOptions{
		HTTPClient: insecureClient,
		OnPingReceived: func(context.Context, []byte) bool {
			if pinged.Add(1) == 3 {
				close(pingedThrice)
			}
			return true // coder/websocket answers with a pong
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer answering.CloseNow()
	frames := make(chan protocol.ServerFrame, 64)
	hello(t, ctx, answering, tokenA)
	go func() {
		for {
			_, b, err := answering.Read(ctx)
			if err != nil {
				close(frames)
				return
			}
			var f protocol.ServerFrame
			json.Unmarshal(b, &f)
			frames <- f
		}
	}()

	// The silent client speaks WebSocket by hand and never answers a
	// ping. The server drops the socket: reading then ends.
	silent := rawWebSocket(t, a, "lobby")
	silent.Write(maskedText(`{"type":"hello","token":"` + tokenB + `"}`))
	silent.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.ReadAll(silent)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the silent client was never dropped")
	}
	if !bytes.Contains(got, []byte{0x89, 0x00}) {
		t.Fatalf("the silent client was dropped without a ping: %q", got)
	}

	select {
	case <-pingedThrice:
	case <-ctx.Done():
		t.Fatalf("the answering client got %d pings", pinged.Load())
	}
	// What follows the pongs on the wire is still read frame by frame: an
	// application ping is answered, and a post reaches the client.
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypePing})
	if err := answering.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	poster, _ := join(t, a, "lobby", tokenB, "bob", nil)
	poster.post("p1", "after three pings")
	ponged := false
	for f := range frames {
		ponged = ponged || f.Type == protocol.TypePong
		if f.Type == protocol.TypeMessage && f.Text == "after three pings" {
			if !ponged {
				t.Fatal("the application ping sent after the pongs was not answered")
			}
			return
		}
	}
	t.Fatal("the answering client was dropped")
}

// insecureClient trusts the test's self-signed certificate.
var insecureClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

// rawWebSocket opens /ws with a handshake of its own and returns the
// socket past the 101.
func rawWebSocket(t *testing.T, a *app, board string) net.Conn {
	t.Helper()
	host, secure := strings.CutPrefix(a.url, "https://")
	host = strings.TrimPrefix(host, "http://")
	var c net.Conn
	var err error
	if secure {
		c, err = tls.Dial("tcp", host, &tls.Config{InsecureSkipVerify: true})
	} else {
		c, err = net.Dial("tcp", host)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET /ws?board=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", board, host)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols || br.Buffered() > 0 {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return c
}

// maskedText is a client's text frame (RFC 6455 §5.3: clients mask).
func maskedText(s string) []byte {
	key := [4]byte{1, 2, 3, 4}
	b := []byte{0x81, 0x80 | byte(len(s)), key[0], key[1], key[2], key[3]}
	for i := range len(s) {
		b = append(b, s[i]^key[i%4])
	}
	return b
}

func hello(t *testing.T, ctx context.Context, c *websocket.Conn, token string) {
	t.Helper()
	b, _ := json.Marshal(protocol.ClientFrame{Type: protocol.TypeHello, Token: token})
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and returns the flags
// that serve it.
func selfSignedCert(t *testing.T) []string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	cert, keyFile := dir+"/cert.pem", dir+"/key.pem"
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return []string{"-tls-cert", cert, "-tls-key", keyFile}
}
