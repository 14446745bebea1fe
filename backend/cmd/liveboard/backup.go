package main

import (
	"flag"
	"fmt"
	"strings"

	"liveboard/backend/store/sqlite"
)

// backup is `liveboard backup [-data DIR] PATH`: a consistent copy of the
// SQLite database, made while the server runs. Restore: stop the server,
// put the copy at DIR/liveboard.db, start it (docs/operations.md).
func backup(args []string, c cli) int {
	fs := flag.NewFlagSet("liveboard backup", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	data := fs.String("data", envOr(c.getenv, "LIVEBOARD_DATA", "./data"), "the data directory of the server (env LIVEBOARD_DATA)")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "Usage: liveboard backup [-data DIR] PATH\n\nWrites a consistent copy of DIR/liveboard.db to PATH, a new file, while the server runs.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(c.stderr, "liveboard backup: give one PATH for the copy")
		return 2
	}
	if s := c.getenv("LIVEBOARD_STORE"); strings.HasPrefix(s, "postgres") {
		fmt.Fprintln(c.stderr, "liveboard backup: the store is PostgreSQL: back it up with pg_dump")
		return 1
	}
	if err := sqlite.Backup(*data, fs.Arg(0)); err != nil {
		fmt.Fprintln(c.stderr, "liveboard backup:", err)
		return 1
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s\n", *data, fs.Arg(0))
	return 0
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
