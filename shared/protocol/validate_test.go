package protocol

import (
	"strings"
	"testing"
)

func TestNormalizeText(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"  가나다  ", "가나다", nil},
		{"a\r\nb\rc", "a\nb\nc", nil},
		{"\n\t ", "", ErrEmpty},
		{strings.Repeat("😀", MaxTextRunes), strings.Repeat("😀", MaxTextRunes), nil},
		{strings.Repeat("😀", MaxTextRunes+1), "", ErrTooLong},
		{"bad \xff", "", ErrBadText},
		{"nul \x00", "", ErrBadText},
		{"<b>&amp;</b>", "<b>&amp;</b>", nil},
	} {
		got, err := NormalizeText(tc.in)
		if got != tc.want || err != tc.err {
			t.Errorf("%q: %q %v, want %q %v", tc.in[:min(len(tc.in), 12)], got[:min(len(got), 12)], err, tc.want[:min(len(tc.want), 12)], tc.err)
		}
	}
}

func TestValidBoard(t *testing.T) {
	for name, want := range map[string]bool{
		"lobby": true, "a-b_c9": true, strings.Repeat("a", MaxBoardLen): true,
		"": false, "Lobby": false, "a b": false, "../x": false, "가": false, strings.Repeat("a", MaxBoardLen+1): false,
	} {
		if ValidBoard(name) != want {
			t.Errorf("%q: %v", name, !want)
		}
	}
}

func TestNameAndAuthor(t *testing.T) {
	if n, err := NormalizeName("  민지 "); n != "민지" || err != nil {
		t.Errorf("name %q %v", n, err)
	}
	if _, err := NormalizeName("a\x07b"); err != ErrBadName {
		t.Errorf("control character accepted")
	}
	if _, err := NormalizeName(strings.Repeat("가", MaxNameRunes+1)); err != ErrBadName {
		t.Errorf("long name accepted")
	}
	a, b := AuthorID("secret-token-0123456789"), AuthorID("secret-token-0123456780")
	if a == b || len(a) != 16 || strings.Contains(a, "secret") {
		t.Errorf("author ids %q %q", a, b)
	}
	if DefaultName(a) != "guest-"+a[:4] {
		t.Errorf("default name %q", DefaultName(a))
	}
}
