package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// NextStepFor finds a number's earliest waiting step job, and nothing for
// a number with none waiting or jobs already done.
func TestNextStepFor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	v, err := vault.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	const number, other = "+16715550111", "+18085550122"
	ev := store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}
	sub := pgtest.NewSubscriber(t, db, v, number, "Pacific/Guam", store.Active, ev, nil)
	otherSub := pgtest.NewSubscriber(t, db, v, other, "", store.Active, ev, nil)

	if _, ok, err := db.NextStepFor(ctx, v.Hash(number)); err != nil || ok {
		t.Fatalf("NextStepFor with no jobs = %v, %v; want none", ok, err)
	}
	base := time.Date(2030, 1, 2, 22, 0, 0, 0, time.UTC)
	for _, j := range []struct {
		sub   int64
		state string
		at    time.Time
	}{
		{sub.ID, "scheduled", base.Add(2 * time.Hour)},
		{sub.ID, "available", base.Add(time.Hour)}, // the earliest waiting
		{sub.ID, "completed", base},                // done: not waiting
		{otherSub.ID, "scheduled", base.Add(-time.Hour)},
	} {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, finalized_at)
			VALUES (jsonb_build_object('subscriber_id', $1::bigint, 'step', 1), 'send_step', 5, 1, 'default', $2::river_job_state, $3,
			        CASE WHEN $2 = 'completed' THEN $3::timestamptz END)`, j.sub, j.state, j.at); err != nil {
			t.Fatal(err)
		}
	}
	next, ok, err := db.NextStepFor(ctx, v.Hash(number))
	if err != nil || !ok || !next.Due.Equal(base.Add(time.Hour)) || next.TimeZone != "Pacific/Guam" {
		t.Errorf("NextStepFor = %+v, %v, %v; want due %s in Pacific/Guam", next, ok, err, base.Add(time.Hour))
	}
	if next, ok, err := db.NextStepFor(ctx, v.Hash("+12125550133")); err != nil || ok {
		t.Errorf("NextStepFor(a number not on record) = %+v, %v, %v; want none", next, ok, err)
	}
}
