package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Pause is sending paused for the whole account: the carrier refused a
// send for a reason about the account (credentials, sender number,
// suspension), not about the person.
type Pause struct {
	Code        int
	Reason      string
	Since       time.Time
	LastSeen    time.Time
	NextProbeAt time.Time
}

// SendingPause is the pause in force, nil when sending is not paused. The
// dashboard's banner reads it: "sending paused since …: <reason>".
func (db *DB) SendingPause(ctx context.Context) (*Pause, error) {
	return sendingPause(ctx, db.Pool)
}

// SendingPaused is SendingPause in the caller's transaction.
func SendingPaused(ctx context.Context, tx pgx.Tx) (*Pause, error) {
	return sendingPause(ctx, tx)
}

func sendingPause(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (*Pause, error) {
	var p Pause
	err := q.QueryRow(ctx, `SELECT code, reason, since, last_seen, next_probe_at FROM sending_pause WHERE cleared_at IS NULL`).
		Scan(&p.Code, &p.Reason, &p.Since, &p.LastSeen, &p.NextProbeAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read sending pause: %w", err)
	}
	return &p, nil
}

// PauseSending records, in tx, that the carrier refused a send for a
// reason about the account; the next send may try again at nextProbe.
// A pause already in force keeps its start.
func PauseSending(ctx context.Context, tx pgx.Tx, code int, reason string, now, nextProbe time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO sending_pause (id, code, reason, since, last_seen, next_probe_at) VALUES (1, $1, $2, $3, $3, $4)
		ON CONFLICT (id) DO UPDATE SET code = $1, reason = $2, last_seen = $3, next_probe_at = $4,
			since = CASE WHEN sending_pause.cleared_at IS NULL THEN sending_pause.since ELSE $3 END, cleared_at = NULL`,
		code, reason, now, nextProbe)
	if err != nil {
		return fmt.Errorf("pause sending: %w", err)
	}
	return nil
}

// ClaimProbe takes, in tx, the one send that may go while sending is
// paused, if its time has come and no other send holds it; the next probe
// is then due at next. It says whether this send is the probe.
func ClaimProbe(ctx context.Context, tx pgx.Tx, now, next time.Time) (bool, error) {
	tag, err := tx.Exec(ctx, `
		UPDATE sending_pause SET next_probe_at = $2
		WHERE id = (SELECT id FROM sending_pause WHERE cleared_at IS NULL AND next_probe_at <= $1 FOR UPDATE SKIP LOCKED)`, now, next)
	if err != nil {
		return false, fmt.Errorf("claim probe: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ResumeSending ends a pause, with tx's COMMIT: a send went through.
func ResumeSending(ctx context.Context, tx pgx.Tx) error {
	if err := AtCommit(ctx, tx, `UPDATE sending_pause SET cleared_at = now() WHERE cleared_at IS NULL`); err != nil {
		return fmt.Errorf("resume sending: %w", err)
	}
	return nil
}

// MarkStalled records, in tx, that a step due at due is still held by the
// send window alone: the person's zones share no open hour.
func MarkStalled(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time, stepID string, due, now time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO stalled_steps (subscriber_id, subscription, step_id, due_at, seen_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (subscriber_id, subscription, step_id) DO UPDATE SET seen_at = $5`,
		subscriberID, subscription, stepID, due, now)
	if err != nil {
		return fmt.Errorf("mark stalled: %w", err)
	}
	return nil
}

// ClearStalled forgets a subscriber's stalled steps, with tx's COMMIT.
func ClearStalled(ctx context.Context, tx pgx.Tx, subscriberID int64) error {
	if err := AtCommit(ctx, tx, `DELETE FROM stalled_steps WHERE subscriber_id = $1`, subscriberID); err != nil {
		return fmt.Errorf("clear stalled: %w", err)
	}
	return nil
}

