package sending

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/store"
)

// When the carrier refuses a send for a reason about the account (bad
// credentials, a sender number the account does not own, a suspended
// account: carrier.ErrAccount), every other send would fail the same way.
// Instead of recording each person's step as failed and moving on, sending
// pauses: the refused job and every job after it snooze, nothing is
// recorded for them, staff see the pause (store.SendingPause, for the
// dashboard's banner; the textsupport_sending_paused metric; an error in
// the log). Once every probeEvery one send is let through (ClaimProbe): if
// it goes, the pause ends and everyone's sequence goes on from where it
// was; if not, the pause goes on.

// probeEvery is how often one send tries whether the account works again.
const probeEvery = time.Minute

// maxPausedSnooze bounds how long a job waits in one snooze while sending
// is paused: at most this long after the account works again, it goes.
const maxPausedSnooze = 10 * time.Minute

// paused says whether a send may go now given the pause p (nil: read it
// in tx): probe is true when this send is the one let through to try the
// account; wait > 0 when it must wait that long.
func (s *Sender) paused(ctx context.Context, tx pgx.Tx, p *store.Pause) (probe bool, wait time.Duration, err error) {
	if p == nil {
		if p, err = store.SendingPaused(ctx, tx); err != nil || p == nil {
			return false, 0, err
		}
	}
	now := s.cfg.Now()
	if !p.NextProbeAt.After(now) {
		claimed, err := store.ClaimProbe(ctx, tx, now, now.Add(probeEvery))
		if err != nil || claimed {
			return claimed, 0, err
		}
	}
	// The longer the pause has lasted, the longer each job waits (a
	// million jobs waking every minute would load the database for
	// nothing), spread so that they do not all wake at once.
	wait = min(maxPausedSnooze, max(probeEvery, now.Sub(p.Since)/2))
	return false, wait + rand.N(wait/2+time.Second), nil
}

// pause records an account-level refusal: the pause starts (or goes on),
// the job snoozes, nothing else is kept.
func (s *Sender) pause(ctx context.Context, tx pgx.Tx, code int, sendErr error) (result, err error) {
	now := s.cfg.Now()
	if err := store.PauseSending(ctx, tx, code, sendErr.Error(), now, now.Add(probeEvery)); err != nil {
		return nil, err
	}
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.SendingPaused.Set(1)
	}
	s.cfg.Logger.Error("the carrier refused the account or its sender: sending is paused until a send goes through again",
		slog.Int("code", code), slog.String("error", sendErr.Error()))
	return river.JobSnooze(probeEvery + rand.N(probeEvery/2)), nil
}

// resumed ends a pause with tx's COMMIT: a send went through.
func (s *Sender) resumed(ctx context.Context, tx pgx.Tx) error {
	if err := store.ResumeSending(ctx, tx); err != nil {
		return err
	}
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.SendingPaused.Set(0)
	}
	s.cfg.Logger.Info("a send went through: sending resumes")
	return nil
}
