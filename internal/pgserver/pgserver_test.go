package pgserver_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgserver"
	"textsupport/internal/pgtest"
)

// EnsureDatabase creates the database once and hands back its URL every
// time, as dev does on each start with --data.
func TestEnsureDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := &pgserver.Server{URL: pgtest.ServerURL(t)}
	name := fmt.Sprintf("ensure_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	t.Cleanup(func() {
		if conn, err := pgx.Connect(ctx, srv.URL); err == nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	for range 2 {
		u, err := srv.EnsureDatabase(ctx, name)
		if err != nil {
			t.Fatalf("EnsureDatabase(%q) = %v", name, err)
		}
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect to %s: %v", name, err)
		}
		var got string
		err = conn.QueryRow(ctx, "SELECT current_database()").Scan(&got)
		conn.Close(ctx)
		if err != nil || got != name {
			t.Fatalf("EnsureDatabase's URL reaches %q, %v; want %q", got, err, name)
		}
	}
}
