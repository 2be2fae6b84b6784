package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A sequence step is identified by its subscriber, its subscription (the
// opt-in time it belongs to) and its id in the program (program.Step.ID).
// Rows from before step ids have only the step's place in the sequence
// (step); sending.AdoptProgram names them once, and until then readers map
// a place to an id through the program's order (legacy).

// OweStep records, with tx's COMMIT, that a step is owed: the sender's
// ScheduleOwed turns owed steps into jobs in batches (steps_to_schedule).
func OweStep(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time, stepID string) error {
	err := AtCommit(ctx, tx, `INSERT INTO steps_to_schedule (subscriber_id, subscription, step_id) VALUES ($1, $2, $3)`,
		subscriberID, subscription, stepID)
	if err != nil {
		return fmt.Errorf("owe step: %w", err)
	}
	return nil
}

// OwedStep is an owed step taken for scheduling, with its subscriber's
// state as it stands.
type OwedStep struct {
	SubscriberID int64
	Subscription time.Time
	// StepID is the step owed; "" for a row written before step ids, which
	// has its place in the sequence (Step) instead.
	StepID    string
	Step      *int
	State     State // "" if the subscriber is gone
	OptedInAt *time.Time
}

// TakeOwedSteps deletes up to limit owed steps that no other transaction
// holds and returns them; they are gone once tx commits. A STOP deletes
// its subscriber's owed steps (DropOwedSteps) and so waits for a
// transaction that has taken them.
func TakeOwedSteps(ctx context.Context, tx pgx.Tx, limit int) ([]OwedStep, error) {
	rows, err := tx.Query(ctx, `
		WITH owed AS (
			DELETE FROM steps_to_schedule
			WHERE ctid = ANY (ARRAY(SELECT ctid FROM steps_to_schedule LIMIT $1 FOR UPDATE SKIP LOCKED))
			RETURNING subscriber_id, subscription, step_id, step)
		SELECT o.subscriber_id, o.subscription, coalesce(o.step_id, ''), o.step, coalesce(s.state::text, ''), s.opted_in_at
		FROM owed o LEFT JOIN subscribers s ON s.id = o.subscriber_id`, limit)
	if err != nil {
		return nil, fmt.Errorf("take owed steps: %w", err)
	}
	steps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OwedStep, error) {
		var o OwedStep
		err := row.Scan(&o.SubscriberID, &o.Subscription, &o.StepID, &o.Step, &o.State, &o.OptedInAt)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("take owed steps: %w", err)
	}
	return steps, nil
}

// DropOwedSteps deletes a subscriber's owed steps, waiting for a
// transaction that has taken them (TakeOwedSteps) to end.
func DropOwedSteps(ctx context.Context, tx pgx.Tx, subscriberID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM steps_to_schedule WHERE subscriber_id = $1`, subscriberID); err != nil {
		return fmt.Errorf("drop owed steps: %w", err)
	}
	return nil
}

// WaitingStepJobs lists the IDs of a subscriber's sequence jobs that have
// not started (river_job_send_step_subscriber finds them).
func WaitingStepJobs(ctx context.Context, tx pgx.Tx, subscriberID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		SELECT id FROM river_job
		WHERE kind = 'send_step' AND (args ->> 'subscriber_id')::bigint = $1
		  AND state IN ('available', 'scheduled', 'retryable', 'pending')`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	return ids, nil
}

// StepView is what a send needs to know about its subscriber, read under
// the subscriber's row lock.
type StepView struct {
	PhoneHash []byte
	PhoneEnc  []byte
	State     State
	TimeZone  string
	OptedInAt *time.Time
	// CapFull, when the rolling 24-hour cap is full, is the time of the
	// send that must age out (plus 24 hours) before the next may go.
	CapFull *time.Time
	// Received are the ids of the steps this subscription has had.
	Received []string
	// Sent: this step already reached the subscription.
	Sent bool
	// ConversationActivity, when the subscriber is in a conversation that
	// is not closed, is its latest message either way.
	ConversationActivity *time.Time
	// Pause, when sending is paused for the account, says until when.
	Pause *Pause
	// Stalled: the step was found held by the send window alone for days.
	Stalled bool
}

// StepQuery says which step LockForStep reads for.
type StepQuery struct {
	SubscriberID int64
	Subscription time.Time
	StepID       string
	// Legacy are the program's step ids in order: a row from before step
	// ids counts as the id at its place.
	Legacy   []string
	DailyCap int
	Now      time.Time
	// LockWait bounds the wait for the row lock (ErrLockTimeout after it).
	LockWait time.Duration
}

// ErrLockTimeout: the row lock was not had within the wait allowed.
var ErrLockTimeout = errors.New("lock not available in time")

