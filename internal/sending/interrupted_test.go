package sending

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"textsupport/internal/carrier"
	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// A retried step whose earlier attempt reached the carrier without being
// recorded (the process stopped between the answer and the commit, and
// River rescued the job) is found at the carrier and recorded, not sent a
// second time.
func TestInterruptedSendIsNotRepeated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550171"
	sub := b.subscribe(t, number, "")
	created := time.Now().Add(-time.Second)
	job := func(attempt int) *river.Job[StepArgs] {
		return &river.Job[StepArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, CreatedAt: created}, Args: b.args(sub, 0)}
	}
	// The interrupted attempt: the carrier took the step, nothing was recorded.
	first, err := b.sender.cfg.Carrier.Send(ctx, carrier.Message{To: number, Body: b.program.Sequence[0].Body})
	if err != nil {
		t.Fatal(err)
	}

	if err := b.sender.worker.Work(ctx, job(2)); err != nil {
		t.Fatalf("retried attempt = %v, want nil", err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("carrier got %d requests for the step, want 1 (found, not sent again)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND step = 0 AND twilio_sid = $2`, sub.ID, first.SID); n != 1 {
		t.Errorf("the found message recorded %d times, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM steps_to_schedule WHERE subscriber_id = $1 AND step_id = $2`, sub.ID, b.program.Sequence[1].ID); n != 1 {
		t.Errorf("step 1 owed %d times after the found step, want 1", n)
	}

	// A later step with the same text finds that message, already on
	// record: it is sent, not taken for the earlier one.
	b.program.Sequence[1].Body = b.program.Sequence[0].Body
	b.program.Sequence[1].After = 0
	j1 := job(2)
	j1.Args = b.args(sub, 1)
	if err := b.sender.worker.Work(ctx, j1); err != nil {
		t.Fatalf("retried step 1 = %v", err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 2 {
		t.Fatalf("carrier got %d requests after step 1, want 2", n)
	}

	// A retry with nothing at the carrier sends; a first attempt does not ask.
	const other = "+12125550172"
	sub2 := b.subscribe(t, other, "")
	j := job(3)
	j.Args = b.args(sub2, 0)
	if err := b.sender.worker.Work(ctx, j); err != nil || len(b.fake.RequestsTo(other)) != 1 {
		t.Fatalf("retry with nothing sent: err %v, %d requests; want one send", err, len(b.fake.RequestsTo(other)))
	}
	asked := &countingFinds{Carrier: b.sender.cfg.Carrier}
	b.sender.cfg.Carrier = asked
	sub3 := b.subscribe(t, "+12125550173", "")
	j = job(1)
	j.Args = b.args(sub3, 0)
	if err := b.sender.worker.Work(ctx, j); err != nil || asked.n != 0 {
		t.Fatalf("first attempt: err %v, %d lookups; want none", err, asked.n)
	}

	// The carrier cannot be asked: nothing is sent, the job tries again later.
	b.sender.cfg.Carrier = failingFind{b.sender.cfg.Carrier}
	sub4 := b.subscribe(t, "+12125550174", "")
	j = job(2)
	j.Args = b.args(sub4, 0)
	if err := b.sender.worker.Work(ctx, j); err == nil || len(b.fake.RequestsTo("+12125550174")) != 0 {
		t.Fatalf("lookup failing: err %v, %d requests; want an error and none", err, len(b.fake.RequestsTo("+12125550174")))
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1`, sub4.ID); n != 0 {
		t.Errorf("%d rows recorded for an attempt that could not ask", n)
	}
}

type countingFinds struct {
	Carrier
	n int
}

func (c *countingFinds) FindMatching(ctx context.Context, to string, since time.Time, match func(string) bool) ([]carrier.Result, error) {
	c.n++
	return c.Carrier.FindMatching(ctx, to, since, match)
}

type failingFind struct{ Carrier }

func (failingFind) FindMatching(context.Context, string, time.Time, func(string) bool) ([]carrier.Result, error) {
	return nil, errors.New("carrier unreachable")
}

// The YES-request to a web sign-up is found the same way.
func TestInterruptedSignupRequestIsNotRepeated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const number = "+12125550181"
	sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Pending,
		store.ConsentEvent{Method: store.MethodWebForm, Reason: "form"}, b.sender.Transition)
	w := &signupWorker{s: b.sender}
	job := &river.Job[SignupRequestArgs]{
		JobRow: &rivertype.JobRow{Attempt: 2, CreatedAt: time.Now().Add(-time.Second)},
		Args:   SignupRequestArgs{SubscriberID: sub.ID, Requested: time.Now().UnixMicro()},
	}
	first, err := b.sender.cfg.Carrier.Send(ctx, carrier.Message{To: number, Body: b.program.Replies.PendingConfirm})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Work(ctx, job); err != nil {
		t.Fatalf("retried YES-request = %v", err)
	}
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("carrier got %d YES-requests, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND kind = 'signup_confirm' AND twilio_sid = $2`, sub.ID, first.SID); n != 1 {
		t.Errorf("the found YES-request recorded %d times, want 1", n)
	}
}
