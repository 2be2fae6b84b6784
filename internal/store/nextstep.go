package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// NextStep is a number's next waiting sequence step: when its job is due,
// and the time zone the person gave ("" if none).
type NextStep struct {
	Due      time.Time
	TimeZone string
}

// NextStepFor finds the earliest waiting sequence step (a send_step job not
// yet run) of the subscriber with phoneHash; ok is false when none waits.
// The dev phone simulator uses it to say when a quiet phone will hear next.
func (db *DB) NextStepFor(ctx context.Context, phoneHash []byte) (next NextStep, ok bool, err error) {
	// The states and expression are those of river_job_send_step_subscriber
	// (migrations/00001_baseline.sql), so the index finds the jobs.
	err = db.Pool.QueryRow(ctx, `
		SELECT j.scheduled_at, coalesce(s.time_zone, '')
		FROM subscribers s
		JOIN river_job j ON (j.args ->> 'subscriber_id')::bigint = s.id
		WHERE s.phone_hash = $1 AND j.kind = 'send_step'
		  AND j.state IN ('available', 'scheduled', 'retryable', 'pending')
		ORDER BY j.scheduled_at
		LIMIT 1`, phoneHash).Scan(&next.Due, &next.TimeZone)
	if errors.Is(err, pgx.ErrNoRows) {
		return NextStep{}, false, nil
	}
	return next, err == nil, err
}
