package protocol

import (
	"encoding/json"
	"strconv"
	"time"
)

// DecodeServerFrame decodes a server frame exactly as json.Unmarshal
// into a ServerFrame does, but reads the form json.Marshal writes without
// reflection, falling back to encoding/json for anything else.
//
// Why: in the browser, encoding/json's reflective decoder was the
// largest part of app.wasm that V8 found hot while the page started (it
// decodes the catch-up), and so recompiled with its optimizing tier on
// the machine's other core: about half of that compile time, which a
// two-core machine takes from the main thread (issue 12's startup
// figures; docs/architecture.md).
func DecodeServerFrame(b []byte) (ServerFrame, error) {
	if f, ok := readServerFrame(b); ok {
		return f, nil
	}
	var f ServerFrame
	err := json.Unmarshal(b, &f)
	return f, err
}

// DecodeServerFrames decodes a JSON array of server frames, as
// json.Unmarshal into a []ServerFrame does (see DecodeServerFrame).
func DecodeServerFrames(b []byte) ([]ServerFrame, error) {
	if fs, ok := readServerFrames(b); ok {
		return fs, nil
	}
	var fs []ServerFrame
	err := json.Unmarshal(b, &fs)
	return fs, err
}

// readServerFrame is DecodeServerFrame's reader; false means "use
// encoding/json".
func readServerFrame(b []byte) (ServerFrame, bool) {
	var f ServerFrame
	r := jsonReader{b: b}
	ok := r.object(func(key string) bool { return f.field(&r, key) }) && r.end()
	return f, ok
}

// readServerFrames is DecodeServerFrames' reader.
func readServerFrames(b []byte) ([]ServerFrame, bool) {
	r := jsonReader{b: b}
	if r.null() && r.end() {
		return nil, true
	}
	r = jsonReader{b: b}
	fs := []ServerFrame{}
	elem := func() bool {
		var f ServerFrame
		if !r.object(func(key string) bool { return f.field(&r, key) }) {
			return false
		}
		fs = append(fs, f)
		return true
	}
	ok := r.array(elem) && r.end()
	return fs, ok
}

// field reads the value of key into f. A null leaves a field as it is,
// or makes a pointer or slice nil, as encoding/json does.
func (f *ServerFrame) field(r *jsonReader, key string) bool {
	switch key {
	case "type":
		return r.stringInto(&f.Type)
	case "seq":
		return r.intInto(&f.Seq, 64)
	case "target":
		return r.intInto(&f.Target, 64)
	case "id":
		return r.stringInto(&f.ID)
	case "author":
		return r.stringInto(&f.Author)
	case "name":
		return r.stringInto(&f.Name)
	case "text":
		return r.stringInto(&f.Text)
	case "at":
		return r.timeInto(&f.At)
	case "edited_at":
		if r.null() {
			f.EditedAt = nil
			return true
		}
		t := new(time.Time)
		f.EditedAt = t
		return r.timeInto(t)
	case "deleted":
		return r.boolInto(&f.Deleted)
	case "board":
		return r.stringInto(&f.Board)
	case "you":
		return r.stringInto(&f.You)
	case "head":
		return r.intInto(&f.Head, 64)
	case "more":
		return r.boolInto(&f.More)
	case "online":
		n := int64(f.Online)
		ok := r.intInto(&n, strconv.IntSize)
		f.Online = int(n)
		return ok
	case "names":
		return r.stringsInto(&f.Names)
	case "code":
		return r.stringInto(&f.Code)
	case "message":
		return r.stringInto(&f.Message)
	case "retry_after_ms":
		return r.intInto(&f.RetryAfterMS, 64)
	}
	// Another key: encoding/json matches keys case-insensitively and
	// skips unknown ones; the fallback does both.
	return false
}

// readInto reads a value with read into v; a null leaves v as it is.
func readInto[T any](r *jsonReader, v *T, read func() (T, bool)) bool {
	if r.null() {
		return true
	}
	x, ok := read()
	*v = x
	return ok
}

func (r *jsonReader) stringInto(v *string) bool { return readInto(r, v, r.str) }
func (r *jsonReader) boolInto(v *bool) bool     { return readInto(r, v, r.boolean) }
func (r *jsonReader) intInto(v *int64, bits int) bool {
	return readInto(r, v, func() (int64, bool) { return r.integer(bits) })
}

// timeInto hands the string token to time.Time's UnmarshalJSON, as
// encoding/json does (a null leaves the time, as that method does).
func (r *jsonReader) timeInto(t *time.Time) bool {
	if r.null() {
		return true
	}
	raw, ok := r.rawString()
	return ok && t.UnmarshalJSON(raw) == nil
}

// stringsInto reads an array of strings into a new slice ([] gives an
// empty one, null a nil one).
func (r *jsonReader) stringsInto(v *[]string) bool {
	if r.null() {
		*v = nil
		return true
	}
	out := []string{}
	ok := r.array(func() bool {
		s, ok := r.str()
		out = append(out, s)
		return ok
	})
	*v = out
	return ok
}
