package sending

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/carrier"
	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

type stepWorker struct {
	river.WorkerDefaults[StepArgs]
	s *Sender
}

// Work sends one step, or snoozes it to a time it may go, or ends it.
func (w *stepWorker) Work(ctx context.Context, job *river.Job[StepArgs]) error {
	return w.s.sendStep(ctx, job.Args)
}

// Outcome of one attempt, for tests and logs.
var (
	errNotActive = errors.New("subscriber is not active in this subscription")
)

// sendStep is the whole life of one attempt:
//
//  1. read the subscriber without locking: ended subscriptions end the job,
//     a closed window or a full daily cap snoozes it;
//  2. wait for the rate limiter, before taking any lock, so that a STOP
//     never queues behind pacing;
//  3. in one transaction: lock the subscriber row, re-check it is active in
//     this subscription, claim the step (unique), call the carrier with a
//     timeout, record the result and schedule the next step.
//
// A STOP updates the same row, so it waits for a send in flight to finish;
// once the STOP has committed, step 3 sees it and sends nothing.
func (s *Sender) sendStep(ctx context.Context, a StepArgs) error {
	seq := s.cfg.Program.Sequence
	if a.Step < 0 || a.Step >= len(seq) {
		return river.JobCancel(errors.New("step is not in the program"))
	}
	step := seq[a.Step]

	sub, err := s.cfg.DB.FindSubscriber(ctx, a.SubscriberID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if !inSubscription(sub, a) {
		return river.JobCancel(errNotActive)
	}
	number, err := s.cfg.Vault.OpenString(vault.Phone, sub.PhoneEnc)
	if err != nil {
		return err
	}
	zones := s.zones(sub.TimeZone, number)
	if wait, err := s.holdFor(ctx, sub.ID, zones); err != nil || wait > 0 {
		if err != nil {
			return err
		}
		return river.JobSnooze(wait)
	}

	if err := s.pacer.reserve(ctx, segmentsCeil(step.Segments)); err != nil {
		return err
	}

	var result error
	err = s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		locked, err := store.LockSubscriber(ctx, tx, a.SubscriberID)
		if err != nil {
			return err
		}
		if !inSubscription(locked, a) {
			result = river.JobCancel(errNotActive)
			return nil
		}
		// Time has passed while pacing: the window may have closed.
		now := s.cfg.Now()
		next, left := windowOf(s.cfg.Program).NextOpen(now, zones)
		if next.After(now) {
			result = river.JobSnooze(next.Sub(now))
			return nil
		}
		var outboundID int64
		err = tx.QueryRow(ctx, `
			INSERT INTO outbound_messages (subscriber_id, kind, step, subscription, status, segments, created_at, updated_at)
			VALUES ($1, 'step', $2, $3, 'sending', $4, $5, $5)
			ON CONFLICT (subscriber_id, subscription, step) WHERE kind = 'step' DO NOTHING
			RETURNING id`,
			a.SubscriberID, a.Step, time.UnixMicro(a.Subscription), segmentsCeil(step.Segments), now).Scan(&outboundID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // this step already reached them: at most once
		} else if err != nil {
			return err
		}

		if err := s.pacer.space(ctx, segmentsCeil(step.Segments)); err != nil {
			return err
		}
		sendCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
		start := time.Now()
		res, sendErr := s.cfg.Carrier.Send(sendCtx, carrier.Message{
			To: number, Body: step.Body, StatusCallback: s.cfg.StatusCallbackURL,
			ValidityPeriod: validity(left),
		})
		cancel()
		s.observeCarrier(time.Since(start), sendErr)
		result, err = s.recordSend(ctx, tx, locked, outboundID, res, sendErr, func() error {
			return s.schedule(ctx, tx, a.SubscriberID, a.Step+1, time.UnixMicro(a.Subscription))
		})
		return err
	})
	if err != nil {
		return err
	}
	return result
}

