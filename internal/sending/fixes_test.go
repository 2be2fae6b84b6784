package sending

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"textsupport/internal/carrier"
	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
)

// A YES-request job rescued after its send committed but before River
// marked it done runs again: it must not send a second request.
func TestSignupRequestRescuedAfterCommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550901"
	sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Pending,
		store.ConsentEvent{Method: store.MethodWebForm, Reason: "form"}, b.sender.Transition)
	w := &signupWorker{s: b.sender}
	args := SignupRequestArgs{SubscriberID: sub.ID, Requested: time.Now().UnixMicro()}
	created := time.Now().Add(-time.Second)
	for attempt := 1; attempt <= 3; attempt++ {
		job := &river.Job[SignupRequestArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, CreatedAt: created}, Args: args}
		if err := w.Work(ctx, job); err != nil && !isCancel(err) {
			t.Fatalf("attempt %d = %v", attempt, err)
		}
	}
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("carrier got %d YES-requests, want 1", n)
	}
}

// A retried YES-request keeps to the send window (the first attempt goes
// at once: the person has just asked for it).
func TestSignupRequestRetryKeepsToWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ny, _ := time.LoadLocation("America/New_York")
	b.setNow(time.Date(2026, 6, 10, 23, 0, 0, 0, ny))
	const number = "+12125550902"
	sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Pending,
		store.ConsentEvent{Method: store.MethodWebForm, Reason: "form"}, b.sender.Transition)
	w := &signupWorker{s: b.sender}
	job := &river.Job[SignupRequestArgs]{
		JobRow: &rivertype.JobRow{Attempt: 2, CreatedAt: time.Now().Add(-time.Minute)},
		Args:   SignupRequestArgs{SubscriberID: sub.ID, Requested: time.Now().UnixMicro()},
	}
	err := w.Work(context.Background(), job)
	if d, ok := snoozeOf(err); !ok || d != 9*time.Hour {
		t.Fatalf("retry at 23:00 = %v, want a snooze of 9h", err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 0 {
		t.Fatalf("carrier got %d requests at night", n)
	}
}

// A delivery report that comes before the send's row is committed is kept
// and applied: a permanent failure still marks the number invalid.
func TestEarlyStatusCallbackIsKept(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550911"
	sub := b.subscribe(t, number, "")
	b.fake.OnMessage(func(r twiliofakeRequest) {
		// Twilio's callback, before the create request is even answered.
		if err := b.sender.RecordStatus(ctx, r.SID, "failed", 30005); err != nil {
			t.Errorf("RecordStatus = %v", err)
		}
	})
	if err := b.sender.sendStep(ctx, b.args(sub, 0)); err != nil {
		t.Fatalf("sendStep = %v", err)
	}
	b.sweepStatuses(t)
	if got := b.state(t, sub.ID); got != store.Invalid {
		t.Errorf("state = %s, want invalid (30005 came before the row)", got)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND status = 'failed' AND error_code = 30005`, sub.ID); n != 1 {
		t.Errorf("rows with the early failure: %d, want 1", n)
	}
}

// After a long wait for the subscriber's row lock, the carrier request
// still gets its whole timeout, and its outcome is committed; a wait past
// the lock limit sends nothing.
func TestLongLockWait(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550921"
	sub := b.subscribe(t, number, "")
	hold := func(d time.Duration) {
		tx, err := b.db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM subscribers WHERE id = $1 FOR UPDATE`, sub.ID); err != nil {
			t.Fatal(err)
		}
		go func() { time.Sleep(d); tx.Rollback(ctx) }()
	}
	hold(16 * time.Second) // past the 15 s limit on the lock wait
	b.fake.SetLatency(1500 * time.Millisecond)
	err := b.sender.sendStep(ctx, b.args(sub, 0))
	rows := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1`, sub.ID)
	if b.fake.AttemptsTo(number)+b.fake.Cancelled() > 0 && rows == 0 {
		t.Fatalf("a request reached the carrier and nothing was recorded (sendStep = %v)", err)
	}
	if _, ok := snoozeOf(err); !ok && rows == 0 {
		t.Fatalf("sendStep after the lock limit = %v, want a snooze", err)
	}
}

// The window check uses the time after the lock wait, not before it.
func TestClockReadAfterLock(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	b.setNow(time.Date(2026, 6, 10, 19, 59, 0, 0, ny))
	const number = "+12125550931"
	sub := b.subscribe(t, number, "")
	tx, err := b.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM subscribers WHERE id = $1 FOR UPDATE`, sub.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.sender.sendStep(ctx, b.args(sub, 0)) }()
	b.waitForLockWaiter(t)
	b.setNow(time.Date(2026, 6, 10, 20, 1, 0, 0, ny)) // the window closed meanwhile
	tx.Rollback(ctx)
	err = <-done
	if _, ok := snoozeOf(err); !ok || len(b.fake.RequestsTo(number)) != 0 {
		t.Fatalf("sendStep = %v with %d requests; want a snooze and none: it is 20:01", err, len(b.fake.RequestsTo(number)))
	}
}

