package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueDepths is River's job queue as it stands, for monitoring.
type QueueDepths struct {
	// Jobs counts the jobs still to run, by queue and then by state
	// (available: due now; scheduled: due later; retryable: failed and
	// waiting to retry). A queue with no such job is absent.
	Jobs map[string]map[string]int64
	// OldestDue is, by queue, how long its oldest available job has been
	// due; absent when none is.
	OldestDue map[string]time.Duration
	// StepsOwed counts the steps sends owe and that are not yet scheduled
	// as jobs (steps_to_schedule).
	StepsOwed int64
}

// QueueDepths reads the queue's depth. The counts come from River's
// (state, queue, …) index, so the read stays cheap however long the queue.
func (db *DB) QueueDepths(ctx context.Context) (*QueueDepths, error) {
	q := &QueueDepths{Jobs: map[string]map[string]int64{}, OldestDue: map[string]time.Duration{}}
	rows, err := db.Pool.Query(ctx, `
		SELECT queue, state::text, count(*), coalesce(extract(epoch FROM now() - min(scheduled_at)), 0)
		FROM river_job WHERE state IN ('available', 'scheduled', 'retryable')
		GROUP BY queue, state`)
	if err != nil {
		return nil, fmt.Errorf("read queue depths: %w", err)
	}
	var queue, state string
	var n int64
	var oldest float64 // seconds
	_, err = pgx.ForEachRow(rows, []any{&queue, &state, &n, &oldest}, func() error {
		if q.Jobs[queue] == nil {
			q.Jobs[queue] = map[string]int64{}
		}
		q.Jobs[queue][state] = n
		if state == "available" {
			q.OldestDue[queue] = time.Duration(max(0, oldest) * float64(time.Second))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read queue depths: %w", err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM steps_to_schedule`).Scan(&q.StepsOwed); err != nil {
		return nil, fmt.Errorf("count owed steps: %w", err)
	}
	return q, nil
}
