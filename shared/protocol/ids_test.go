package protocol

import (
	"strings"
	"testing"
	"time"
)

func TestIDsSortByTimeAndDiffer(t *testing.T) {
	at := time.Date(2026, 12, 3, 17, 30, 0, 0, time.UTC)
	ids := []string{
		newIDAt("p-", at),
		newIDAt("p-", at.Add(time.Millisecond)),
		newIDAt("p-", at.Add(time.Second)),
		newIDAt("p-", at.Add(100*365*24*time.Hour)),
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			t.Errorf("%q made before %q does not sort before it", ids[i-1], ids[i])
		}
	}
	if a, b := newIDAt("p-", at), newIDAt("p-", at); a == b || a[:2+idTimeDigits] != b[:2+idTimeDigits] {
		t.Errorf("two ids of the same millisecond: %q and %q (want the same time part, different random parts)", a, b)
	}
	for _, prefix := range []string{"p-", "form-"} {
		id := NewID(prefix)
		if !strings.HasPrefix(id, prefix) || ValidID(id) != nil || len(id) != len(prefix)+idTimeDigits+1+idRandomChars {
			t.Errorf("NewID(%q) = %q: not a valid id of the documented shape", prefix, id)
		}
	}
}
