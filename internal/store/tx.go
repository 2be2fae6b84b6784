package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// InTx runs fn in a transaction, committing when it returns nil. The
// transaction's BEGIN is not a round trip of its own: it travels in front
// of the first batch fn sends (pgx's Batch.BeginTx), or goes just before
// any other first statement. The webhook and the send paths each open with
// a batch, so each saves a round trip to Postgres. Statements given to
// AtCommit travel with the COMMIT, saving another.
func (db *DB) InTx(ctx context.Context, fn func(pgx.Tx) error) (err error) {
	return db.InTxCommitWithin(ctx, 0, fn)
}

// InTxCommitWithin is InTx, except that the COMMIT (or ROLLBACK) gets a
// deadline of its own, commitWithin from when it starts, whatever ctx's
// deadline: a send that reached the carrier is recorded even when the
// steps before it used up the attempt's time. Zero: ctx's.
func (db *DB) InTxCommitWithin(ctx context.Context, commitWithin time.Duration, fn func(pgx.Tx) error) (err error) {
	c, err := db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// A connection left inside a transaction (a failed rollback, say) is
	// closed by the pool on release rather than reused.
	defer c.Release()
	tx := &lazyTx{conn: c.Conn()}
	endCtx := func() (context.Context, context.CancelFunc) {
		if commitWithin <= 0 {
			return ctx, func() {}
		}
		return context.WithTimeout(context.WithoutCancel(ctx), commitWithin)
	}
	defer func() {
		rctx, cancel := endCtx()
		defer cancel()
		if rerr := tx.Rollback(rctx); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) && err == nil {
			err = fmt.Errorf("roll back: %w", rerr)
		}
	}()
	if err := fn(tx); err != nil {
		return err // the caller's, named by it
	}
	cctx, cancel := endCtx()
	defer cancel()
	if err := tx.Commit(cctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lazyTx is a pgx.Tx that begins with its first statement; from then on
// it is pgx's own transaction.
type lazyTx struct {
	conn     *pgx.Conn
	tx       pgx.Tx // nil until the first statement
	closed   bool   // ended before any statement, or committed with atCommit
	atCommit []*pgx.QueuedQuery
}

// AtCommit runs a statement as tx commits, in the same round trip as the
// COMMIT, after every other statement of the transaction. If it fails, the
// commit fails and nothing of the transaction is kept. Its result is not
// read: it is for writes whose outcome is all or nothing. In a transaction
// not made by InTx (a savepoint, say) it runs at once.
//
// The one counting trigger left, count_outbound (sends and their delivery
// reports; migrations/00001_baseline.sql and 00007), is DEFERRABLE
// INITIALLY DEFERRED: it runs at the COMMIT itself, after the statements
// given here, so the rows these write are counted like any other, and its
// failure fails the commit the same way.
func AtCommit(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	t, ok := tx.(*lazyTx)
	if !ok {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	}
	if t.closed {
		return pgx.ErrTxClosed
	}
	t.atCommit = append(t.atCommit, &pgx.QueuedQuery{SQL: sql, Arguments: args})
	return nil
}

// started begins the transaction on its own, for a first statement that
// is not a batch.
func (t *lazyTx) started(ctx context.Context) (pgx.Tx, error) {
	if t.tx != nil {
		return t.tx, nil
	}
	if t.closed {
		return nil, pgx.ErrTxClosed
	}
	tx, err := t.conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	t.tx = tx
	return tx, nil
}

// SendBatch sends the first batch with the BEGIN in front, and reads the
// BEGIN's answer before handing the results over.
func (t *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if t.tx != nil {
		return t.tx.SendBatch(ctx, b)
	}
	if t.closed {
		return pgx.FailedBatchResults(b, pgx.ErrTxClosed)
	}
	withBegin := &pgx.Batch{}
	withBegin.BeginTx(pgx.TxOptions{})
	withBegin.QueuedQueries = append(withBegin.QueuedQueries, b.QueuedQueries...)
	br := t.conn.SendBatch(ctx, withBegin)
	t.tx = br.Tx()
	if _, err := br.Exec(); err != nil {
		br.Close()
		return pgx.FailedBatchResults(b, err)
	}
	return br
}

func (t *lazyTx) Begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := t.started(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Begin(ctx)
}

func (t *lazyTx) Commit(ctx context.Context) error {
	if len(t.atCommit) > 0 {
		return t.commitWith(ctx)
	}
	if t.tx == nil {
		if t.closed {
			return pgx.ErrTxClosed
		}
		t.closed = true // nothing was sent: nothing to commit
		return nil
	}
	return t.tx.Commit(ctx)
}

// commitWith sends the statements queued by AtCommit and the COMMIT as
// one batch (with the BEGIN too, if nothing was sent before). On an error
// the transaction is left to Rollback: Postgres skips the rest of a batch
// after a failed statement, so the COMMIT has not run.
func (t *lazyTx) commitWith(ctx context.Context) error {
	if t.closed {
		return pgx.ErrTxClosed
	}
	b := &pgx.Batch{}
	if t.tx == nil {
		b.BeginTx(pgx.TxOptions{})
	}
	b.QueuedQueries = append(b.QueuedQueries, t.atCommit...)
	t.atCommit = nil
	b.Queue("COMMIT")
	br := t.conn.SendBatch(ctx, b)
	defer br.Close()
	if t.tx == nil {
		t.tx = br.Tx()
	}
	var tag pgconn.CommandTag
	var err error
	for range b.Len() {
		if tag, err = br.Exec(); err != nil {
			return err
		}
	}
	if err := br.Close(); err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" { // the transaction had failed before
		return pgx.ErrTxCommitRollback
	}
	// pgx's transaction object never saw the COMMIT; this one is over.
	t.tx, t.closed = nil, true
	return nil
}

func (t *lazyTx) Rollback(ctx context.Context) error {
	if t.tx == nil {
		if t.closed {
			return pgx.ErrTxClosed
		}
		t.closed = true
		return nil
	}
	return t.tx.Rollback(ctx)
}

func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tx, err := t.started(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return tx.Exec(ctx, sql, args...)
}

func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	tx, err := t.started(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Query(ctx, sql, args...)
}

func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	tx, err := t.started(ctx)
	if err != nil {
		return errRow{err}
	}
	return tx.QueryRow(ctx, sql, args...)
}

func (t *lazyTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	tx, err := t.started(ctx)
	if err != nil {
		return 0, err
	}
	return tx.CopyFrom(ctx, table, columns, src)
}

func (t *lazyTx) LargeObjects() pgx.LargeObjects {
	tx, err := t.started(context.Background())
	if err != nil {
		// A closed transaction, whose large objects say so when used.
		b := &pgx.Batch{}
		b.BeginTx(pgx.TxOptions{})
		tx = pgx.FailedBatchResults(b, err).Tx()
	}
	return tx.LargeObjects()
}

func (t *lazyTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	tx, err := t.started(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Prepare(ctx, name, sql)
}

func (t *lazyTx) Conn() *pgx.Conn { return t.conn }

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }
