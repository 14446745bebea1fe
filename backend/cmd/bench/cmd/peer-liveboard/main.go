// Command peer-liveboard serves a folder with liveboard's own server and
// static handler: the same code the liveboard binary runs, on the bench's
// files.
package main

import (
	"flag"
	"log"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"liveboard/backend/http1"
	"liveboard/backend/static"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	root := flag.String("root", ".", "folder to serve")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the first -profile-for here")
	profileFor := flag.Duration("profile-for", 10*time.Second, "how long to profile")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		time.AfterFunc(*profileFor, func() { pprof.StopCPUProfile(); f.Close() })
	}
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
