package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database in dir to dest (a new
// file) while a server may be writing: VACUUM INTO reads one snapshot.
func Backup(dir, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("sqlite: backup: %s exists; pick a new path", dest)
	}
	src := filepath.Join(dir, "liveboard.db")
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlite: backup: no database: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}