// LockForStep locks a subscriber's row and reads it, in one round trip,
// with what a send decides by: the send that holds the daily cap full (the
// dailyCap-th newest step sent since now less 24 hours, if any), the steps
// the subscription has had, a conversation going on, a pause of the whole
// account. The wait for the lock is bounded by q.LockWait; every fact after
// the lock is read by a statement of its own, started once the lock is
// held, so it sees whatever committed during the wait (a send that filled
// the cap). Every send to a subscriber happens under this lock, so nothing
// can record the step in between. ErrNotFound: no such subscriber.
func LockForStep(ctx context.Context, tx pgx.Tx, q StepQuery) (*StepView, error) {
	b := &pgx.Batch{}
	b.Queue(fmt.Sprintf(`SET LOCAL lock_timeout = %d`, max(1, q.LockWait.Milliseconds())))
	b.Queue(`SELECT phone_hash, phone_enc, state, coalesce(time_zone, ''), opted_in_at FROM subscribers WHERE id = $1 FOR NO KEY UPDATE`,
		q.SubscriberID)
	// Later statements, and the commit, may wait as long as they need.
	b.Queue(`SET LOCAL lock_timeout = 0`)
	b.Queue(`SELECT o.created_at FROM outbound_messages o
		WHERE o.subscriber_id = $1 AND o.kind = 'step' AND o.created_at > $2 AND o.status <> 'failed'
		ORDER BY o.created_at DESC OFFSET $3 LIMIT 1`,
		q.SubscriberID, q.Now.Add(-24*time.Hour), max(0, q.DailyCap-1))
	b.Queue(`SELECT coalesce(array_agg(DISTINCT coalesce(step_id, ($3::text[])[step + 1])) FILTER (WHERE coalesce(step_id, ($3::text[])[step + 1]) IS NOT NULL), '{}')
		FROM outbound_messages WHERE subscriber_id = $1 AND subscription = $2 AND kind = 'step'`,
		q.SubscriberID, q.Subscription, q.Legacy)
	b.Queue(`SELECT max(last_activity_at) FROM conversations WHERE subscriber_id = $1 AND status <> 'closed'`, q.SubscriberID)
	b.Queue(`SELECT code, since, next_probe_at FROM sending_pause WHERE cleared_at IS NULL`)
	b.Queue(`SELECT EXISTS (SELECT 1 FROM stalled_steps WHERE subscriber_id = $1)`, q.SubscriberID)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	fail := func(err error) (*StepView, error) {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55P03" {
			return nil, ErrLockTimeout
		}
		return nil, fmt.Errorf("lock for step: %w", err)
	}
	if _, err := br.Exec(); err != nil {
		return fail(err)
	}
	v := &StepView{}
	if err := br.QueryRow().Scan(&v.PhoneHash, &v.PhoneEnc, &v.State, &v.TimeZone, &v.OptedInAt); err != nil {
		if err = notFound(err); err == ErrNotFound {
			return nil, err
		}
		return fail(err)
	}
	if _, err := br.Exec(); err != nil {
		return fail(err)
	}
	switch err := br.QueryRow().Scan(&v.CapFull); {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fail(err)
	}
	if err := br.QueryRow().Scan(&v.Received); err != nil {
		return fail(err)
	}
	if err := br.QueryRow().Scan(&v.ConversationActivity); err != nil {
		return fail(err)
	}
	var p Pause
	switch err := br.QueryRow().Scan(&p.Code, &p.Since, &p.NextProbeAt); {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fail(err)
	default:
		v.Pause = &p
	}
	if err := br.QueryRow().Scan(&v.Stalled); err != nil {
		return fail(err)
	}
	v.Sent = slices.Contains(v.Received, q.StepID)
	return v, br.Close()
}

// WaitingStepJob is a sequence job that has not started, with its step.
type WaitingStepJob struct {
	ID     int64
	Step   int    // its place when scheduled
	StepID string // "" for a job from before step ids
	// Subscription is in Unix microseconds, as in the job's arguments.
	Subscription int64
}

// WaitingStepJobArgs lists a subscriber's sequence jobs that have not
// started, with what step of which subscription each sends.
func WaitingStepJobArgs(ctx context.Context, tx pgx.Tx, subscriberID int64) ([]WaitingStepJob, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, coalesce((args ->> 'step')::int, -1), coalesce(args ->> 'step_id', ''), (args ->> 'subscription')::bigint FROM river_job
		WHERE kind = 'send_step' AND (args ->> 'subscriber_id')::bigint = $1
		  AND state IN ('available', 'scheduled', 'retryable', 'pending')`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	jobs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WaitingStepJob, error) {
		var j WaitingStepJob
		err := row.Scan(&j.ID, &j.Step, &j.StepID, &j.Subscription)
		return j, err
	})
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	return jobs, nil
}
