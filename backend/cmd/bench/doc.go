// Package bench holds the benchmark peers and drivers. It is its own
// module, so that the peers' dependencies (fasthttp) never reach
// liveboard's go.mod.
package bench
