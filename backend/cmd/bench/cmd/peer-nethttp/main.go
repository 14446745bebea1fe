// Command peer-nethttp serves a folder with net/http's FileServer: the
// baseline of bench:http.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	root := flag.String("root", ".", "folder to serve")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	println("listening on http://" + l.Addr().String())
	log.Fatal(http.Serve(l, http.FileServer(http.Dir(*root))))
}
