package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"

	"liveboard/backend/store/postgres"
)

// pgAdminURL is the role scripts/services makes (as in the tests).
func pgAdminURL() string {
	if u := os.Getenv("LIVEBOARD_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://liveboard:liveboard@127.0.0.1:5432/postgres?sslmode=disable"
}

// freshDatabase creates an empty database; drop removes it.
func freshDatabase() (dbURL string, drop func(), err error) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgAdminURL())
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL: %w (run `go tool task services`)", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "lbbench_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(ctx)
		return "", nil, err
	}
	u, _ := url.Parse(pgAdminURL())
	u.Path = "/" + name
	return u.String(), func() {
		admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		admin.Close(ctx)
	}, nil
}

// pgDurable measures acked posts per second on PostgreSQL: group commit
// against one transaction per post, with a board per poster and with every
// poster on one board (which serialises on its counter row).
func pgDurable(c config) error {
	settings, err := pgSettings()
	if err != nil {
		return err
	}
	fmt.Printf("\nPostgreSQL durable posts: %d concurrent posters, %v each run, %s\n\n", c.posters, c.durableFor, settings)
	fmt.Println("| boards | one transaction per post, posts/s | group commit, posts/s | × |")
	fmt.Println("|---|---:|---:|---:|")
	for _, cs := range []struct {
		name    string
		boardOf func(int) string
	}{
		{"a board per poster", func(p int) string { return fmt.Sprint("board-", p) }},
		{"one board for all", func(int) string { return "bench" }},
	} {
		var rates [2]float64
		for i, maxBatch := range []int{1, 0} {
			r, err := pgRate(c, maxBatch, cs.boardOf)
			if err != nil {
				return err
			}
			rates[i] = r
		}
		fmt.Printf("| %s | %.0f | %.0f | %.1f |\n", cs.name, rates[0], rates[1], rates[1]/rates[0])
	}
	return nil
}

func pgRate(c config, maxBatch int, boardOf func(int) string) (float64, error) {
	dbURL, drop, err := freshDatabase()
	if err != nil {
		return 0, err
	}
	defer drop()
	s, err := postgres.Open(context.Background(), dbURL, postgres.Options{MaxBatch: maxBatch})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return appendRate(c, s, boardOf), nil
}

// pgSettings names the durability settings the figures were taken with.
func pgSettings() (string, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgAdminURL())
	if err != nil {
		return "", fmt.Errorf("PostgreSQL: %w (run `go tool task services`)", err)
	}
	defer conn.Close(ctx)
	var fsync, sync, version string
	conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync)
	conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sync)
	conn.QueryRow(ctx, "SHOW server_version").Scan(&version)
	if fsync != "on" || sync != "on" {
		return "", fmt.Errorf("PostgreSQL has fsync=%s synchronous_commit=%s; the figures need both on", fsync, sync)
	}
	return "PostgreSQL " + version + ", fsync=on, synchronous_commit=on", nil
}
