package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// InTx begins its transaction with the first batch; everything fn does is
// one transaction whatever its first statement, and an error undoes it all.
func TestInTx(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE tx_probe (k text PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	count := func(k string) int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM tx_probe WHERE k = $1`, k).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")

	// First statement a batch: the batch and what follows share one
	// transaction (one transaction time, one transaction id).
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO tx_probe VALUES ('batch')`)
		b.Queue(`SELECT now(), pg_current_xact_id()::text`)
		br := tx.SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			return err
		}
		var first time.Time
		var xid string
		if err := br.QueryRow().Scan(&first, &xid); err != nil {
			return err
		}
		if err := br.Close(); err != nil {
			return err
		}
		time.Sleep(20 * time.Millisecond)
		var later time.Time
		var laterXid string
		if err := tx.QueryRow(ctx, `SELECT now(), pg_current_xact_id()::text`).Scan(&later, &laterXid); err != nil {
			return err
		}
		if !later.Equal(first) || laterXid != xid {
			t.Errorf("batch ran at %v in %s, the next statement at %v in %s: not one transaction", first, xid, later, laterXid)
		}
		return nil
	})
	if err != nil || count("batch") != 1 {
		t.Fatalf("batch-first transaction: err %v, rows %d; want committed", err, count("batch"))
	}

	// An error after a batch undoes the batch.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO tx_probe VALUES ('undone')`)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count("undone") != 0 {
		t.Fatalf("failed transaction: err %v, rows %d; want boom and none", err, count("undone"))
	}

	// First statement not a batch: the same, begun on its own.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tx_probe VALUES ('exec')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count("exec") != 0 {
		t.Fatalf("exec-first failed transaction: err %v, rows %d; want boom and none", err, count("exec"))
	}

	// A batch that fails in Postgres: its error comes back, nothing is
	// kept, and the pool's connections still work.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO tx_probe VALUES ('before')`)
		b.Queue(`INSERT INTO tx_probe VALUES ('batch')`) // duplicate key
		return tx.SendBatch(ctx, b).Close()
	})
	if !store.IsUniqueViolation(err) || count("before") != 0 {
		t.Fatalf("failing batch: err %v, rows %d; want a unique violation and none", err, count("before"))
	}

	// Savepoints work once begun; nothing at all is fine too.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tx_probe VALUES ('outer')`); err != nil {
			return err
		}
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := sp.Exec(ctx, `INSERT INTO tx_probe VALUES ('inner')`); err != nil {
			return err
		}
		return sp.Rollback(ctx)
	})
	if err != nil || count("outer") != 1 || count("inner") != 0 {
		t.Fatalf("savepoint: err %v, outer %d, inner %d; want 1 and 0", err, count("outer"), count("inner"))
	}
	if err := db.InTx(ctx, func(pgx.Tx) error { return nil }); err != nil {
		t.Fatalf("empty transaction: %v", err)
	}

	// Many at once, sharing the pool: every one commits.
	errs := make(chan error, 40)
	for i := range 40 {
		go func() {
			errs <- db.InTx(ctx, func(tx pgx.Tx) error {
				b := &pgx.Batch{}
				b.Queue(`INSERT INTO tx_probe VALUES ('many-' || $1::int)`, i)
				return tx.SendBatch(ctx, b).Close()
			})
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var many int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM tx_probe WHERE k LIKE 'many-%'`).Scan(&many)
	if many != 40 {
		t.Fatalf("%d of 40 concurrent transactions kept", many)
	}
}

// sends counts what a pool sends to Postgres: each query and each batch is
// one round trip.
type sends struct{ n atomic.Int64 }

func (s *sends) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.n.Add(1)
	return ctx
}
func (s *sends) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (s *sends) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	s.n.Add(1)
	return ctx
}
func (s *sends) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (s *sends) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// AtCommit's statements run last, in the transaction, and travel with the
// COMMIT; if one fails, nothing of the transaction is kept.
func TestAtCommit(t *testing.T) {
	t.Parallel()
	base := pgtest.New(t)
	ctx := context.Background()
	cfg := base.Pool.Config().Copy()
	counter := &sends{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := &store.DB{Pool: pool}
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE commit_probe (k text PRIMARY KEY, xid text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	count := func(k string) int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM commit_probe WHERE k = $1`, k).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const insert = `INSERT INTO commit_probe VALUES ($1, pg_current_xact_id()::text)`

	// Queued first, run last: the statement after it does not see its row;
	// both rows are written by one transaction, in two round trips.
	before := counter.n.Load()
	var xid string
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.AtCommit(ctx, tx, insert, "late"); err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(insert, "early")
		b.Queue(`SELECT pg_current_xact_id()::text, (SELECT count(*) FROM commit_probe WHERE k = 'late')`)
		br := tx.SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			return err
		}
		var seen int
		if err := br.QueryRow().Scan(&xid, &seen); err != nil {
			return err
		}
		if seen != 0 {
			t.Errorf("the AtCommit row was there before the commit")
		}
		return br.Close()
	})
	trips := counter.n.Load() - before
	if err != nil || count("late") != 1 || count("early") != 1 {
		t.Fatalf("err %v, late %d, early %d; want both committed", err, count("late"), count("early"))
	}
	if trips != 2 {
		t.Errorf("transaction took %d round trips, want 2 (BEGIN with the batch, the row with COMMIT)", trips)
	}
	var lateXid string
	db.Pool.QueryRow(ctx, `SELECT xid FROM commit_probe WHERE k = 'late'`).Scan(&lateXid)
	if lateXid != xid {
		t.Errorf("the AtCommit row was written by transaction %s, the rest by %s", lateXid, xid)
	}

	// Alone, it is BEGIN, statement and COMMIT in one round trip.
	before = counter.n.Load()
	if err := db.InTx(ctx, func(tx pgx.Tx) error { return store.AtCommit(ctx, tx, insert, "alone") }); err != nil {
		t.Fatal(err)
	}
	if trips := counter.n.Load() - before; trips != 1 || count("alone") != 1 {
		t.Fatalf("alone: %d round trips, %d rows; want 1 and 1", trips, count("alone"))
	}

	// It fails: the commit fails with its error and the rest is undone.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, insert, "undone"); err != nil {
			return err
		}
		return store.AtCommit(ctx, tx, insert, "late") // duplicate key
	})
	if !store.IsUniqueViolation(err) || count("undone") != 0 {
		t.Fatalf("failing AtCommit: err %v, rows %d; want a unique violation and none", err, count("undone"))
	}

	// fn fails: it never runs.
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.AtCommit(ctx, tx, insert, "never"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count("never") != 0 {
		t.Fatalf("failed fn: err %v, rows %d; want boom and none", err, count("never"))
	}

	// An earlier statement failed and fn went on regardless: nothing is kept.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		tx.Exec(ctx, `SELECT 1/0`)
		return store.AtCommit(ctx, tx, insert, "after-error")
	})
	if err == nil || count("after-error") != 0 {
		t.Fatalf("after a failed statement: err %v, rows %d; want an error and none", err, count("after-error"))
	}

	// In a savepoint it runs at once, and goes with the savepoint.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		if err := store.AtCommit(ctx, sp, insert, "savepoint"); err != nil {
			return err
		}
		return sp.Rollback(ctx)
	})
	if err != nil || count("savepoint") != 0 {
		t.Fatalf("savepoint: err %v, rows %d; want rolled back with the savepoint", err, count("savepoint"))
	}

	// The connections are clean afterwards: many at once all commit.
	errs := make(chan error, 40)
	for i := range 40 {
		go func() {
			errs <- db.InTx(ctx, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SELECT 1`); err != nil {
					return err
				}
				return store.AtCommit(ctx, tx, `INSERT INTO commit_probe VALUES ('many-' || $1::int, '')`, i)
			})
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var many int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM commit_probe WHERE k LIKE 'many-%'`).Scan(&many)
	if many != 40 {
		t.Fatalf("%d of 40 concurrent transactions kept", many)
	}
}