// CountStalledSubscribers is how many active subscribers have a step held
// by the send window alone for days (their zones share no open hour with
// the window): a figure for the dashboard, which should be 0.
func (db *DB) CountStalledSubscribers(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `
		SELECT count(DISTINCT st.subscriber_id) FROM stalled_steps st
		JOIN subscribers s ON s.id = st.subscriber_id AND s.state = 'active' AND s.opted_in_at = st.subscription`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count stalled subscribers: %w", err)
	}
	return n, nil
}

// EarlyStatus is a delivery report kept because no outbound row had its
// SID when it came.
type EarlyStatus struct {
	SID       string
	Status    string
	ErrorCode int
}

// KeepEarlyStatus keeps a delivery report for a SID not (yet) on record.
func KeepEarlyStatus(ctx context.Context, tx pgx.Tx, e EarlyStatus) error {
	var code *int
	if e.ErrorCode != 0 {
		code = &e.ErrorCode
	}
	_, err := tx.Exec(ctx, `INSERT INTO early_statuses (twilio_sid, status, error_code) VALUES ($1, $2, $3)
		ON CONFLICT (twilio_sid, status) DO UPDATE SET error_code = coalesce($3, early_statuses.error_code)`, e.SID, e.Status, code)
	if err != nil {
		return fmt.Errorf("keep early status: %w", err)
	}
	return nil
}

// TakeEarlyStatuses deletes and returns the reports kept for one SID.
func TakeEarlyStatuses(ctx context.Context, tx pgx.Tx, sid string) ([]EarlyStatus, error) {
	rows, err := tx.Query(ctx, `DELETE FROM early_statuses WHERE twilio_sid = $1 RETURNING twilio_sid, status, coalesce(error_code, 0)`, sid)
	if err != nil {
		return nil, fmt.Errorf("take early statuses: %w", err)
	}
	return collectEarly(rows)
}

// TakeRecordedEarlyStatuses deletes and returns up to limit kept reports
// whose SID an outbound row now has, and drops those kept longer than
// maxAge (their message was never recorded).
func TakeRecordedEarlyStatuses(ctx context.Context, tx pgx.Tx, limit int, maxAge time.Duration) ([]EarlyStatus, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM early_statuses WHERE received_at < now() - $1::interval`, maxAge.String()); err != nil {
		return nil, fmt.Errorf("drop old early statuses: %w", err)
	}
	rows, err := tx.Query(ctx, `
		DELETE FROM early_statuses WHERE ctid = ANY (ARRAY(
			SELECT e.ctid FROM early_statuses e
			WHERE EXISTS (SELECT 1 FROM outbound_messages o WHERE o.twilio_sid = e.twilio_sid)
			LIMIT $1 FOR UPDATE SKIP LOCKED))
		RETURNING twilio_sid, status, coalesce(error_code, 0)`, limit)
	if err != nil {
		return nil, fmt.Errorf("take early statuses: %w", err)
	}
	return collectEarly(rows)
}

func collectEarly(rows pgx.Rows) ([]EarlyStatus, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (EarlyStatus, error) {
		var e EarlyStatus
		err := row.Scan(&e.SID, &e.Status, &e.ErrorCode)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("take early statuses: %w", err)
	}
	return out, nil
}

// ProgramStep is a step as the last serve started with it.
type ProgramStep struct {
	ID       string
	Position int
	BodyHash string
	After    time.Duration
}

// adoptionLock is the advisory lock key held while a starting replica
// adopts the program, so replicas starting together take turns.
const adoptionLock = 7206

// LockProgramAdoption takes adoptionLock until tx ends.
func LockProgramAdoption(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, adoptionLock); err != nil {
		return fmt.Errorf("lock program adoption: %w", err)
	}
	return nil
}

// ProgramSteps reads the steps the last serve started with (none before
// the first start with step ids), keyed by id.
func ProgramSteps(ctx context.Context, tx pgx.Tx) (map[string]ProgramStep, error) {
	rows, err := tx.Query(ctx, `SELECT step_id, position, body_hash, after_us FROM program_steps`)
	if err != nil {
		return nil, fmt.Errorf("read program steps: %w", err)
	}
	steps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ProgramStep, error) {
		var p ProgramStep
		var us int64
		err := row.Scan(&p.ID, &p.Position, &p.BodyHash, &us)
		p.After = time.Duration(us) * time.Microsecond
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("read program steps: %w", err)
	}
	out := make(map[string]ProgramStep, len(steps))
	for _, s := range steps {
		out[s.ID] = s
	}
	return out, nil
}

// SaveProgramSteps replaces the recorded steps with these.
func SaveProgramSteps(ctx context.Context, tx pgx.Tx, steps []ProgramStep) error {
	ids, pos, hashes, afters := make([]string, len(steps)), make([]int32, len(steps)), make([]string, len(steps)), make([]int64, len(steps))
	for i, s := range steps {
		ids[i], pos[i], hashes[i], afters[i] = s.ID, int32(s.Position), s.BodyHash, s.After.Microseconds()
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM program_steps`)
	b.Queue(`INSERT INTO program_steps (step_id, position, body_hash, after_us) SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[])`,
		ids, pos, hashes, afters)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("save program steps: %w", err)
	}
	return nil
}

