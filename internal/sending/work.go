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
	"github.com/riverqueue/river/rivertype"

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
	return w.s.send(ctx, job.Args, lookBackFrom(job.JobRow))
}

// lookBackFrom says where to look for an earlier attempt's message before
// sending: from the job's creation, if an earlier attempt ran. An attempt
// that ended with an error sent nothing or recorded what it sent; but one
// cut short (the process stopped between the carrier's answer and the
// commit, and River rescued the job) may have sent the message unrecorded.
// Snoozes do not count as attempts. Zero: the first attempt.
func lookBackFrom(job *rivertype.JobRow) time.Time {
	if job == nil || job.Attempt <= 1 {
		return time.Time{}
	}
	return job.CreatedAt
}

// Outcome of one attempt, for tests and logs.
var (
	errNotActive = errors.New("subscriber is not active in this subscription")
)

// sendStep is the whole life of one attempt, in one transaction (see paced):
//
//  1. lock the subscriber row and read it with its recent sends and
//     whether this step already reached them (one round trip);
//  2. end the job if the subscription has ended or the step was sent;
//     on a retry, ask the carrier whether an interrupted attempt sent it;
//     snooze it if the send window is closed or the daily cap is full;
//  3. pass the pacer;
//  4. call the carrier with a timeout, record the result and owe the
//     next step (see owed.go).
//
// A STOP updates the same row, so it waits for a send in flight to finish;
// once the STOP has committed, step 1 sees it and sends nothing.
func (s *Sender) sendStep(ctx context.Context, a StepArgs) error {
	return s.send(ctx, a, time.Time{})
}

// send is sendStep; unless lookBack is zero, it first asks the carrier
// for a message with the step's body sent to the number since lookBack,
// and records that one instead of sending again.
func (s *Sender) send(ctx context.Context, a StepArgs, lookBack time.Time) error {
	seq := s.cfg.Program.Sequence
	if a.Step < 0 || a.Step >= len(seq) {
		return river.JobCancel(errors.New("step is not in the program"))
	}
	step := seq[a.Step]
	segments := segmentsCeil(step.Segments)
	return s.paced(ctx, segments, func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error) {
		now := s.cfg.Now()
		sub, capFull, sent, err := s.lockForStep(ctx, tx, a, now)
		if errors.Is(err, store.ErrNotFound) {
			return river.JobCancel(err), errRollback
		} else if err != nil {
			return nil, err
		}
		if !inSubscription(sub, a) {
			return river.JobCancel(errNotActive), errRollback
		}
		if sent {
			return nil, nil // this step already reached them: at most once
		}
		number, err := s.cfg.Vault.OpenString(vault.Phone, sub.PhoneEnc)
		if err != nil {
			return nil, err
		}
		record := func(status, sid string, code *int) error {
			// The unique index on (subscriber, subscription, step) backs the
			// check above. The row goes with the COMMIT: one round trip.
			return store.AtCommit(ctx, tx, `
				INSERT INTO outbound_messages (subscriber_id, kind, step, subscription, twilio_sid, status, error_code, segments, created_at, updated_at)
				VALUES ($1, 'step', $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $8)`,
				a.SubscriberID, a.Step, time.UnixMicro(a.Subscription), sid, status, code, segments, now)
		}
		owe := func() error { return s.owe(ctx, tx, a) }
		if !lookBack.IsZero() {
			res, found, err := s.findUnrecorded(ctx, tx, number, step.Body, lookBack)
			if err != nil {
				return nil, err // never send blind: try again later
			}
			if found {
				s.cfg.Logger.Warn("step found sent by an interrupted attempt; recorded, not sent again",
					slog.Int64("subscriber_id", a.SubscriberID), slog.Int("step", a.Step))
				return s.recordSend(ctx, tx, sub, record, res, nil, owe)
			}
			// Not there: nothing else sends this step while this job runs,
			// so a try after waiting for the pacer need not ask again.
			lookBack = time.Time{}
		}
		zones := s.zones(sub.TimeZone, number)
		earliest := now
		if capFull != nil {
			earliest = capFull.Add(24 * time.Hour)
		}
		next, left := windowOf(s.cfg.Program).NextOpen(earliest, zones)
		if next.After(now) {
			return river.JobSnooze(next.Sub(now)), errRollback
		}
		if err := pace(); err != nil {
			return nil, err
		}
		sendCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
		start := time.Now()
		res, sendErr := s.cfg.Carrier.Send(sendCtx, carrier.Message{
			To: number, Body: step.Body, StatusCallback: s.cfg.StatusCallbackURL,
			ValidityPeriod: validity(left),
		})
		cancel()
		s.observeCarrier(time.Since(start), sendErr)
		return s.recordSend(ctx, tx, sub, record, res, sendErr, owe)
	})
}

