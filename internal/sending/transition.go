package sending

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
)

// Transition is the one way a subscriber's state changes: inbound keywords
// and revocations, web sign-ups and their expiry, staff opt-outs, carrier
// errors and delivery reports all come here. In the caller's transaction,
// holding the number's lock (store.LockNumber), it writes the new state
// and its ledger row (store.ChangeState) and follows the change through:
//
//   - a subscription that begins owes its first step, scheduled within a
//     fraction of a second of the COMMIT (ScheduleOwed);
//   - a subscriber who leaves active, or is stopped or made invalid, has
//     every waiting step cancelled: once the change commits, nothing more
//     is sent (invariant 1; a send in flight holds the same row lock and
//     re-checks the state under it).
//
// sub is updated. A subscriber already in state to gets the ledger row only.
func (s *Sender) Transition(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error {
	from := sub.State
	if err := store.ChangeState(ctx, tx, sub, to, ev, time.Now()); err != nil {
		return err
	}
	switch {
	case from == to:
		return nil
	case to == store.Active:
		return s.oweNext(ctx, tx, sub.ID, *sub.OptedInAt, nil, "")
	case from != "":
		return s.cancel(ctx, tx, sub.ID)
	}
	return nil
}

// cancel cancels every job still waiting for the subscriber, and every
// step owed but not yet scheduled. A job already running re-checks the
// state under the subscriber's row lock and sends nothing.
func (s *Sender) cancel(ctx context.Context, tx pgx.Tx, subscriberID int64) error {
	// First the owed steps: if ScheduleOwed holds them, this waits for it
	// to commit, and the jobs it made are cancelled below.
	if err := store.DropOwedSteps(ctx, tx, subscriberID); err != nil {
		return err
	}
	ids, err := store.WaitingStepJobs(ctx, tx, subscriberID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.river.JobCancelTx(ctx, tx, id); err != nil {
			return fmt.Errorf("cancel job: %w", err)
		}
	}
	return nil
}

// inSubscription tells whether a subscriber is still active in the
// subscription a step belongs to: the one check, before a send and before
// an owed step is scheduled.
func inSubscription(state store.State, optedInAt *time.Time, subscription time.Time) bool {
	return state == store.Active && optedInAt != nil && optedInAt.Equal(subscription)
}
