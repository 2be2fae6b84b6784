package sending

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/message"
	"textsupport/internal/store"
)

// SignupRequestArgs is the one text that asks a web sign-up to reply YES.
type SignupRequestArgs struct {
	SubscriberID int64 `json:"subscriber_id"`
	// Requested (Unix microseconds) tells one sign-up from a later one.
	Requested int64 `json:"requested"`
}

// Kind names the job in River's table.
func (SignupRequestArgs) Kind() string { return "send_signup_request" }

// InsertOpts keeps each request unique; it is sent at most once.
func (SignupRequestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueSequence, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RequestConfirmation schedules, in the caller's transaction, the text that
// asks a pending web sign-up to reply YES. It goes at once, whatever the
// hour: the person has just asked for it. It is sent only if the
// subscriber is still pending when it goes.
func (s *Sender) RequestConfirmation(ctx context.Context, tx pgx.Tx, subscriberID int64, requested time.Time) error {
	if _, err := s.river.InsertTx(ctx, tx, SignupRequestArgs{SubscriberID: subscriberID, Requested: requested.UnixMicro()}, nil); err != nil {
		return fmt.Errorf("request confirmation: %w", err)
	}
	return nil
}

type signupWorker struct {
	river.WorkerDefaults[SignupRequestArgs]
	s *Sender
}

func (w *signupWorker) Work(ctx context.Context, job *river.Job[SignupRequestArgs]) error {
	return w.s.sendSignupRequest(ctx, job.Args, lookBackFrom(job.JobRow))
}

// sendSignupRequest sends the YES-request, at most once per sign-up:
// not if one went since the sign-up (an attempt that committed, then was
// run again because River had not marked it done). Unless lookBack is
// zero (a retry) it first looks for one an interrupted attempt sent, as a
// step does, and it keeps to the send window: only the first attempt goes
// at any hour, the moment the person asked for it.
func (s *Sender) sendSignupRequest(ctx context.Context, a SignupRequestArgs, lookBack time.Time) error {
	body := s.cfg.Program.Replies.PendingConfirm
	segments, _ := message.Segments(body)
	retry := !lookBack.IsZero()
	return s.paced(ctx, segmentsCeil(segments), func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error) {
		sub, err := store.LockSubscriber(ctx, tx, a.SubscriberID)
		if errors.Is(err, store.ErrNotFound) {
			return river.JobCancel(err), errRollback
		} else if err != nil {
			return nil, err
		}
		if sub.State != store.Pending {
			return river.JobCancel(errors.New("subscriber is no longer pending")), errRollback
		}
		// The database's clock wrote the row; the sign-up's time is the
		// service's: allow for the difference.
		sent, err := store.SignupRequestSent(ctx, tx, sub.ID, time.UnixMicro(a.Requested).Add(-lookupSkew))
		if err != nil {
			return nil, err
		}
		if sent {
			return nil, errRollback // it went: at most once
		}
		number, err := s.cfg.Vault.OpenPhone(sub.PhoneHash, sub.PhoneEnc)
		if err != nil {
			return nil, err
		}
		d := delivery{
			sub:    sub,
			number: number,
			body:   body,
			record: store.Outbound{
				SubscriberID: sub.ID, Kind: store.KindSignupConfirm, ReplyName: "pending_confirm", Segments: segmentsCeil(segments),
			},
		}
		if retry {
			now := s.cfg.Now()
			d.hold = func() (time.Duration, time.Duration) {
				next, left := windowOf(s.cfg.Program).NextOpen(now, s.zones(sub.TimeZone, number))
				if next.After(now) {
					return next.Sub(now), 0
				}
				return 0, left
			}
		}
		return s.deliver(ctx, tx, pace, &lookBack, d)
	})
}

// NextRetry runs a job again at once when River rescued it (its process
// died mid-attempt), rather than after River's backoff: the retry asks
// the carrier first whether the interrupted attempt went.
func (w *signupWorker) NextRetry(job *river.Job[SignupRequestArgs]) time.Time {
	return rescuedRetry(job.JobRow, w.s.cfg.RescueAfter)
}
