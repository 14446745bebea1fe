package client

import (
	"bufio"
	"io"
	"strings"
)

// EventReader parses a text/event-stream (the WHATWG HTML "server-sent
// events" format): fields event, data, id and retry, events ended by an
// empty line, comments from ":". A native EventStream is built on it.
type EventReader struct {
	br *bufio.Reader
}

// NewEventReader reads events from r.
func NewEventReader(r io.Reader) *EventReader {
	return &EventReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next event with data; an error (io.EOF at the end)
// ends the stream.
func (r *EventReader) Next() (Event, error) {
	var ev Event
	var data []string
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			return Event{}, err
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" {
			if data == nil {
				ev = Event{} // an event without data is not dispatched
				continue
			}
			ev.Data = strings.Join(data, "\n")
			if ev.Type == "" {
				ev.Type = "message"
			}
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Type = value
		case "data":
			data = append(data, value)
		case "id":
			ev.ID = value
		}
	}
}
