// Package centrifugo only pins Centrifugo v5.4.9, bench:ws's third server,
// as a tool of its own module: its many dependencies stay out of
// liveboard's and the load generator's builds. The load generator builds
// it with `go build github.com/centrifugal/centrifugo/v5` from here.
package centrifugo
