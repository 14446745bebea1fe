package web

import (
	"errors"
	"html"
	"net/http"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// FormPost takes the classic UTF-8 form post to /b/{board} (fields text,
// name and a hidden id the page was rendered with) and answers 303 back to
// the board. It is what a browser without the Wasm app sends. Its posts
// carry no token: they are stored under board.AnonymousAuthor.
func FormPost(deps *Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("board")
		r.Body = http.MaxBytesReader(w, r.Body, board.MaxAPIBodyBytes)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				formError(w, http.StatusRequestEntityTooLarge, name, "The post is too long.")
				return
			}
			formError(w, http.StatusBadRequest, name, "The form could not be read.")
			return
		}
		id := r.PostForm.Get("id")
		if id == "" {
			id = NewFormID() // not idempotent, but not lost either
		}
		postName := r.PostForm.Get("name")
		if postName == "" {
			postName = board.AnonymousAuthor
		}
		c := board.Caller{Anonymous: true, Addr: deps.Proxies.ClientAddr(r)}
		p := board.Post{Board: name, ID: id, Name: postName, Text: r.PostForm.Get("text")}
		if _, _, err := deps.Service.Post(r.Context(), c, p); err != nil {
			status, code, msg := statusOf(w, err)
			switch code {
			case protocol.CodeRateLimited:
				msg = "Too many posts. Wait a few seconds, then go back and send again."
			case codeInternal:
				msg = "The post could not be stored. Go back and send again."
			}
			formError(w, status, name, msg)
			return
		}
		http.Redirect(w, r, "/b/"+name, http.StatusSeeOther)
	})
}

// NewFormID makes the hidden id of a rendered form.
func NewFormID() string { return protocol.NewID("form-") }

func formError(w http.ResponseWriter, status int, boardName, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	back := "/"
	if protocol.ValidBoard(boardName) {
		back = "/b/" + boardName
	}
	w.Write([]byte(`<!doctype html><html lang="en"><meta charset="utf-8"><title>liveboard: not posted</title>` +
		`<p>` + html.EscapeString(msg) + `</p><p><a href="` + back + `">Back to the board</a></p>`))
}
