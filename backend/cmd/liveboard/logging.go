package main

import (
	"io"
	"log/slog"
)

// newLogger logs to w as text or JSON (-log-format).
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
