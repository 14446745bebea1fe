// Package ui is liveboard's browser app, written with go-app: the board
// component, its socket loop and its local storage. It is compiled twice:
// to WebAssembly (frontend/wasm) and into the server, which pre-renders
// the first page with it. It must not import server code: the Wasm build
// would grow with it.
//
// Things go-app makes us do on purpose (see the comments where they are):
//   - the tree has a fixed shape; conditional parts are hidden, not removed,
//     so that the composer's textarea is never remounted (draft and focus);
//   - the textarea is not bound to state and is cleared through the DOM
//     (Value("") does not clear it: go-app issue #1083);
//   - user strings go in text nodes only: go-app quotes pre-rendered
//     attributes with Go quoting, not HTML escaping;
//   - the socket loop starts in OnMount: OnNav also runs while the server
//     pre-renders.
package ui
