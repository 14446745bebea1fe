package http1

import (
	"io"
	"net/http"
	"testing"
)

func TestSmokeGet(t *testing.T) {
	_, addr := startServer(t, echoHandler)
	resp, err := http.Get("http://" + addr + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	t.Logf("%d %q %v", resp.StatusCode, b, resp.Header)
	t.Log(rawExchange(t, addr, "GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
}
