// Command peer-fasthttp serves a folder with fasthttp's FS.
package main

import (
	"flag"
	"log"
	"net"

	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	root := flag.String("root", ".", "folder to serve")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fs := &fasthttp.FS{Root: *root, AcceptByteRange: true}
	println("listening on http://" + l.Addr().String())
	log.Fatal(fasthttp.Serve(l, fs.NewRequestHandler()))
}
