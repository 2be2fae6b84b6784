package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// Subscribers join and leave on many connections while two folds run over
// and over: at every moment the figures read through counter_sums equal
// the rows they count, and after the last fold every delta is in counters.
func TestFoldCountersConcurrently(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()

	const writers, each = 8, 40
	var wg, folders sync.WaitGroup
	var done atomic.Bool
	var folded atomic.Int64
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := db.InTx(ctx, func(tx pgx.Tx) error {
					s, err := store.LockNumber(ctx, tx, []byte(fmt.Sprintf("fold-%d-%d", w, i)), true)
					if err != nil {
						return err
					}
					s.PhoneEnc, s.Last4 = []byte{0}, "0000"
					if err := store.ChangeState(ctx, tx, s, store.Active, store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, time.Now()); err != nil {
						return err
					}
					if i%3 == 0 {
						return store.ChangeState(ctx, tx, s, store.Stopped, store.ConsentEvent{Method: store.MethodKeyword, Reason: "STOP"}, time.Now())
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 2 {
		folders.Add(1)
		go func() {
			defer folders.Done()
			for !done.Load() {
				n, err := db.FoldCounters(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				folded.Add(n)
			}
		}()
	}
	// While all of that runs, one snapshot must show figures equal to the rows.
	go func() { wg.Wait(); done.Store(true) }()
	checks := 0
	for !done.Load() {
		checkCountersMatchRows(t, db)
		checks++
	}
	folders.Wait()
	if folded.Load() == 0 {
		t.Fatal("no fold ran while subscribers changed; the test proved nothing")
	}
	if _, err := db.FoldCounters(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM counter_deltas`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d deltas left after the last fold", left)
	}
	totals, err := db.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stopped := int64(writers * ((each + 2) / 3))
	if totals.Subscribers[store.Active] != writers*each-stopped || totals.Subscribers[store.Stopped] != stopped {
		t.Errorf("totals %v, want %d active and %d stopped", totals.Subscribers, writers*each-stopped, stopped)
	}
	checkCountersMatchRows(t, db)
	t.Logf("%d checks while %d deltas were folded", checks, folded.Load())
}

// checkCountersMatchRows compares, in one snapshot, the subscriber totals
// and the opt-in and opt-out counts read through counter_sums with counts
// over the tables.
func checkCountersMatchRows(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var fromCounters, fromRows string
		err := tx.QueryRow(ctx, `
			SELECT coalesce(string_agg(name || '=' || n, ' ' ORDER BY name), '') FROM (
				SELECT name, sum(n) AS n FROM counter_sums
				WHERE name LIKE 'subscribers.%' OR name LIKE 'opt_ins.%' OR name LIKE 'opt_outs.%'
				GROUP BY name HAVING sum(n) <> 0) c`).Scan(&fromCounters)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			SELECT coalesce(string_agg(name || '=' || n, ' ' ORDER BY name), '') FROM (
				SELECT 'subscribers.' || state AS name, count(*) AS n FROM subscribers GROUP BY state
				UNION ALL
				SELECT 'opt_ins.' || method, count(*) FROM consent_events
				WHERE to_state = 'active' AND from_state IS DISTINCT FROM 'active' GROUP BY method
				UNION ALL
				SELECT 'opt_outs.' || method, count(*) FROM consent_events
				WHERE to_state = 'stopped' AND from_state IS DISTINCT FROM 'stopped' GROUP BY method) r`).Scan(&fromRows)
		if err != nil {
			return err
		}
		if fromCounters != fromRows {
			t.Errorf("in one snapshot the counters say %q, the rows %q", fromCounters, fromRows)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
