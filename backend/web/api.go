package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// API is the plain HTTP interface, for curl and bots, and the upward half
// of the SSE fallback:
//
//	GET    /api/boards/{board}/messages?after=S|before=S&limit=L
//	POST   /api/boards/{board}/messages        {"id","text","name","token"}
//	PATCH  /api/boards/{board}/messages/{seq}  {"text","token"}
//	DELETE /api/boards/{board}/messages/{seq}  {"token"}
//
// Nothing here keeps per-connection state: any node answers any request.
type API struct{ deps *Deps }

func NewAPI(deps *Deps) *API { return &API{deps: deps} }

type messagesPage struct {
	Messages []protocol.Message `json:"messages"`
	Next     int64              `json:"next"`
	Head     int64              `json:"head,omitempty"`
	More     bool               `json:"more,omitempty"`
}

// List answers GET: messages in their current state, oldest first. With
// after, the page after it (Next is where to go on); with before, the page
// before it (More says whether older ones exist); with neither, the newest.
func (a *API) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := protocol.DefaultPageLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1
		}
		limit = n
	}
	after, errA := seqParam(q.Get("after"))
	before, errB := seqParam(q.Get("before"))
	if errA != nil || errB != nil {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, "after and before must be seqs (0 or more)")
		return
	}
	svc, ctx, boardName := a.deps.Service, r.Context(), r.PathValue("board")
	var page board.Page
	var err error
	switch {
	case after >= 0 && before >= 0:
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, "give after or before, not both")
		return
	case after >= 0:
		page, err = svc.After(ctx, boardName, after, limit)
	case before >= 0:
		page, err = svc.History(ctx, boardName, before, limit)
	default:
		page, err = svc.Latest(ctx, boardName, limit)
	}
	if err != nil {
		writeServiceError(w, err)
		return
	}
	out := messagesPage{Messages: make([]protocol.Message, 0, len(page.Messages)), Next: max(after, 0), Head: page.Head, More: page.More}
	for _, m := range page.Messages {
		out.Messages = append(out.Messages, board.MessageFrame(m))
		out.Next = m.Seq
	}
	writeJSON(w, http.StatusOK, out)
}

// seqParam reads an optional seq: -1 when absent.
func seqParam(s string) (int64, error) {
	if s == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, protocol.ErrBadSeq
	}
	return n, nil
}

type writeBody struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// decode reads a JSON body of at most MaxAPIBodyBytes, answering the
// request itself when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, board.MaxAPIBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAPIError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLong, "body is larger than 64 KiB")
			return false
		}
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, "body is not a JSON object: "+err.Error())
		return false
	}
	return true
}

func (a *API) caller(r *http.Request, token string) board.Caller {
	board.MeterOr(a.deps.Service.Meter).Received("http", 1) // every write asks who calls
	return board.Caller{Token: token, Addr: a.deps.Proxies.ClientAddr(r)}
}

// Create answers POST: 201 {"seq"} for a new post, 200 for a repeated id.
func (a *API) Create(w http.ResponseWriter, r *http.Request) {
	var body writeBody
	if !decode(w, r, &body) {
		return
	}
	p := board.Post{Board: r.PathValue("board"), ID: body.ID, Name: body.Name, Text: body.Text}
	ev, dup, err := a.deps.Service.Post(r.Context(), a.caller(r, body.Token), p)
	if err != nil {
		writeServiceError(w, err)
		return
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]int64{"seq": ev.Seq})
}

// readTarget reads the {seq} of PATCH and DELETE and the body, answering the
// request itself when it cannot.
func readTarget(w http.ResponseWriter, r *http.Request, body *writeBody) (int64, bool) {
	seq, err := seqParam(r.PathValue("seq"))
	if err != nil || seq <= 0 {
		writeAPIError(w, http.StatusBadRequest, protocol.CodeBadRequest, protocol.ErrBadSeq.Error())
		return 0, false
	}
	return seq, decode(w, r, body)
}

// Edit answers PATCH: 200 {"seq"} with the edit's own seq.
func (a *API) Edit(w http.ResponseWriter, r *http.Request) {
	var body writeBody
	target, ok := readTarget(w, r, &body)
	if !ok {
		return
	}
	seq, err := a.deps.Service.Edit(r.Context(), a.caller(r, body.Token), board.Edit{Board: r.PathValue("board"), Seq: target, Text: body.Text})
	if err != nil {
		writeServiceError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"seq": seq})
}

// Delete answers DELETE: 200 {"seq"} with the delete's own seq.
func (a *API) Delete(w http.ResponseWriter, r *http.Request) {
	var body writeBody
	target, ok := readTarget(w, r, &body)
	if !ok {
		return
	}
	seq, err := a.deps.Service.Delete(r.Context(), a.caller(r, body.Token), board.Delete{Board: r.PathValue("board"), Seq: target})
	if err != nil {
		writeServiceError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"seq": seq})
}
