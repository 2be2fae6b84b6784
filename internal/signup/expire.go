package signup

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
)

// expireBatch is how many candidates one query fetches.
const expireBatch = 200

// ExpirePending moves every pending sign-up whose latest YES request (or
// ledger row, for one made pending another way) is older than
// Limits.ExpireAfter to expired, with a ledger row (reason "expired"), one
// subscriber per transaction. Nothing is sent: the one YES request was all
// a pending sign-up ever gets. A YES that arrives later is an opt-in by
// text like anyone's (package inbound), answered with the confirmation.
//
// It carries on past a subscriber it cannot expire and returns how many it
// expired and the first error.
func (s *Service) ExpirePending(ctx context.Context) (int, error) {
	cutoff := s.cfg.Now().Add(-s.cfg.Limits.ExpireAfter)
	var (
		expired  int
		firstErr error
		after    int64
	)
	for {
		batch, err := s.cfg.DB.PendingInactiveSince(ctx, cutoff, after, expireBatch)
		if err != nil {
			return expired, err
		}
		for _, c := range batch {
			after = c.ID
			done, err := s.expireOne(ctx, c)
			if err != nil {
				if ctx.Err() != nil {
					return expired, ctx.Err()
				}
				s.cfg.Logger.Error("expiring a pending sign-up", slog.Int64("subscriber_id", c.ID), slog.String("error", err.Error()))
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			if done {
				expired++
			}
		}
		if len(batch) < expireBatch {
			break
		}
	}
	if expired > 0 {
		s.cfg.Logger.Info("expired pending sign-ups", slog.Int("count", expired))
	}
	return expired, firstErr
}

// expireOne re-checks one candidate under its number's lock: a YES or a new
// sign-up may have come in since it was listed.
func (s *Service) expireOne(ctx context.Context, c store.PendingCandidate) (bool, error) {
	cutoff := s.cfg.Now().Add(-s.cfg.Limits.ExpireAfter)
	var done bool
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := store.LockNumber(ctx, tx, c.PhoneHash, false)
		if err != nil {
			return err
		}
		if sub.ID != c.ID || sub.State != store.Pending {
			return nil
		}
		active, err := store.PendingActivity(ctx, tx, sub.ID)
		if err != nil {
			return err
		}
		if !active.Before(cutoff) {
			return nil
		}
		latest, err := store.RecentConsent(ctx, tx, sub.ID, 1)
		if err != nil {
			return err
		}
		// The expiry is recorded under the method that made them pending
		// (the web form, or staff if staff ever create pending sign-ups).
		method := store.MethodWebForm
		if len(latest) == 1 && latest[0].ToState == store.Pending {
			method = latest[0].Method
		}
		done = true
		return s.cfg.Subscriptions.Transition(ctx, tx, sub, store.Expired, store.ConsentEvent{Method: method, Reason: ReasonExpired})
	})
	if err != nil {
		return false, fmt.Errorf("expire sign-up: %w", err)
	}
	return done, nil
}

// PruneLimits deletes limit windows that have ended.
func (s *Service) PruneLimits(ctx context.Context) (int64, error) {
	return s.cfg.DB.PruneLimits(ctx, s.cfg.Now())
}