// findUnrecorded asks the carrier for a message with this body sent to
// number since since, bounded by SendTimeout, and counts it found only if
// no outbound row has its SID yet (an earlier message may share the text).
func (s *Sender) findUnrecorded(ctx context.Context, tx pgx.Tx, number, body string, since time.Time) (carrier.Result, bool, error) {
	findCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	res, found, err := s.cfg.Carrier.Find(findCtx, number, body, since)
	cancel()
	if err != nil || !found {
		return carrier.Result{}, false, err
	}
	var recorded bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_messages WHERE twilio_sid = $1)`, res.SID).Scan(&recorded); err != nil {
		return carrier.Result{}, false, err
	}
	return res, !recorded, nil
}

// attempt is one try at a send, in a transaction that holds the
// subscriber's row lock. It calls pace just before the carrier request.
// Its result is what the job returns; its error, if any, rolls the
// transaction back (errRollback: nothing to keep, the result says why).
type attempt func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error)

// lockWait bounds how long an attempt may wait for the subscriber's row
// lock, on top of SendTimeout for the carrier request.
const lockWait = 15 * time.Second

// paced runs try until it no longer needs to wait for the pacer. The wait
// never happens under the lock: pace takes the rate limiter's tokens only
// if they are there at once and the spacer only waits briefly; otherwise
// the attempt rolls back, waits here holding nothing, and runs again. So a
// STOP never queues behind pacing.
//
// The transaction does not end when the job's context does (the service is
// stopping): a request that reached the carrier is always recorded, and is
// never sent again. Only the waits end then, and the job is snoozed for
// whichever replica runs next.
func (s *Sender) paced(ctx context.Context, segments int, try attempt) error {
	haveTokens := false
	pace := func(ctx context.Context) error {
		if !haveTokens {
			if !s.pacer.tryReserve(segments) {
				return errNeedTokens
			}
			haveTokens = true
		}
		return s.pacer.space(ctx, segments)
	}
	for {
		var result error
		txCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.SendTimeout+lockWait)
		err := s.cfg.DB.InTx(txCtx, func(tx pgx.Tx) error {
			var err error
			result, err = try(txCtx, tx, func() error { return pace(txCtx) })
			return err
		})
		cancel()
		var wait error
		switch {
		case errors.Is(err, errNeedTokens):
			// The tokens are taken once they come, and kept for the next try.
			wait = s.pacer.reserve(ctx, segments)
			haveTokens = wait == nil
		case errors.Is(err, errPaceBusy):
			wait = sleepCtx(ctx, s.pacer.busyFor())
		case err != nil && !errors.Is(err, errRollback):
			return err
		default:
			return result
		}
		if wait != nil {
			// The service is stopping while this send waits its turn.
			return river.JobSnooze(time.Second)
		}
	}
}

// errNeedTokens rolls back an attempt whose tokens were not there at once.
var errNeedTokens = errors.New("pacing: waiting for the rate limiter")

// errRollback ends a send's transaction without keeping anything; the job's
// result says what happens next.
var errRollback = errors.New("rolled back")

// lockForStep locks the subscriber's row and reads it, in one round trip
// with two more facts: when the rolling 24-hour cap is full, the time of
// the send that must age out before the next may go; and whether this step
// already reached them. Every send to a subscriber happens under this lock,
// so nothing can record the step in between.
func (s *Sender) lockForStep(ctx context.Context, tx pgx.Tx, a StepArgs, now time.Time) (sub *store.Subscriber, capFull *time.Time, sent bool, err error) {
	b := &pgx.Batch{}
	b.Queue(`
		SELECT s.phone_enc, s.state, coalesce(s.time_zone, ''), s.opted_in_at,
		       (SELECT o.created_at FROM outbound_messages o
		        WHERE o.subscriber_id = s.id AND o.kind = 'step' AND o.created_at > $2 AND o.status <> 'failed'
		        ORDER BY o.created_at DESC OFFSET $3 LIMIT 1)
		FROM subscribers s WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
		a.SubscriberID, now.Add(-24*time.Hour), s.cfg.Program.DailyCap-1)
	b.Queue(`SELECT EXISTS (SELECT 1 FROM outbound_messages
		WHERE subscriber_id = $1 AND subscription = $2 AND step = $3 AND kind = 'step')`,
		a.SubscriberID, time.UnixMicro(a.Subscription), a.Step)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	sub = &store.Subscriber{ID: a.SubscriberID}
	if err := br.QueryRow().Scan(&sub.PhoneEnc, &sub.State, &sub.TimeZone, &sub.OptedInAt, &capFull); err != nil {
		return nil, nil, false, notFoundOr(err)
	}
	if err := br.QueryRow().Scan(&sent); err != nil {
		return nil, nil, false, err
	}
	return sub, capFull, sent, br.Close()
}

func notFoundOr(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// recordSend writes what the carrier answered, through record; then,
// unless the number has gone, next runs (the next step is scheduled). Its
// error return aborts the transaction; its result is what the job returns.
func (s *Sender) recordSend(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, record func(status, sid string, code *int) error, res carrier.Result, sendErr error, next func() error) (result, err error) {
	update := func(status string, sid string, code int) error {
		var codeP *int
		if code != 0 {
			codeP = &code
		}
		return record(status, sid, codeP)
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
		s.cfg.Logger.Warn("carrier request timed out; message not retried", slog.Int64("subscriber_id", sub.ID))
		if err := update("unknown", "", 0); err != nil {
			return nil, err
		}
		return nil, next()

	default:
		// Refused for another reason: visible in the record, the log and the
		// metrics; the sequence goes on with the next step.
		s.count("failed")
		s.cfg.Logger.Error("carrier refused a message", slog.Int64("subscriber_id", sub.ID),
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

// sleepCtx waits d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
