// Command peer-liveboard serves a folder with liveboard's own server and
// static handler: the same code the liveboard binary runs, on the bench's
// files.
package main

import (
	"flag"
	"log"
	"net"
	"os"

	"liveboard/backend/http1"
	"liveboard/backend/static"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	root := flag.String("root", ".", "folder to serve")
	flag.Parse()
	h, err := static.New(os.DirFS(*root), static.Options{})
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	println("listening on http://" + l.Addr().String())
	log.Fatal((&http1.Server{Handler: h}).Serve(l))
}
