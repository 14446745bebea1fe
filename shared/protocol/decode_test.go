package protocol

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// awkwardTexts are texts whose encoding takes every path of the reader:
// Korean, emoji, HTML characters (escaped as \u003c), quotes, backslashes,
// control characters, JSON's line separators.
var awkwardTexts = []string{
	"", "hello", "안녕하세요, 세계", "😀 emoji \U0001F680", "<b>&amp;</b>", `"quoted" \back\slash/`,
	"tab\tnew\nline\rret\bbs\fff", "\x00\x01\x1f", "\u2028\u2029", "\u00e9\u0301", "a\u007fb",
}

// serverWritten is one of every frame the server sends, encoded as it
// encodes them.
func serverWritten(t testing.TB) [][]byte {
	at := time.Date(2026, 12, 4, 5, 6, 7, 891_000_000, time.UTC)
	edited := at.Add(time.Minute)
	frames := []any{
		Welcome{Type: TypeWelcome, Board: "lobby", You: "a1b2", Name: "민지", Head: 42},
		Synced{Type: TypeSynced, Head: 42},
		Message{Type: TypeMessage, Seq: 1, ID: "id-1", Author: "a1b2", Name: "n", Text: "x", At: at},
		Message{Type: TypeMessage, Seq: 9_007_199_254_740_993, ID: "id-2", At: at, EditedAt: &edited, Deleted: true},
		Edited{Type: TypeEdited, Seq: 3, Target: 1, Text: "fixed", At: at.In(time.FixedZone("KST", 9*3600))},
		Deleted{Type: TypeDeleted, Seq: 4, Target: 1},
		HistoryEnd{Type: TypeHistoryEnd, More: true},
		HistoryEnd{Type: TypeHistoryEnd},
		Ack{Type: TypeAck, ID: "id-1", Seq: 1},
		Presence{Type: TypePresence, Online: 2, Names: []string{"민지", "bob"}},
		Presence{Type: TypePresence, Names: []string{}},
		Presence{Type: TypePresence},
		Error{Type: TypeError, Code: CodeRateLimited, Message: "slow down", ID: "id-3", RetryAfterMS: 1500},
		Pong{Type: TypePong},
	}
	for _, text := range awkwardTexts {
		frames = append(frames, Message{Type: TypeMessage, Seq: -1, ID: text, Author: text, Name: text, Text: text, At: at})
	}
	var out [][]byte
	for _, f := range frames {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// unusual are inputs outside json.Marshal's form, and broken ones: each
// must decode as encoding/json decodes it, error or not.
var unusual = []string{
	``, `null`, `{}`, `[]`, `"x"`, `{"type":"message"} x`, `{"type":"message",}`, `{"type" "message"}`,
	`{"Type":"message"}`, `{"TYPE":"message","type":"ack"}`, `{"unknown":{"a":[1,2,{"b":null}]},"type":"ack"}`,
	`{"text":"\ud83d\ude00"}`, `{"text":"\ud83d"}`, `{"text":"\u00e9\u0041"}`, "{\"text\":\"\xff\"}", "{\"text\":\"a\nb\"}",
	`{"text":"\x"}`, `{"text":"\u12"}`, `{"seq":1.0}`, `{"seq":1e3}`, `{"seq":01}`, `{"seq":-0}`, `{"seq":-}`,
	`{"seq":"1"}`, `{"seq":9223372036854775808}`, `{"online":-9223372036854775808}`, `{"seq":null,"text":null,"more":null}`,
	`{"seq":5,"seq":null}`, `{"deleted":true,"deleted":false}`, `{"more":tru}`, `{"more":truex}`, `{"names":null}`,
	`{"names":[]}`, `{"names":["a","b"],"names":["c"]}`, `{"names":["a",null]}`, `{"names":["a",]}`, `{"names":"a"}`,
	`{"at":null}`, `{"at":"2026-12-04T05:06:07Z"}`, `{"at":"2026-12-04T05:06:07+09:00"}`, `{"at":"2026-13-04T05:06:07Z"}`,
	`{"at":"2026-12-04T05:06:07\u005a"}`, `{"at":1}`, `{"edited_at":null}`, `{"edited_at":"2026-12-04T05:06:07.5Z"}`,
	`{"edited_at":"2026-12-04T05:06:07Z","edited_at":null}`, `{"edited_at":"bad"}`, " \t\r\n{ \"type\" : \"ack\" , \"seq\" : 7 } \n",
	`{"type":"ack"`, `{"type":"ack`, `{"type":"\/\b\f\n\r\t\"\\"}`, `{"type":1}`, `{"retry_after_ms":1500}`,
}

func equalDecoding(t *testing.T, in []byte) {
	sameAsEncodingJSON(t, "DecodeServerFrame", in, DecodeServerFrame)
}

// sameAsEncodingJSON fails unless decode gives what json.Unmarshal gives
// for in: the same value, and an error exactly when it errs.
func sameAsEncodingJSON[T any](t *testing.T, name string, in []byte, decode func([]byte) (T, error)) {
	t.Helper()
	var want T
	wantErr := json.Unmarshal(in, &want)
	got, err := decode(in)
	if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s(%q) = %+v, %v; encoding/json gives %+v, %v", name, in, got, err, want, wantErr)
	}
}

func TestDecodeServerFrameReadsEveryServerFrameWithoutEncodingJSON(t *testing.T) {
	for _, b := range serverWritten(t) {
		if _, ok := readServerFrame(b); !ok {
			t.Errorf("the reader gave %s to encoding/json: it should read what the server writes", b)
		}
		equalDecoding(t, b)
	}
}

func TestDecodeServerFrameDecodesAnythingElseAsEncodingJSONDoes(t *testing.T) {
	for _, in := range unusual {
		equalDecoding(t, []byte(in))
	}
}

func TestDecodeServerFramesReadsAPageOfMessages(t *testing.T) {
	var page []json.RawMessage
	for _, b := range serverWritten(t) {
		page = append(page, b)
	}
	b, _ := json.Marshal(page)
	if _, ok := readServerFrames(b); !ok {
		t.Fatalf("the reader gave a page the server wrote to encoding/json")
	}
	for _, in := range [][]byte{b, []byte(`[]`), []byte(`null`), []byte(` [ {"seq":1} , {"seq":2} ] `), []byte(`[{"seq":1},]`), []byte(`[{"Seq":1}]`), []byte(`{}`), []byte(`[1]`)} {
		sameAsEncodingJSON(t, "DecodeServerFrames", in, DecodeServerFrames)
	}
}

// FuzzDecodeServerFrame holds DecodeServerFrame equal to json.Unmarshal
// on any input.
func FuzzDecodeServerFrame(f *testing.F) {
	for _, b := range serverWritten(f) {
		f.Add(b)
	}
	for _, in := range unusual {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { equalDecoding(t, in) })
}
