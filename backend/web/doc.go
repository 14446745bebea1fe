// Package web is the board's HTTP surface: the WebSocket endpoint
// (socket.go, through github.com/coder/websocket), the JSON API for curl
// and bots (api.go), and the classic form post (form.go). Each is an
// http.Handler built from a board.Service.
package web
