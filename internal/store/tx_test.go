package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
