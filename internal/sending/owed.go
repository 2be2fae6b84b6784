package sending

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/store"
)

// A step, once sent, enqueues the next one through steps_to_schedule: the
// send's transaction writes a row there together with its COMMIT (no round
// trip of its own), and ScheduleOwed turns the rows into River jobs in
// batches. One River insert per send was the costliest statement of a
// send; batched, it costs Postgres about a third as much per step, and the
// send's transaction has one round trip fewer. The row is written in the
// same transaction as the send it follows, and deleted in the same
// transaction as the job it becomes, so no step is lost to a crash; River's
// uniqueness (subscriber, subscription, step id) means none is scheduled twice.

const (
	// owedBatch is how many owed steps one transaction schedules.
	owedBatch = 1000
	// owedEvery is how often a sender schedules owed steps while it is
	// sending (and for a second after). Steps are days apart: this only
	// bounds how long a row waits.
	owedEvery = 100 * time.Millisecond
	// owedIdleEvery is how often it looks when it has sent nothing: for rows
	// a replica left behind when it stopped.
	owedIdleEvery = 5 * time.Second
)

// ScheduleOwed schedules every owed step whose subscription is still
// active, and drops the others. It returns how many it scheduled. Several
// replicas may run it at once: each takes rows the others have not locked.
func (s *Sender) ScheduleOwed(ctx context.Context) (int, error) {
	total := 0
	for {
		taken, scheduled, err := s.scheduleOwedBatch(ctx)
		total += scheduled
		if err != nil || taken < owedBatch {
			return total, err
		}
	}
}

func (s *Sender) scheduleOwedBatch(ctx context.Context) (taken, scheduled int, err error) {
	err = s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		owed, err := store.TakeOwedSteps(ctx, tx, owedBatch)
		if err != nil {
			return err
		}
		taken = len(owed)
		var params []river.InsertManyParams
		for _, o := range owed {
			if !inSubscription(o.State, o.OptedInAt, o.Subscription) {
				continue
			}
			id := o.StepID
			if id == "" && o.Step != nil && *o.Step >= 0 && *o.Step < len(s.cfg.Program.Sequence) {
				id = s.cfg.Program.Sequence[*o.Step].ID // owed before step ids
			}
			if id == "" {
				continue
			}
			// A step no longer in the program gets a job all the same, due
			// now: its worker owes what comes next instead.
			a, due := s.stepArgs(o.SubscriberID, o.Subscription, id)
			params = append(params, river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{ScheduledAt: dueAt(due)}})
		}
		if len(params) == 0 {
			return nil
		}
		res, err := s.river.InsertManyTx(ctx, tx, params)
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				scheduled++
			}
		}
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("schedule owed steps: %w", err)
	}
	return taken, scheduled, nil
}

// stepArgs are the job arguments of a step, and when it is due.
func (s *Sender) stepArgs(subscriberID int64, subscription time.Time, stepID string) (StepArgs, time.Time) {
	a := StepArgs{SubscriberID: subscriberID, StepID: stepID, Step: -1, Subscription: subscription.UnixMicro()}
	step, i, ok := s.cfg.Program.StepByID(stepID)
	if !ok {
		return a, time.Time{}
	}
	due := subscription.Add(step.After)
	a.Step, a.BodyHash, a.Due = i, step.Hash(), due.UnixMicro()
	return a, due
}

// oweNext owes, in tx, the step that comes next for a subscription in the
// current program's order: the first one it has not had (received) and
// that is not the one being sent (current). A step inserted before where
// the person is comes next, at once if its time has passed; nothing is
// owed once every step of the program has gone.
func (s *Sender) oweNext(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time, received []string, current string) error {
	for _, st := range s.cfg.Program.Sequence {
		if st.ID != current && !slices.Contains(received, st.ID) {
			s.owing.Add(1)
			return store.OweStep(ctx, tx, subscriberID, subscription, st.ID)
		}
	}
	return nil
}

// scheduleOwedLoop runs ScheduleOwed every owedEvery while this sender
// owes steps, else every owedIdleEvery, until done closes.
func (s *Sender) scheduleOwedLoop(done <-chan struct{}) {
	tick := time.NewTicker(owedEvery)
	defer tick.Stop()
	var seen int64
	var lastOwed, lastRun time.Time
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		now := time.Now()
		if n := s.owing.Load(); n != seen {
			seen, lastOwed = n, now
		}
		// A step is owed before its send commits: keep looking a while.
		if now.Sub(lastOwed) > time.Second && now.Sub(lastRun) < owedIdleEvery {
			continue
		}
		lastRun = now
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := s.ScheduleOwed(ctx); err != nil {
			s.cfg.Logger.Error("scheduling owed steps", slog.String("error", err.Error()))
		}
		cancel()
	}
}
