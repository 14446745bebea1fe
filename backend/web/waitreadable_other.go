//go:build !unix

package web

import (
	"net"
	"syscall"
)

// rawSocket: without MSG_PEEK there is no wait that leaves the bytes, so
// the reader parks in coder/websocket's Read.
func rawSocket(net.Conn) syscall.RawConn { return nil }

func waitReadable(syscall.RawConn) {}
