//go:build unix

package web

import (
	"net"
	"syscall"
)

// rawSocket is the socket under c to wait on, nil when there is none.
func rawSocket(c net.Conn) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// waitReadable parks until the socket has bytes (or an error) for a read,
// without reading them (MSG_PEEK), on the runtime's poller: the stack
// holds only this wait.
func waitReadable(rc syscall.RawConn) {
	var b [1]byte
	rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return err != syscall.EAGAIN
	})
}
