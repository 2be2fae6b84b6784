package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A sequence step is identified by its subscriber, its subscription (the
// opt-in time it belongs to) and its index in the program's sequence.

// OweStep records, with tx's COMMIT, that a step is owed: the sender's
// ScheduleOwed turns owed steps into jobs in batches (steps_to_schedule).
func OweStep(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time, step int) error {
	err := AtCommit(ctx, tx, `INSERT INTO steps_to_schedule (subscriber_id, subscription, step) VALUES ($1, $2, $3)`,
		subscriberID, subscription, step)
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
	Step         int
	State        State // "" if the subscriber is gone
	OptedInAt    *time.Time
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
			RETURNING subscriber_id, subscription, step)
		SELECT o.subscriber_id, o.subscription, o.step, coalesce(s.state::text, ''), s.opted_in_at
		FROM owed o LEFT JOIN subscribers s ON s.id = o.subscriber_id`, limit)
	if err != nil {
		return nil, fmt.Errorf("take owed steps: %w", err)
	}
	steps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OwedStep, error) {
		var o OwedStep
		err := row.Scan(&o.SubscriberID, &o.Subscription, &o.Step, &o.State, &o.OptedInAt)
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
	// CapFullUntil, when the rolling 24-hour cap is full, is the time of
	// the send that must age out (plus 24 hours) before the next may go.
	CapFull *time.Time
	// Sent: this step already reached the subscription.
	Sent bool
	// ConversationActivity, when the subscriber is in a conversation that
	// is not closed, is its latest message either way.
	ConversationActivity *time.Time
}

// LockForStep locks a subscriber's row and reads it, in one round trip,
// with two more facts: the send that holds the daily cap full (the
// dailyCap-th newest step sent since now less 24 hours, if any), and
// whether this step already reached them. Every send to a subscriber
// happens under this lock, so nothing can record the step in between.
// ErrNotFound: no such subscriber.
func LockForStep(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time, step, dailyCap int, now time.Time) (*StepView, error) {
	b := &pgx.Batch{}
	b.Queue(`
		SELECT s.phone_hash, s.phone_enc, s.state, coalesce(s.time_zone, ''), s.opted_in_at,
		       (SELECT o.created_at FROM outbound_messages o
		        WHERE o.subscriber_id = s.id AND o.kind = 'step' AND o.created_at > $2 AND o.status <> 'failed'
		        ORDER BY o.created_at DESC OFFSET $3 LIMIT 1)
		FROM subscribers s WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
		subscriberID, now.Add(-24*time.Hour), dailyCap-1)
	b.Queue(`SELECT EXISTS (SELECT 1 FROM outbound_messages
		WHERE subscriber_id = $1 AND subscription = $2 AND step = $3 AND kind = 'step')`,
		subscriberID, subscription, step)
	b.Queue(`SELECT max(last_activity_at) FROM conversations WHERE subscriber_id = $1 AND status <> 'closed'`, subscriberID)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	v := &StepView{}
	if err := br.QueryRow().Scan(&v.PhoneHash, &v.PhoneEnc, &v.State, &v.TimeZone, &v.OptedInAt, &v.CapFull); err != nil {
		if err = notFound(err); err == ErrNotFound {
			return nil, err
		}
		return nil, fmt.Errorf("lock for step: %w", err)
	}
	if err := br.QueryRow().Scan(&v.Sent); err != nil {
		return nil, fmt.Errorf("lock for step: %w", err)
	}
	if err := br.QueryRow().Scan(&v.ConversationActivity); err != nil {
		return nil, fmt.Errorf("lock for step: %w", err)
	}
	return v, br.Close()
}

// WaitingStepJob is a sequence job that has not started, with its step.
type WaitingStepJob struct {
	ID           int64
	Step         int
	Subscription int64 // Unix microseconds, as in the job's arguments
}

// WaitingStepJobArgs lists a subscriber's sequence jobs that have not
// started, with what step of which subscription each sends.
func WaitingStepJobArgs(ctx context.Context, tx pgx.Tx, subscriberID int64) ([]WaitingStepJob, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, (args ->> 'step')::int, (args ->> 'subscription')::bigint FROM river_job
		WHERE kind = 'send_step' AND (args ->> 'subscriber_id')::bigint = $1
		  AND state IN ('available', 'scheduled', 'retryable', 'pending')`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	jobs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WaitingStepJob, error) {
		var j WaitingStepJob
		err := row.Scan(&j.ID, &j.Step, &j.Subscription)
		return j, err
	})
	if err != nil {
		return nil, fmt.Errorf("waiting step jobs: %w", err)
	}
	return jobs, nil
}
