package web

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// API is the plain HTTP interface for curl and bots:
//
//	GET  /api/boards/{board}/messages?after=S&limit=L
//	POST /api/boards/{board}/messages  {"id","text","name","token"}
type API struct {
	svc     *board.Service
	buckets board.Buckets // per client address
}

func NewAPI(svc *board.Service) *API { return &API{svc: svc} }

type messagesPage struct {
	Messages []protocol.Message `json:"messages"`
	Next     int64              `json:"next"`
	Head     int64              `json:"head"`
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, message
	writeJSON(w, status, e)
}

// List answers GET: messages in their current state, oldest first.
func (a *API) List(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("board")
	if !protocol.ValidBoard(name) {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, protocol.ErrBadBoard.Error())
		return
	}
	q := r.URL.Query()
	limit := protocol.DefaultPageLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > protocol.MaxHistoryLimit {
			writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, protocol.ErrBadLimit.Error())
			return
		}
		limit = n
	}
	var msgs []board.Message
	var head int64
	var err error
	after := int64(-1)
	if s := q.Get("after"); s != "" {
		after, err = strconv.ParseInt(s, 10, 64)
		if err != nil || after < 0 {
			writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, "after must be a seq (0 or more)")
			return
		}
		msgs, head, err = a.svc.Store.After(r.Context(), name, after, limit)
	} else {
		msgs, head, err = a.svc.Store.Latest(r.Context(), name, limit)
	}
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "internal", "storage failed")
		return
	}
	page := messagesPage{Messages: make([]protocol.Message, 0, len(msgs)), Next: max(after, 0), Head: head}
	for _, m := range msgs {
		page.Messages = append(page.Messages, board.MessageFrame(m))
		page.Next = m.Seq
	}
	writeJSON(w, http.StatusOK, page)
}

type postBody struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// Create answers POST: 201 {"seq"} for a new post, 200 for a repeated id.
func (a *API) Create(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("board")
	if !protocol.ValidBoard(name) {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, protocol.ErrBadBoard.Error())
		return
	}
	if !a.buckets.Allow(clientAddr(r), a.svc.Rate, time.Now()) {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.svc.Rate.Window.Seconds())))
		writeAPIError(w, http.StatusTooManyRequests, protocol.CodeRateLimited, "too many posts: wait a few seconds")
		return
	}
	var body postBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, board.MaxAPIBodyBytes))
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAPIError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLong, "body is larger than 64 KiB")
			return
		}
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, "body is not a JSON object: "+err.Error())
		return
	}
	if err := protocol.ValidToken(body.Token); err != nil {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	postName, err := protocol.NormalizeName(body.Name)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	author, _ := a.svc.Identify(body.Token)
	seq, dup, err := a.svc.Post(r.Context(), name, author, postName, body.ID, body.Text)
	if err != nil {
		code, ok := board.ErrorCode(err)
		switch {
		case !ok:
			writeAPIError(w, http.StatusInternalServerError, "internal", "storage failed")
		case code == protocol.CodeTooLong:
			writeAPIError(w, http.StatusRequestEntityTooLarge, code, err.Error())
		default:
			writeAPIError(w, http.StatusBadRequest, code, err.Error())
		}
		return
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]int64{"seq": seq})
}

// clientAddr is the address a rate limit applies to: the peer's IP.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
