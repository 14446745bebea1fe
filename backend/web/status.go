package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"liveboard/backend/board"
	"liveboard/shared/protocol"
)

// httpStatus is the one table from the protocol's error codes to HTTP
// statuses. A code not here is the server's fault: 500.
var httpStatus = map[string]int{
	protocol.CodeBadRequest:  http.StatusBadRequest,
	protocol.CodeForbidden:   http.StatusForbidden,
	protocol.CodeNotFound:    http.StatusNotFound,
	protocol.CodeTooLong:     http.StatusRequestEntityTooLarge,
	protocol.CodeRateLimited: http.StatusTooManyRequests,
}

// codeInternal is the code of a 500, which is no protocol code.
const codeInternal = "internal"

// statusOf maps an error of the service to a status, a code and a message
// safe to show. A 429 sets Retry-After on w.
func statusOf(w http.ResponseWriter, err error) (int, string, string) {
	code, ok := board.ErrorCode(err)
	if !ok {
		return http.StatusInternalServerError, codeInternal, "storage failed, try again"
	}
	var rl *board.RateLimitedError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(rl.RetryAfter)))
	}
	return httpStatus[code], code, err.Error()
}

// retryAfterSeconds rounds up: a client that waits the whole seconds
// finds a token.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
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

// writeServiceError answers err as the API does.
func writeServiceError(w http.ResponseWriter, err error) {
	status, code, msg := statusOf(w, err)
	writeAPIError(w, status, code, msg)
}
