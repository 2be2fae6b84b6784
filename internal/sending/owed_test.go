package sending

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// owe writes owed rows as sends do, each in its own transaction.
func (b *bundle) owe(t *testing.T, subs []*store.Subscriber, step int) {
	t.Helper()
	for _, sub := range subs {
		err := b.db.InTx(context.Background(), func(tx pgx.Tx) error {
			ids := stepIDs(b.program)
			if step >= len(ids) { // after the last step: nothing is owed
				return b.sender.oweNext(context.Background(), tx, sub.ID, *sub.OptedInAt, ids, "")
			}
			return store.OweStep(context.Background(), tx, sub.ID, *sub.OptedInAt, ids[step])
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (b *bundle) stop(t *testing.T, sub *store.Subscriber) {
	t.Helper()
	if err := b.db.InTx(context.Background(), func(tx pgx.Tx) error { return b.stopIn(tx, sub.ID) }); err != nil {
		t.Fatal(err)
	}
}

// stopIn does in tx what a STOP does: locks the subscriber, marks them
// stopped with a ledger row, and ends what was waiting to be sent. One
// already stopped is left alone.
func (b *bundle) stopIn(tx pgx.Tx, id int64) error {
	ctx := context.Background()
	locked, err := store.LockSubscriber(ctx, tx, id)
	if err != nil || locked.State != store.Active {
		return err
	}
	return b.sender.Transition(ctx, tx, locked, store.Stopped, store.ConsentEvent{Method: store.MethodKeyword, Reason: "STOP"})
}

func (b *bundle) subscribeMany(t *testing.T, n, first int) []*store.Subscriber {
	t.Helper()
	subs := make([]*store.Subscriber, n)
	for i := range subs {
		subs[i] = b.subscribe(t, fmt.Sprintf("+1212%07d", first+i), "")
	}
	return subs
}

// Owed steps become one job each, due at opt-in + the step's delay, in
// batches; ended subscriptions' are dropped; nothing is left behind.
func TestScheduleOwed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	subs := b.subscribeMany(t, owedBatch+300, 3_000_000) // more than one batch
	b.owe(t, subs, 1)
	b.owe(t, subs[:5], 1) // owed twice: still one job
	stopped, rejoined := subs[10], subs[11]
	b.stop(t, stopped)
	// A later subscription of the same person: the old one's step is dropped.
	if _, err := b.db.Pool.Exec(ctx, `UPDATE subscribers SET opted_in_at = opted_in_at + interval '1 day' WHERE id = $1`, rejoined.ID); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM steps_to_schedule WHERE subscriber_id = $1`, stopped.ID); n != 0 {
		t.Errorf("a STOP left %d owed steps", n)
	}

	n, err := b.sender.ScheduleOwed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(subs) - 2; n != want {
		t.Errorf("ScheduleOwed = %d, want %d", n, want)
	}
	if left := b.count(t, `SELECT count(*) FROM steps_to_schedule`); left != 0 {
		t.Errorf("%d owed rows left", left)
	}
	after := b.program.Sequence[1].After
	if bad := b.count(t, `
		SELECT count(*) FROM subscribers s
		WHERE s.id <> ALL ($1) AND (SELECT count(*) FROM river_job j WHERE j.kind = 'send_step'
		       AND (j.args->>'subscriber_id')::bigint = s.id AND (j.args->>'step')::int = 1
		       AND j.scheduled_at = s.opted_in_at + $2::interval) <> 1`,
		[]int64{stopped.ID, rejoined.ID}, after); bad != 0 {
		t.Errorf("%d active subscribers without exactly one step-1 job due at opt-in + %v", bad, after)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND (args->>'step')::int = 1
		AND (args->>'subscriber_id')::bigint = ANY ($1)`, []int64{stopped.ID, rejoined.ID}); n != 0 {
		t.Errorf("%d step-1 jobs for ended subscriptions", n)
	}
	if again, err := b.sender.ScheduleOwed(ctx); err != nil || again != 0 {
		t.Errorf("second ScheduleOwed = %d, %v; want 0", again, err)
	}

	// The last step owes nothing.
	last := len(b.program.Sequence) - 1
	b.owe(t, subs[:1], last+1)
	if n := b.count(t, `SELECT count(*) FROM steps_to_schedule`); n != 0 {
		t.Errorf("the last step owed %d rows", n)
	}
}

// Two replicas scheduling while people STOP: every owed step of an active
// subscription becomes exactly one job, and no stopped subscriber is left
// with a job waiting to run.
func TestScheduleOwedWhileStopping(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other, err := New(b.sender.cfg) // a second replica on the same database
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	subs := b.subscribeMany(t, 600, 4_000_000)
	b.owe(t, subs, 1)

	var wg sync.WaitGroup
	done := make(chan struct{})
	for _, s := range []*Sender{b.sender, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, err := s.ScheduleOwed(ctx); err != nil {
					t.Error(err)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	stopped := map[int64]bool{}
	for i := 0; i < len(subs); i += 1 + rand.IntN(4) {
		stopped[subs[i].ID] = true
		b.stop(t, subs[i])
		if i%7 == 0 { // more owed steps arrive as others are sent
			b.owe(t, subs[i:i+1], 2)
		}
	}
	time.Sleep(50 * time.Millisecond)
	close(done)
	wg.Wait()
	if _, err := b.sender.ScheduleOwed(ctx); err != nil {
		t.Fatal(err)
	}

	var ids []int64
	for id := range stopped {
		ids = append(ids, id)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND (args->>'step')::int > 0
		AND state NOT IN ('cancelled', 'completed', 'discarded') AND (args->>'subscriber_id')::bigint = ANY ($1)`, ids); n != 0 {
		t.Errorf("%d jobs wait to run for stopped subscribers", n)
	}
	if bad := b.count(t, `
		SELECT count(*) FROM subscribers s WHERE s.id <> ALL ($1) AND (SELECT count(*) FROM river_job j
		WHERE j.kind = 'send_step' AND (j.args->>'subscriber_id')::bigint = s.id AND (j.args->>'step')::int = 1) <> 1`, ids); bad != 0 {
		t.Errorf("%d active subscribers without exactly one step-1 job", bad)
	}
	t.Logf("%d of %d subscribers stopped while owed steps were scheduled", len(ids), len(subs))
}

// A working sender schedules steps it did not owe itself (a replica that
// stopped left them) within owedIdleEvery.
func TestLeftOwedStepsAreScheduled(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.NoWork = false })
	sub := b.subscribe(t, "+12125550191", "")
	if err := b.sender.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.sender.Stop(context.Background())
	time.Sleep(3 * owedEvery) // past its first look
	if _, err := b.db.Pool.Exec(context.Background(), `INSERT INTO steps_to_schedule (subscriber_id, subscription, step) VALUES ($1, $2, 5)`,
		sub.ID, *sub.OptedInAt); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND (args->>'step')::int = 5`
	deadline := time.Now().Add(owedIdleEvery + 10*time.Second)
	for b.count(t, q) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("a step left owed was not scheduled within %v", owedIdleEvery+10*time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A subscription begun while the sender runs owes its first step, and the
// running sender sends it with no one else scheduling it: step 0 takes the
// owed path of every later step. (How fast is measured by the inbound load
// test; here the wait is generous so a slow machine cannot fail it.)
func TestFirstStepOfANewSubscriptionGoes(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.NoWork = false; c.SendTimeout = 30 * time.Second })
	b.program.Sequence[0].After = 0 // due at the opt-in, as a JOIN's first step is in dev
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.sender.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.sender.Stop(context.Background())
	const number = "+12125550177"
	sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Active,
		store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, b.sender.Transition)
	deadline := time.Now().Add(60 * time.Second)
	for b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND kind = 'step' AND step = 0`, sub.ID) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("step 0 not sent a minute after the opt-in; owed rows %d, jobs by state: %s",
				b.count(t, `SELECT count(*) FROM steps_to_schedule`), b.statuses(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
	reqs := b.fake.Requests()
	if len(reqs) == 0 || reqs[0].To != number || reqs[0].Body != b.program.Sequence[0].Body {
		t.Fatalf("carrier requests = %d, want step 0 to the number", len(reqs))
	}
}
