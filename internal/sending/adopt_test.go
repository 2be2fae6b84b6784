package sending

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"textsupport/internal/store"
)

// serve refuses a program whose step has new text while an attempt with
// the old text may have reached the carrier; it starts once none may have.
func TestAdoptProgramRefusesReworded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	sub := b.subscribe(t, "+12125551101", "")
	if err := b.sender.AdoptProgram(ctx); err != nil {
		t.Fatal(err)
	}
	id := b.program.Sequence[0].ID
	// The job for step 0 had an attempt that failed after it may have sent.
	if _, err := b.db.Pool.Exec(ctx, `UPDATE river_job SET errors = ARRAY['{"error":"interrupted"}'::jsonb], attempt = 1
		WHERE kind = 'send_step' AND (args ->> 'subscriber_id')::bigint = $1`, sub.ID); err != nil {
		t.Fatal(err)
	}
	b.program.Sequence[0].Body = "Recovery Text Support: welcome, reworded."
	err := b.sender.AdoptProgram(ctx)
	if err == nil || !strings.Contains(err.Error(), id) {
		t.Fatalf("AdoptProgram with the text changed under a tried job = %v, want a refusal naming %q", err, id)
	}
	// Once that attempt is settled, the new text is taken.
	if _, err := b.db.Pool.Exec(ctx, `UPDATE river_job SET state = 'completed', finalized_at = now() WHERE kind = 'send_step'`); err != nil {
		t.Fatal(err)
	}
	if err := b.sender.AdoptProgram(ctx); err != nil {
		t.Fatalf("AdoptProgram once no attempt is open = %v", err)
	}
}

// A shorter `after` moves the jobs already waiting for that step.
func TestAdoptProgramMovesWaitingJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	sub := b.subscribe(t, "+12125551111", "")
	b.owe(t, []*store.Subscriber{sub}, 1)
	b.scheduleOwed(t)
	if err := b.sender.AdoptProgram(ctx); err != nil {
		t.Fatal(err)
	}
	b.program.Sequence[1].After = time.Hour
	if err := b.sender.AdoptProgram(ctx); err != nil {
		t.Fatal(err)
	}
	var at time.Time
	if err := b.db.Pool.QueryRow(ctx, `SELECT scheduled_at FROM river_job WHERE kind = 'send_step' AND args ->> 'step_id' = $1`,
		b.program.Sequence[1].ID).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if want := sub.OptedInAt.Add(time.Hour); at.Sub(want).Abs() > time.Second {
		t.Fatalf("step 1 scheduled %v after the opt-in, want 1h", at.Sub(*sub.OptedInAt))
	}
}

