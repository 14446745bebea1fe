package web

import (
	"crypto/rand"
	"errors"
	"html"
	"net/http"
	"time"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// AnonymousAuthor is the author of posts made through the classic form,
// which carries no token.
const AnonymousAuthor = "anonymous"

// FormPost takes the classic UTF-8 form post to /b/{board} (fields text,
// name and a hidden id the page was rendered with) and answers 303 back to
// the board. It is what a browser without the Wasm app sends.
func FormPost(svc *board.Service) http.Handler {
	var buckets board.Buckets
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("board")
		if !protocol.ValidBoard(name) {
			formError(w, http.StatusBadRequest, name, protocol.ErrBadBoard.Error())
			return
		}
		if !buckets.Allow(clientAddr(r), svc.Rate, time.Now()) {
			formError(w, http.StatusTooManyRequests, name, "Too many posts. Wait a few seconds, then go back and send again.")
			return
		}
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
		postName, err := protocol.NormalizeName(r.PostForm.Get("name"))
		if err != nil {
			formError(w, http.StatusBadRequest, name, err.Error())
			return
		}
		if postName == "" {
			postName = "anonymous"
		}
		if _, _, err := svc.Post(r.Context(), name, AnonymousAuthor, postName, id, r.PostForm.Get("text")); err != nil {
			code, ok := board.ErrorCode(err)
			switch {
			case !ok:
				formError(w, http.StatusInternalServerError, name, "The post could not be stored. Go back and send again.")
			case code == protocol.CodeTooLong:
				formError(w, http.StatusRequestEntityTooLarge, name, err.Error())
			default:
				formError(w, http.StatusBadRequest, name, err.Error())
			}
			return
		}
		http.Redirect(w, r, "/b/"+name, http.StatusSeeOther)
	})
}

// NewFormID makes the hidden id of a rendered form.
func NewFormID() string { return "form-" + rand.Text() }

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
