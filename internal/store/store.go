// Package store keeps the service's records in Postgres: subscribers, the
// consent ledger, messages, alerts and API tokens. Methods on DB run their
// own transaction; functions taking a pgx.Tx run inside the caller's, so that
// one inbound message's effects commit together.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is what every lookup returns when there is no such row.
var ErrNotFound = errors.New("not found")

// DB is the service's connection pool.
type DB struct {
	Pool *pgxpool.Pool
}

// DefaultMaxConns is the pool size unless the URL's pool_max_conns says
// otherwise: webhooks and sends in flight each hold a connection.
const DefaultMaxConns = 40

// Open connects to Postgres and checks that it answers. maxConns 0 means
// the URL's pool_max_conns, else DefaultMaxConns.
func Open(ctx context.Context, url string, maxConns int32) (*DB, error) {
	return OpenWaiting(ctx, url, maxConns, nil)
}

// OpenWaiting is Open that calls waiting, once, if the database does not
// answer at first and Open keeps trying, so a person is not left looking
// at 30 silent seconds.
func OpenWaiting(ctx context.Context, url string, maxConns int32, waiting func()) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	switch {
	case maxConns > 0:
		cfg.MaxConns = maxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := ping(ctx, pool, waiting); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{Pool: pool}, nil
}

// ping waits up to 30 s for the database, which may still be starting.
func ping(ctx context.Context, pool *pgxpool.Pool, waiting func()) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := pool.Ping(ctx)
		if err == nil {
			return nil
		}
		if waiting != nil {
			waiting()
			waiting = nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("database not reachable: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// notFound translates pgx's no-rows error once, at the boundary.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// querier is a transaction or the pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// collect runs a query and reads every row with to, so that the caller
// has one error to name, whether the query or a row failed.
func collect[T any](ctx context.Context, q querier, to pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, to)
}

// IsUniqueViolation tells whether err is Postgres refusing a duplicate key.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