// waitForLockWaiter waits until some statement of this database waits for a lock.
func (b *bundle) waitForLockWaiter(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no statement waited for the lock")
}

// The daily cap counts a send that committed while this one waited for
// the lock.
func TestDailyCapAfterLockWait(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SendTimeout = 30 * time.Second })
	threeNow(b.program)
	b.program.DailyCap = 1
	ctx := context.Background()
	const number = "+12125550941"
	sub := b.subscribe(t, number, "")
	b.fake.SetLatency(3 * time.Second) // the first send holds the lock this long
	first := make(chan error, 1)
	go func() { first <- b.sender.sendStep(ctx, b.args(sub, 0)) }()
	deadline := time.Now().Add(30 * time.Second)
	for b.fake.InFlight() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { second <- b.sender.sendStep(ctx, b.args(sub, 1)) }()
	b.waitForLockWaiter(t)
	if err := <-first; err != nil {
		t.Fatalf("first = %v", err)
	}
	err := <-second
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("carrier got %d steps with daily_cap 1 (second = %v)", n, err)
	}
}

// A retried step looks a few minutes further back than its job's creation:
// Twilio's clock and the database's differ.
func TestLookupAllowsClockSkew(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550951"
	sub := b.subscribe(t, number, "")
	if _, err := b.sender.cfg.Carrier.Send(ctx, carrier.Message{To: number, Body: b.program.Sequence[0].Body}); err != nil {
		t.Fatal(err)
	}
	// The database's clock runs two minutes ahead of Twilio's.
	job := &river.Job[StepArgs]{JobRow: &rivertype.JobRow{Attempt: 2, CreatedAt: time.Now().Add(2 * time.Minute)}, Args: b.args(sub, 0)}
	if err := b.sender.worker.Work(ctx, job); err != nil {
		t.Fatalf("retried attempt = %v", err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("carrier got %d requests, want 1 (the earlier one found)", n)
	}
}

// A message may wait at Twilio only minutes: a backlog cannot deliver it
// long after a STOP.
func TestValidityPeriodIsShort(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const number = "+12125550961"
	sub := b.subscribe(t, number, "")
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatal(err)
	}
	if v := b.fake.RequestsTo(number)[0].ValidityPeriod; v <= 0 || v > 15*60 {
		t.Fatalf("ValidityPeriod = %ds, want at most 15 minutes", v)
	}
}

// A toll-free number has no zone of its own: it gets the program's default
// zone, not every North American zone at once.
func TestTollFreeNumberIsNotStalled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ny, _ := time.LoadLocation("America/New_York")
	b.program.SendWindow.Start, b.program.SendWindow.End = 10*time.Hour, 12*time.Hour
	b.setNow(time.Date(2026, 6, 10, 11, 0, 0, 0, ny))
	const number = "+18885550971"
	sub := b.subscribe(t, number, "")
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatalf("sendStep at 11:00 in the default zone = %v, want sent", err)
	}
}

// An error about the account (bad credentials) pauses sending instead of
// burning through everyone's sequence as failed steps.
func TestAccountErrorPausesSending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550981"
	sub := b.subscribe(t, number, "")
	b.fake.FailNext(1, 401, 20003)
	err := b.sender.sendStep(ctx, b.args(sub, 0))
	if _, ok := snoozeOf(err); !ok {
		t.Fatalf("sendStep on an authentication error = %v, want a snooze", err)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1`, sub.ID); n != 0 {
		t.Fatalf("%d outbound rows for a send the account refused, want 0", n)
	}
	if n := b.count(t, `SELECT count(*) FROM steps_to_schedule WHERE subscriber_id = $1`, sub.ID); n != 0 {
		t.Fatalf("the next step was owed after an account error")
	}
}

var _ = pgx.ErrNoRows

type twiliofakeRequest = twiliofake.Request

// sweepStatuses applies the delivery reports kept for messages not yet on record.
func (b *bundle) sweepStatuses(t *testing.T) {
	t.Helper()
	if _, err := b.sender.ApplyEarlyStatuses(context.Background()); err != nil {
		t.Fatal(err)
	}
}
