package store_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// Replicas that start together must apply each migration exactly once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	server := pgtest.ServerURL(t)
	db := pgtest.New(t) // a migrated database, to compare against
	_ = db
	conn, err := pgxpool.New(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Named for this process: test processes may share one server.
	name := fmt.Sprintf("migrate_race_%d", os.Getpid())
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	url := server[:len(server)-len("postgres?sslmode=disable")] + name + "?sslmode=disable"

	var wg sync.WaitGroup
	applied := make([]int, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pool, err := pgxpool.New(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			applied[i], errs[i] = store.Migrate(ctx, pool)
		}()
	}
	wg.Wait()
	total := 0
	for i := range applied {
		if errs[i] != nil {
			t.Fatalf("Migrate #%d: %v", i, errs[i])
		}
		total += applied[i]
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if again, err := store.Migrate(ctx, pool); err != nil || again != 0 {
		t.Fatalf("Migrate on a current database = %d, %v, want 0, nil", again, err)
	}
	if total == 0 || applied[0]+applied[1]+applied[2]+applied[3] != total {
		t.Fatalf("applied %v", applied)
	}
	current, err := store.MigrationsCurrent(ctx, pool)
	if err != nil || !current {
		t.Fatalf("MigrationsCurrent = %v, %v, want true", current, err)
	}
	// Exactly one replica did the work: the others found nothing pending.
	nonZero := 0
	for _, n := range applied {
		if n > 0 {
			nonZero++
		}
	}
	if nonZero != 1 {
		t.Fatalf("applied per replica = %v, want all the work done by exactly one", applied)
	}
}
