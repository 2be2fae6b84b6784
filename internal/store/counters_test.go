package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/vault"
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

// A history made through the store's write paths (joins by keyword, web
// sign-ups confirmed or expired, staff opt-ins, stops by text, carrier and
// staff, numbers gone invalid, re-joins, replies, sequence steps and their
// delivery reports, some sent with the COMMIT through AtCommit), folded
// part-way: every counter read through counter_sums, per day and in total,
// equals a count over the rows it counts, and no counter exists that the
// rows do not account for.
func TestCountersMatchHistory(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()

	type person struct {
		sub  *store.Subscriber
		msgs []string // the SIDs of the steps sent to them, newest last
	}
	var people []*person
	var sid int
	nextSID := func(prefix string) string { sid++; return fmt.Sprintf("%s%032d", prefix, sid) }
	inTx := func(fn func(tx pgx.Tx) error) {
		t.Helper()
		if err := db.InTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	inbound := func(tx pgx.Tx, p *person, class, reply string) error {
		m := store.Inbound{MessageSID: nextSID("SM"), PhoneHash: p.sub.PhoneHash, PhoneEnc: []byte{0}, Last4: "0000",
			SubscriberID: &p.sub.ID, Class: class, BodyEnc: []byte{0}, ReplyName: reply, ReplyTwiML: "<Response/>"}
		// As the inbound side records a reply: on the message it answers.
		return store.RecordInbound(ctx, tx, m, nil, reply != "")
	}
	join := func(i int, source string, state store.State) *person {
		p := &person{}
		inTx(func(tx pgx.Tx) error {
			var err error
			if p.sub, err = store.LockNumber(ctx, tx, []byte(fmt.Sprintf("history-%d", i)), true); err != nil {
				return err
			}
			p.sub.PhoneEnc, p.sub.Last4 = []byte{0}, "0000"
			if err := store.ChangeState(ctx, tx, p.sub, state, store.ConsentEvent{Method: source, Reason: "JOIN"}, time.Now()); err != nil {
				return err
			}
			switch source {
			case store.MethodKeyword:
				return inbound(tx, p, "join", "confirmation")
			case store.MethodWebForm:
				return store.RecordOutbound(ctx, tx, store.Outbound{SubscriberID: p.sub.ID, Kind: store.KindSignupConfirm,
					TwilioSID: nextSID("SM"), Status: "queued", Segments: 1})
			}
			return nil
		})
		people = append(people, p)
		return p
	}
	setState := func(p *person, to store.State, method, reason string) {
		inTx(func(tx pgx.Tx) error {
			if method == store.MethodKeyword {
				if err := inbound(tx, p, "keyword", "confirmation"); err != nil {
					return err
				}
			}
			return store.ChangeState(ctx, tx, p.sub, to, store.ConsentEvent{Method: method, Reason: reason}, time.Now())
		})
	}
	// sendStep records a step as the sender does; status is what the
	// carrier's answer said ("queued", or "failed" or "unknown" at once).
	sendStep := func(p *person, step int, status string) {
		inTx(func(tx pgx.Tx) error {
			m := store.Outbound{SubscriberID: p.sub.ID, Kind: store.KindStep, Step: &step, Subscription: p.sub.OptedInAt,
				TwilioSID: nextSID("SM"), Status: status, Segments: 2}
			p.msgs = append(p.msgs, m.TwilioSID)
			return store.RecordOutbound(ctx, tx, m)
		})
	}
	// report applies a delivery report to the person's latest message, as
	// the status callback does (in the same statement), by turns at once
	// or with the COMMIT.
	reports := 0
	report := func(p *person, status string) {
		id := p.msgs[len(p.msgs)-1]
		reports++
		inTx(func(tx pgx.Tx) error {
			const update = `UPDATE outbound_messages SET status = $2, error_code = coalesce($3, error_code), updated_at = now() WHERE twilio_sid = $1`
			if reports%2 == 0 {
				return store.AtCommit(ctx, tx, update, id, status, nil)
			}
			_, err := tx.Exec(ctx, update, id, status, nil)
			return err
		})
	}

	finals := []string{"delivered", "read", "partially_delivered", "undelivered", "failed", "canceled", "unknown"}
	for i := range 30 {
		var p *person
		switch i % 3 {
		case 0:
			p = join(i, store.MethodKeyword, store.Active)
		case 1:
			p = join(i, store.MethodWebForm, store.Pending)
			if i == 28 { // still to answer
				continue
			}
			if i%4 == 1 {
				setState(p, store.Expired, store.MethodWebForm, "expired")
				continue
			}
			setState(p, store.Active, store.MethodKeyword, "YES")
		case 2:
			p = join(i, store.MethodStaff, store.Active)
		}
		for step := range 1 + i%3 {
			switch {
			case i%7 == 3 && step == 0:
				sendStep(p, step, "failed")
			case i%11 == 5:
				sendStep(p, step, "unknown")
			default:
				sendStep(p, step, "queued")
				report(p, "sent")
				if i%5 != 4 { // the rest await a report
					report(p, finals[(i+step)%len(finals)])
				}
			}
		}
		if i == 15 {
			if _, err := db.FoldCounters(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Ways out, and back in.
	for i, p := range people {
		if p.sub.State != store.Active {
			continue
		}
		switch i % 6 {
		case 0:
			setState(p, store.Stopped, store.MethodKeyword, "STOP")
			if i%12 == 0 {
				setState(p, store.Active, store.MethodKeyword, "JOIN")
				sendStep(p, 0, "queued")
				report(p, "delivered")
			}
		case 1:
			setState(p, store.Stopped, store.MethodCarrier, "21610")
		case 2:
			setState(p, store.Invalid, store.MethodCarrier, "30005")
		case 3:
			setState(p, store.Stopped, store.MethodStaff, "request by phone")
		}
	}

	check := func(when string) {
		t.Helper()
		err := pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var fromCounters, fromRows string
			var names int
			err := tx.QueryRow(ctx, `
				SELECT coalesce(string_agg(name || ' ' || day || '=' || n, E'\n' ORDER BY name, day), ''), count(DISTINCT name) FROM (
					SELECT name, day, sum(n) AS n FROM counter_sums GROUP BY name, day HAVING sum(n) <> 0) c`).Scan(&fromCounters, &names)
			if err != nil {
				return err
			}
			err = tx.QueryRow(ctx, `
				WITH final (status) AS (
					VALUES ('delivered'), ('read'), ('partially_delivered'), ('undelivered'), ('failed'), ('canceled'), ('unknown')
				), opt_in AS (
					SELECT c.*, s.source FROM consent_events c JOIN subscribers s ON s.id = c.subscriber_id
					WHERE c.to_state = 'active' AND c.from_state IS DISTINCT FROM 'active'
				), counted (name, day, n) AS (
					SELECT 'subscribers.' || state, '-infinity'::date, 1 FROM subscribers
					UNION ALL SELECT 'consent_events', '-infinity', 1 FROM consent_events
					UNION ALL SELECT 'opt_ins.' || method, (at AT TIME ZONE 'UTC')::date, 1 FROM opt_in
					UNION ALL SELECT 'opt_outs.' || method, (at AT TIME ZONE 'UTC')::date, 1 FROM consent_events
						WHERE to_state = 'stopped' AND from_state IS DISTINCT FROM 'stopped'
					UNION ALL SELECT 'active.net', (at AT TIME ZONE 'UTC')::date, 1 FROM opt_in
					UNION ALL SELECT 'active.net', (at AT TIME ZONE 'UTC')::date, -1 FROM consent_events
						WHERE from_state = 'active' AND to_state <> 'active'
					UNION ALL SELECT 'joined.' || source, (at AT TIME ZONE 'UTC')::date, 1 FROM opt_in
					UNION ALL SELECT 'joined.' || source, '-infinity', 1 FROM opt_in
					UNION ALL SELECT 'messages.inbound', d, 1 FROM inbound_messages,
						LATERAL (VALUES ((received_at AT TIME ZONE 'UTC')::date), ('-infinity')) AS days (d)
					UNION ALL SELECT 'messages.outbound', d, 1 FROM outbound_messages,
						LATERAL (VALUES ((created_at AT TIME ZONE 'UTC')::date), ('-infinity')) AS days (d)
					UNION ALL SELECT 'messages.outbound', d, 1 FROM inbound_messages,
						LATERAL (VALUES ((received_at AT TIME ZONE 'UTC')::date), ('-infinity')) AS days (d)
						WHERE reply_name <> '' AND subscriber_id IS NOT NULL
					UNION ALL SELECT 'sends', d, 1 FROM outbound_messages,
						LATERAL (VALUES ((created_at AT TIME ZONE 'UTC')::date), ('-infinity')) AS days (d)
						WHERE kind <> 'reply'
					UNION ALL SELECT 'delivery.' || status, d, 1 FROM outbound_messages,
						LATERAL (VALUES ((updated_at AT TIME ZONE 'UTC')::date), ('-infinity')) AS days (d)
						WHERE kind <> 'reply' AND status IN (SELECT status FROM final)
					UNION ALL SELECT 'step.' || step || '.sent', '-infinity', 1 FROM outbound_messages WHERE kind = 'step'
					UNION ALL SELECT 'step.' || step || '.delivered', '-infinity', 1 FROM outbound_messages
						WHERE kind = 'step' AND status IN ('delivered', 'read', 'partially_delivered')
				)
				SELECT coalesce(string_agg(name || ' ' || day || '=' || n, E'\n' ORDER BY name, day), '') FROM (
					SELECT name, day, sum(n) AS n FROM counted GROUP BY name, day HAVING sum(n) <> 0) r`).Scan(&fromRows)
			if err != nil {
				return err
			}
			if fromCounters != fromRows {
				t.Errorf("%s, the counters say\n%s\nthe rows\n%s", when, fromCounters, fromRows)
			}
			// Every kind of counter, and each delivery outcome, took part.
			if names < 30 {
				t.Errorf("%s, only %d counters were kept; the history proves little:\n%s", when, names, fromCounters)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("before the last fold")
	if _, err := db.FoldCounters(ctx); err != nil {
		t.Fatal(err)
	}
	check("after the last fold")
	pgtest.CheckReferences(t, db)
}

// A subscriber row is never deleted: the ledger and the messages point at
// it, with no foreign key to stop a deletion (migration 00007).
func TestSubscribersNeverDeleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	v, err := vault.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sub := pgtest.NewSubscriber(t, db, v, "+12125550100", "", store.Active, store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, nil)
	for _, stmt := range []string{`DELETE FROM subscribers WHERE id = $1`, `DELETE FROM subscribers WHERE id <> $1`} {
		_, err := db.Pool.Exec(ctx, stmt, sub.ID)
		if err == nil || !strings.Contains(err.Error(), "never deleted") {
			t.Errorf("%s: %v, want it refused", stmt, err)
		}
	}
	if _, err := db.Pool.Exec(ctx, `TRUNCATE subscribers CASCADE`); err == nil || !strings.Contains(err.Error(), "never deleted") {
		t.Errorf("TRUNCATE: %v, want it refused", err)
	}
	if got := pgtest.Subscriber(t, db, sub.ID); got.State != store.Active {
		t.Errorf("after the refusals the subscriber is %q, want still active", got.State)
	}
}