// Rows and jobs from before step ids are named by their place at the
// first start with ids; a job from an older replica still sends its step
// once.
func TestAdoptProgramNamesOldRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125551121"
	sub := b.subscribe(t, number, "")
	// As an older version recorded step 0 and scheduled step 1.
	if _, err := b.db.Pool.Exec(ctx, `
		INSERT INTO outbound_messages (subscriber_id, kind, step, subscription, twilio_sid, status, segments)
		VALUES ($1, 'step', 0, $2, 'SMold0', 'delivered', 2)`, sub.ID, *sub.OptedInAt); err != nil {
		t.Fatal(err)
	}
	old := StepArgs{SubscriberID: sub.ID, Step: 1, Subscription: sub.OptedInAt.UnixMicro()}
	// Before the adoption, a job without an id is read by its place.
	if err := b.sender.sendStep(ctx, StepArgs{SubscriberID: sub.ID, Step: 0, Subscription: old.Subscription}); err != nil {
		t.Fatal(err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 0 {
		t.Fatalf("step 0, recorded by the older version, was sent again (%d)", n)
	}
	if err := b.sender.AdoptProgram(ctx); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND step_id = $2`, sub.ID, b.program.Sequence[0].ID); n != 1 {
		t.Fatalf("the old row named %d times, want 1", n)
	}
	if err := b.sender.sendStep(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got := b.bodies(number); len(got) != 1 || got[0] != b.program.Sequence[1].Body {
		t.Fatalf("an older replica's job for step 1 sent %d texts, want step 1 once", len(got))
	}
}

// After an account error, sends wait; one is let through every minute, and
// when it goes, the pause ends and the sequence goes on where it was.
func TestAccountPauseResumes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number, other = "+12125551131", "+12125551132"
	sub := b.subscribe(t, number, "")
	sub2 := b.subscribe(t, other, "")
	b.fake.FailNext(1, 400, 21606) // a From number the account does not own
	if _, ok := snoozeOf(b.sender.sendStep(ctx, b.args(sub, 0))); !ok {
		t.Fatal("want a snooze on the account error")
	}
	p, err := b.db.SendingPause(ctx)
	if err != nil || p == nil || p.Code != 21606 {
		t.Fatalf("SendingPause = %+v, %v; want code 21606", p, err)
	}
	// Another person's step waits without a carrier request.
	if _, ok := snoozeOf(b.sender.sendStep(ctx, b.args(sub2, 0))); !ok || b.fake.AttemptsTo(other) != 0 {
		t.Fatalf("while paused: %d requests, want a snooze and none", b.fake.AttemptsTo(other))
	}
	// A minute on, the account works again: the probe goes, the pause ends.
	b.setNow(noon.Add(2 * time.Minute))
	if err := b.sender.sendStep(ctx, b.args(sub2, 0)); err != nil {
		t.Fatalf("probe = %v", err)
	}
	if p, err := b.db.SendingPause(ctx); err != nil || p != nil {
		t.Fatalf("SendingPause after a send went = %+v, %v; want none", p, err)
	}
	if err := b.sender.sendStep(ctx, b.args(sub, 0)); err != nil || len(b.fake.RequestsTo(number)) != 1 {
		t.Fatalf("after the pause: %v, %d requests; want step 0 sent", err, len(b.fake.RequestsTo(number)))
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE status = 'failed'`); n != 0 {
		t.Fatalf("%d failed rows: an account error must not fail anyone's step", n)
	}
}

// A step whose person's zones never share an open hour with the window is
// recorded as stalled for staff, and counted.
func TestStalledStepIsReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	// 08:00-09:00: Eastern and Central (850) never both open.
	b.program.SendWindow.Start, b.program.SendWindow.End = 8*time.Hour, 9*time.Hour
	sub := b.subscribe(t, "+18505551141", "")
	err := b.sender.sendStep(ctx, b.args(sub, 0))
	if _, ok := snoozeOf(err); !ok {
		t.Fatalf("sendStep = %v, want a snooze", err)
	}
	n, err := b.db.CountStalledSubscribers(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CountStalledSubscribers = %d, %v; want 1", n, err)
	}
	if len(b.fake.Requests()) != 0 {
		t.Fatal("a stalled step was sent outside the window")
	}
}

// The spacer never sleeps holding its mutex: another send asks it how
// busy it is, or books its own slot, while one waits.
func TestSpacerSleepsWithoutTheMutex(t *testing.T) {
	p := newPacer(1)
	p.maxWait = time.Hour
	p.next = time.Now().Add(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sleeping := make(chan error, 1)
	go func() { sleeping <- p.space(ctx, 1) }()
	asked := make(chan time.Duration, 1)
	go func() {
		for p.busyFor() < 30*time.Minute+500*time.Millisecond { // until the sleeper has booked its slot
			time.Sleep(time.Millisecond)
		}
		asked <- p.busyFor()
	}()
	select {
	case <-asked:
	case <-time.After(30 * time.Second):
		t.Fatal("busyFor waited behind a send sleeping in the spacer")
	}
	cancel()
	if err := <-sleeping; !errors.Is(err, context.Canceled) {
		t.Fatalf("space = %v, want context.Canceled", err)
	}
}
