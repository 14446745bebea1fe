// Package floor holds the two floors that `go tool task bench:startup`
// and `go tool task lighthouse` measure beside liveboard's page, in the
// same run and the same browser (serve.js serves them to both):
//
//   - runtime: a Go Wasm that only writes "online" into the page's status.
//     What Go's runtime costs before any of our code runs.
//   - goapp: a go-app v10 page whose one component renders "online", built
//     like app.wasm (go-app without its server half, -trimpath -s). What
//     any go-app page costs, with its loader and service worker.
//
// The gap between liveboard's page and the goapp floor is ours to cut;
// the goapp floor is where the mandated stack stops.
package floor
