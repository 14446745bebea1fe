package board

import (
	"errors"
	"fmt"
	"time"

	"liveboard/shared/protocol"
)

// RateLimitedError refuses a post over the caller's rate; RetryAfter is
// when a token will be back.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many posts: wait %s", e.RetryAfter.Round(time.Second))
}

// codeOf is the one table from the service's errors to the protocol's
// codes. Anything not here is the server's fault (the store failed).
var codeOf = []struct {
	err  error
	code string
}{
	{ErrNotFound, protocol.CodeNotFound},
	{ErrForbidden, protocol.CodeForbidden},
	{protocol.ErrTooLong, protocol.CodeTooLong},
	{protocol.ErrEmpty, protocol.CodeBadRequest},
	{protocol.ErrBadText, protocol.CodeBadRequest},
	{protocol.ErrBadName, protocol.CodeBadRequest},
	{protocol.ErrBadID, protocol.CodeBadRequest},
	{protocol.ErrBadToken, protocol.CodeBadRequest},
	{protocol.ErrBadBoard, protocol.CodeBadRequest},
	{protocol.ErrBadLimit, protocol.CodeBadRequest},
	{protocol.ErrBadSeq, protocol.CodeBadRequest},
	{protocol.ErrBadAuthor, protocol.CodeBadRequest},
}

// ErrorCode maps an error of the service to the protocol's error code, and
// reports false for errors that are the server's fault.
func ErrorCode(err error) (string, bool) {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return protocol.CodeRateLimited, true
	}
	for _, e := range codeOf {
		if errors.Is(err, e.err) {
			return e.code, true
		}
	}
	return "", false
}