// recordSend writes what the carrier answered; then, unless the number has
// gone, next runs (the next step is scheduled). Its error return aborts the
// transaction; its result is what the job returns.
func (s *Sender) recordSend(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, outboundID int64, res carrier.Result, sendErr error, next func() error) (result, err error) {
	update := func(status string, sid string, code int) error {
		var codeP *int
		if code != 0 {
			codeP = &code
		}
		_, err := tx.Exec(ctx, `
			UPDATE outbound_messages SET status = $2, twilio_sid = NULLIF($3, ''), error_code = $4, updated_at = now()
			WHERE id = $1`, outboundID, status, sid, codeP)
		return err
	}
	var cerr *carrier.Error
	errors.As(sendErr, &cerr)
	code := 0
	if cerr != nil {
		code = cerr.Code
	}
	switch {
	case sendErr == nil:
		status := res.Status
		if status == "" {
			status = "queued"
		}
		s.count(status)
		if err := update(status, res.SID, 0); err != nil {
			return nil, err
		}
		return nil, next()

	case errors.Is(sendErr, carrier.ErrOptedOut):
		// The person opted out with the carrier: stopped, for good, never retried.
		s.count("opted_out")
		if err := update("failed", "", code); err != nil {
			return nil, err
		}
		if err := store.SetState(ctx, tx, sub, store.Stopped, store.ConsentEvent{Method: store.MethodCarrier, Reason: strconv.Itoa(code)}); err != nil {
			return nil, err
		}
		return nil, s.Stopped(ctx, tx, sub.ID)

	case errors.Is(sendErr, carrier.ErrInvalidNumber):
		s.count("invalid_number")
		if err := update("failed", "", code); err != nil {
			return nil, err
		}
		if err := store.SetState(ctx, tx, sub, store.Invalid, store.ConsentEvent{Method: store.MethodCarrier, Reason: strconv.Itoa(code)}); err != nil {
			return nil, err
		}
		return nil, s.Stopped(ctx, tx, sub.ID)

	case carrier.IsRetryable(sendErr) && !ambiguous(sendErr):
		// The carrier did not take it (429, 5xx, no connection): undo the
		// claim and let River retry with backoff.
		s.count("retry")
		return nil, sendErr

	case ambiguous(sendErr):
		// The request may have reached the carrier: sending again could
		// deliver the step twice, so it is recorded as unknown and not retried.
		s.count("unknown")
		s.cfg.Logger.Warn("carrier request timed out; message not retried", slog.Int64("subscriber_id", sub.ID), slog.Int64("outbound_id", outboundID))
		if err := update("unknown", "", 0); err != nil {
			return nil, err
		}
		return nil, next()

	default:
		// Refused for another reason: visible in the record, the log and the
		// metrics; the sequence goes on with the next step.
		s.count("failed")
		s.cfg.Logger.Error("carrier refused a message", slog.Int64("subscriber_id", sub.ID), slog.Int64("outbound_id", outboundID),
			slog.Int("code", code), slog.String("error", sendErr.Error()))
		if err := update("failed", "", code); err != nil {
			return nil, err
		}
		return nil, next()
	}
}

// ambiguous tells whether a failed request may nonetheless have been taken
// by the carrier: it timed out or was cut off after it was sent.
func ambiguous(err error) bool {
	return carrier.IsAmbiguous(err) || errors.Is(err, context.DeadlineExceeded)
}

func inSubscription(sub *store.Subscriber, a StepArgs) bool {
	return sub.State == store.Active && sub.OptedInAt != nil && sub.OptedInAt.UnixMicro() == a.Subscription
}

// holdFor says how long a step must wait: until the send window is open in
// every zone the person may be in, and until the rolling 24-hour cap has room.
func (s *Sender) holdFor(ctx context.Context, subscriberID int64, zones []*time.Location) (time.Duration, error) {
	now := s.cfg.Now()
	p := s.cfg.Program
	var sent int
	var oldest *time.Time
	err := s.cfg.DB.Pool.QueryRow(ctx, `
		SELECT count(*), min(created_at) FROM outbound_messages
		WHERE subscriber_id = $1 AND kind = 'step' AND created_at > $2 AND status <> 'failed'`,
		subscriberID, now.Add(-24*time.Hour)).Scan(&sent, &oldest)
	if err != nil {
		return 0, err
	}
	earliest := now
	if sent >= p.DailyCap && oldest != nil {
		earliest = oldest.Add(24 * time.Hour)
	}
	next, _ := windowOf(p).NextOpen(earliest, zones)
	return next.Sub(now), nil
}

// validity is the ValidityPeriod for a message: Twilio drops it if it is
// still queued when the send window closes. Twilio accepts 1 to 36,000 s.
func validity(untilClose time.Duration) time.Duration {
	const maxValidity = 36000 * time.Second
	return max(time.Second, min(untilClose, maxValidity))
}

var locations sync.Map // zone name → *time.Location

func loadLocation(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	locations.Store(name, loc)
	return loc
}

// zones are where the person may be: the zone they gave, else every zone of
// their area code, else the programme's default.
func (s *Sender) zones(given, number string) []*time.Location {
	if loc := loadLocation(given); given != "" && loc != nil {
		return []*time.Location{loc}
	}
	var out []*time.Location
	for _, name := range phone.TimeZones(number) {
		if loc := loadLocation(name); loc != nil {
			out = append(out, loc)
		}
	}
	if len(out) == 0 {
		if loc := loadLocation(s.cfg.Program.DefaultTimeZone); loc != nil {
			out = append(out, loc)
		}
	}
	return out
}

func (s *Sender) count(status string) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.Outbound.WithLabelValues(status).Inc()
	}
}

func (s *Sender) observeCarrier(d time.Duration, _ error) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.CarrierCall.Observe(d.Seconds())
	}
}
