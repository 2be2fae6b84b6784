package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"textsupport/migrations"
)

// migrationLock is the advisory lock key held while migrating, so replicas
// that start together apply each migration once.
const migrationLock = 7_243_551_001

// Migrate applies the service's migrations and River's, under an advisory
// lock. It returns how many migrations it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("take migration lock: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return 0, fmt.Errorf("take migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)

	applied := 0
	// River's schema is applied by River's own migrator, as River
	// recommends, so a River upgrade brings its migrations with it. It
	// comes first: ours refer to its tables (00001_baseline.sql indexes
	// river_job and drops three of River's indexes).
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return 0, fmt.Errorf("river migrations: %w", err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("river migrations: %w", err)
	}
	applied += len(res.Versions)

	provider, db, err := gooseProvider(pool)
	if err != nil {
		return applied, fmt.Errorf("migrations: %w", err)
	}
	defer db.Close()
	results, err := provider.Up(ctx)
	if err != nil {
		return applied, fmt.Errorf("migrations: %w", err)
	}
	return applied + len(results), nil
}

// MigrationsCurrent tells whether every migration, ours and River's, is applied.
func MigrationsCurrent(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	current, err := migrationsCurrent(ctx, pool)
	if err != nil {
		return false, fmt.Errorf("check migrations: %w", err)
	}
	return current, nil
}

func migrationsCurrent(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	provider, db, err := gooseProvider(pool)
	if err != nil {
		return false, err
	}
	defer db.Close()
	pending, err := provider.HasPending(ctx)
	if err != nil || pending {
		return false, err
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return false, err
	}
	existing, err := migrator.ExistingVersions(ctx)
	if err != nil {
		return false, err
	}
	return len(existing) >= len(migrator.AllVersions()), nil
}

func gooseProvider(pool *pgxpool.Pool) (*goose.Provider, interface{ Close() error }, error) {
	db := stdlib.OpenDBFromPool(pool)
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db, nil
}