// NameUnnamedSteps gives rows written before step ids (sent steps, owed
// steps, waiting jobs) the id at their place in ids, the program's order.
func NameUnnamedSteps(ctx context.Context, tx pgx.Tx, ids []string) error {
	b := &pgx.Batch{}
	b.Queue(`UPDATE outbound_messages SET step_id = ($1::text[])[step + 1]
		WHERE kind = 'step' AND step_id IS NULL AND step >= 0 AND step < cardinality($1::text[])`, ids)
	b.Queue(`UPDATE steps_to_schedule SET step_id = ($1::text[])[step + 1]
		WHERE step_id IS NULL AND step >= 0 AND step < cardinality($1::text[])`, ids)
	b.Queue(`UPDATE river_job SET args = args || jsonb_build_object('step_id', ($1::text[])[(args ->> 'step')::int + 1])
		WHERE kind = 'send_step' AND state IN ('available', 'scheduled', 'retryable', 'pending')
		  AND NOT args ? 'step_id' AND (args ->> 'step')::int >= 0 AND (args ->> 'step')::int < cardinality($1::text[])`, ids)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("name steps: %w", err)
	}
	return nil
}

// StepJobsTried counts, for one step, the jobs not finished whose earlier
// attempt may have reached the carrier (one running, or one that failed or
// was rescued and waits to run again), scheduled with a text other than
// bodyHash.
func StepJobsTried(ctx context.Context, tx pgx.Tx, stepID, bodyHash string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `
		SELECT count(*) FROM river_job
		WHERE kind = 'send_step' AND args ->> 'step_id' = $1 AND coalesce(args ->> 'body_hash', '') <> $2
		  AND (state = 'running' OR (state IN ('available', 'scheduled', 'retryable') AND cardinality(errors) > 0))`,
		stepID, bodyHash).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count tried step jobs: %w", err)
	}
	return n, nil
}

// RescheduleStepJobs moves the waiting jobs of one step to their
// subscription plus after (now, if that has passed).
func RescheduleStepJobs(ctx context.Context, tx pgx.Tx, stepID string, after time.Duration) (int64, error) {
	tag, err := tx.Exec(ctx, `
		UPDATE river_job SET scheduled_at = greatest(now(), to_timestamp((args ->> 'subscription')::bigint / 1e6) + $2 * interval '1 microsecond')
		WHERE kind = 'send_step' AND state IN ('scheduled', 'retryable', 'available') AND args ->> 'step_id' = $1`,
		stepID, after.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("reschedule step jobs: %w", err)
	}
	return tag.RowsAffected(), nil
}
