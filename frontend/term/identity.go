package term

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// configDir is where tokens and outboxes live.
func configDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory for the token: %w (use -token-file)", err)
	}
	return filepath.Join(d, "liveboard"), nil
}

// Token is the token for origin: read from tokenFile when given, else the
// one kept for this origin, made on first use.
func Token(origin, tokenFile string) (string, error) {
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", err
		}
		t := strings.TrimSpace(string(b))
		if err := protocol.ValidToken(t); err != nil {
			return "", fmt.Errorf("%s: %w", tokenFile, err)
		}
		return t, nil
	}
	dir, err := configDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "tokens.json")
	tokens := map[string]string{}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &tokens); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	if t := tokens[origin]; protocol.ValidToken(t) == nil {
		return t, nil
	}
	tokens[origin] = rand.Text() + rand.Text()
	if err := writeFileAtomic(path, tokens); err != nil {
		return "", err
	}
	return tokens[origin], nil
}

// writeFileAtomic writes v as JSON through a temporary file and a rename,
// mode 0600: a reader never sees half a file.
func writeFileAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// diskOutbox keeps each board's unacked posts in a file per origin and
// board.
type diskOutbox struct {
	dir    string
	origin string
}

func newDiskOutbox(origin string) (*diskOutbox, error) {
	dir, err := configDir()
	if err != nil {
		return nil, err
	}
	dir = filepath.Join(dir, "outbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &diskOutbox{dir: dir, origin: origin}, nil
}

func (o *diskOutbox) path(board string) string {
	sum := sha256.Sum256([]byte(o.origin))
	return filepath.Join(o.dir, hex.EncodeToString(sum[:8])+"-"+board+".json")
}

func (o *diskOutbox) LoadOutbox(board string) []client.OutboxItem {
	var items []client.OutboxItem
	if b, err := os.ReadFile(o.path(board)); err == nil {
		json.Unmarshal(b, &items)
	}
	return items
}

func (o *diskOutbox) SaveOutbox(board string, items []client.OutboxItem) {
	if len(items) == 0 {
		os.Remove(o.path(board))
		return
	}
	writeFileAtomic(o.path(board), items)
}
