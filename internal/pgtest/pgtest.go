// Package pgtest gives each test its own migrated Postgres database, cloned
// from a template that is migrated once. The server is TEST_DATABASE_URL's,
// or a throwaway one this test process starts from the machine's Postgres
// programs. Without either, tests fail: they never skip.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"textsupport/internal/pgserver"
	"textsupport/internal/store"
	"textsupport/migrations"
)

var (
	once      sync.Once
	serverURL string
	template  string
	setupErr  error
	counter   atomic.Int64
)

// ServerURL returns the URL of the test server's maintenance database.
func ServerURL(t testing.TB) string {
	t.Helper()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	return serverURL
}

func setup() {
	ctx := context.Background()
	serverURL = os.Getenv("TEST_DATABASE_URL")
	if serverURL == "" {
		srv, err := pgserver.Start(ctx, pgserver.Options{})
		if err != nil {
			setupErr = fmt.Errorf("no TEST_DATABASE_URL and no local Postgres could be started: %w", err)
			return
		}
		// The server lives as long as the test process; Pdeathsig stops it
		// if the process dies without cleaning up.
		serverURL = srv.URL
	}
	template, setupErr = ensureTemplate(ctx)
}

// ensureTemplate creates (once per schema version, across processes) a
// migrated database to clone.
func ensureTemplate(ctx context.Context) (string, error) {
	name := "textsupport_tmpl_" + schemaHash()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(4242)")
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, withDatabase(serverURL, building))
	if err != nil {
		return "", err
	}
	_, err = store.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

// schemaHash names the template after the migration files, so a changed
// migration gets a fresh template.
func schemaHash() string {
	h := sha256.New()
	fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// URL creates a new migrated database for this test, dropped when it ends,
// and returns its connection string.
func URL(t testing.TB) string {
	t.Helper()
	base := ServerURL(t)
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
		// Another process cloning the same template at this instant makes
		// Postgres refuse; it passes in a moment.
		if err == nil || attempt == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(base, name)
}

// New creates a new migrated database for this test and returns a store on it.
func New(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t), 20)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}
