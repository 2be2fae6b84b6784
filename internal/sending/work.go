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

// errNotActive ends a step's job: the subscription it belongs to is over.
var errNotActive = errors.New("subscriber is not active in this subscription")

// sendStep is the whole life of one attempt, in one transaction (see paced):
//
//  1. lock the subscriber row and read it with its recent sends and
//     whether this step already reached them (one round trip);
//  2. end the job if the subscription has ended or the step was sent;
//  3. deliver it (see deliver): on a retry, ask the carrier whether an
//     interrupted attempt sent it; snooze it if the send window is closed
//     or the daily cap is full; pass the pacer; call the carrier; record
//     the result and owe the next step (see owed.go).
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
	subscription := time.UnixMicro(a.Subscription)
	return s.paced(ctx, segments, func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error) {
		now := s.cfg.Now()
		v, err := store.LockForStep(ctx, tx, a.SubscriberID, subscription, a.Step, s.cfg.Program.DailyCap, now)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return river.JobCancel(err), errRollback
		case err != nil:
			return nil, err
		case !inSubscription(v.State, v.OptedInAt, subscription):
			return river.JobCancel(errNotActive), errRollback
		case v.Sent:
			return nil, nil // this step already reached them: at most once
		}
		number, err := s.cfg.Vault.OpenPhone(v.PhoneHash, v.PhoneEnc)
		if err != nil {
			return nil, err
		}
		return s.deliver(ctx, tx, pace, &lookBack, delivery{
			sub:    &store.Subscriber{ID: a.SubscriberID, State: v.State, TimeZone: v.TimeZone, OptedInAt: v.OptedInAt},
			number: number,
			body:   step.Body,
			record: store.Outbound{
				SubscriberID: a.SubscriberID, Kind: store.KindStep, Step: &a.Step, Subscription: &subscription,
				Segments: segments, CreatedAt: now,
			},
			hold: func() (time.Duration, time.Duration) { return s.hold(v, number, now) },
			next: func() error { return s.owe(ctx, tx, a.SubscriberID, subscription, a.Step+1) },
		})
	})
}

// hold says how long a step must wait before it may go (a conversation
// with staff going on, the send window in the person's zones, and the
// daily cap), and, when it may go now, how long is left until the window
// closes.
func (s *Sender) hold(v *store.StepView, number string, now time.Time) (wait, left time.Duration) {
	if v.ConversationActivity != nil {
		// While people talk, the sequence waits: until the conversation
		// closes (CloseConversation resumes it) or goes quiet.
		if resume := v.ConversationActivity.Add(s.cfg.Program.ConversationQuiet); resume.After(now) {
			return resume.Sub(now), 0
		}
	}
	earliest := now
	if v.CapFull != nil {
		earliest = v.CapFull.Add(24 * time.Hour)
	}
	next, left := windowOf(s.cfg.Program).NextOpen(earliest, s.zones(v.TimeZone, number))
	if next.After(now) {
		return next.Sub(now), 0
	}
	return 0, left
}

// delivery is one message to send under its subscriber's row lock.
type delivery struct {
	sub    *store.Subscriber
	number string
	body   string
	// record is the outbound row, less what the carrier answers.
	record store.Outbound
	// validity is how long the carrier may keep trying, unless hold says.
	validity time.Duration
	// hold, if set, says how long the message must wait before it may go,
	// and otherwise how long it stays valid.
	hold func() (wait, left time.Duration)
	// onHold, if set, records until when a held message waits; the
	// transaction then commits (otherwise a hold keeps nothing).
	onHold func(until time.Time) error
	// next runs once the message is recorded as sent, in the same
	// transaction (a step owes the next).
	next func() error
}

// deliver sends one message and records what the carrier answered. Unless
// *lookBack is zero, it first asks the carrier whether an interrupted
// attempt sent the message since then, and records that one instead.
func (s *Sender) deliver(ctx context.Context, tx pgx.Tx, pace func() error, lookBack *time.Time, d delivery) (result, err error) {
	if !lookBack.IsZero() {
		res, found, err := s.findUnrecorded(ctx, tx, d.number, d.body, *lookBack)
		if err != nil {
			return nil, err // never send blind: try again later
		}
		if found {
			s.cfg.Logger.Warn("message found sent by an interrupted attempt; recorded, not sent again",
				slog.Int64("subscriber_id", d.sub.ID), slog.String("kind", d.record.Kind))
			return s.recordSend(ctx, tx, d, res, nil)
		}
		// Not there: nothing else sends this message while this job runs,
		// so a try after waiting for the pacer need not ask again.
		*lookBack = time.Time{}
	}
	validity := d.validity
	if d.hold != nil {
		wait, left := d.hold()
		if wait > 0 {
			if d.onHold == nil {
				return river.JobSnooze(wait), errRollback
			}
			return river.JobSnooze(wait), d.onHold(s.cfg.Now().Add(wait))
		}
		validity = validityPeriod(left)
	}
	if err := pace(); err != nil {
		return nil, err
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	start := time.Now()
	res, sendErr := s.cfg.Carrier.Send(sendCtx, carrier.Message{
		To: d.number, Body: d.body, StatusCallback: s.cfg.StatusCallbackURL, ValidityPeriod: validity,
	})
	cancel()
	s.observeCarrier(time.Since(start), sendErr)
	return s.recordSend(ctx, tx, d, res, sendErr)
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
	recorded, err := store.SIDRecorded(ctx, tx, res.SID)
	if err != nil {
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

// recordSend records what the carrier answered and follows it through:
// the next step is owed unless the number has gone; a number the carrier
// says opted out or cannot receive changes state. Its error aborts the
// transaction; its result is what the job returns.
func (s *Sender) recordSend(ctx context.Context, tx pgx.Tx, d delivery, res carrier.Result, sendErr error) (result, err error) {
	outcome := classifySend(sendErr)
	if sendErr == nil && res.Status != "" {
		outcome.metric, outcome.status = res.Status, res.Status
	}
	s.count(outcome.metric)
	switch outcome.metric {
	case "retry":
		// The carrier did not take it (429, 5xx, no connection): nothing is
		// kept, and River retries with backoff.
		return nil, sendErr
	case "unknown":
		s.cfg.Logger.Warn("carrier request timed out; message not retried", slog.Int64("subscriber_id", d.sub.ID))
	case "failed":
		// Refused for another reason: visible in the record, the log and the
		// metrics; the sequence goes on with the next step.
		s.cfg.Logger.Error("carrier refused a message", slog.Int64("subscriber_id", d.sub.ID),
			slog.Int("code", outcome.code), slog.String("error", sendErr.Error()))
	}
	rec := d.record
	rec.Status = outcome.status
	if sendErr == nil {
		rec.TwilioSID = res.SID
	}
	if outcome.code != 0 {
		rec.ErrorCode = &outcome.code
	}
	if err := store.RecordOutbound(ctx, tx, rec); err != nil {
		return nil, err
	}
	if outcome.to != "" && !d.sub.Recorded() {
		return nil, nil // a number that never subscribed: nothing to change
	}
	if outcome.to != "" {
		// The person opted out with the carrier (stopped, for good, never
		// retried) or the number cannot receive (invalid).
		ev := store.ConsentEvent{Method: store.MethodCarrier, Reason: strconv.Itoa(outcome.code)}
		return nil, s.Transition(ctx, tx, d.sub, outcome.to, ev)
	}
	if d.next == nil {
		return nil, nil
	}
	return nil, d.next()
}

// sendOutcome is what one carrier request's result means.
type sendOutcome struct {
	metric string      // textsupport_outbound_total's label
	status string      // the outbound row's status
	code   int         // the carrier's error code, 0 for none
	to     store.State // the subscriber's new state, "" for no change
}

// classifySend reads a carrier request's error. It is pure: every class of
// carrier answer is covered by a table test.
func classifySend(sendErr error) sendOutcome {
	var cerr *carrier.Error
	code := 0
	if errors.As(sendErr, &cerr) {
		code = cerr.Code
	}
	switch {
	case sendErr == nil:
		return sendOutcome{metric: "queued", status: "queued"}
	case errors.Is(sendErr, carrier.ErrOptedOut):
		return sendOutcome{metric: "opted_out", status: "failed", code: code, to: store.Stopped}
	case errors.Is(sendErr, carrier.ErrInvalidNumber):
		return sendOutcome{metric: "invalid_number", status: "failed", code: code, to: store.Invalid}
	case carrier.IsRetryable(sendErr) && !ambiguous(sendErr):
		return sendOutcome{metric: "retry", code: code}
	case ambiguous(sendErr):
		// The request may have reached the carrier: sending again could
		// deliver the message twice, so it is recorded as unknown and not retried.
		return sendOutcome{metric: "unknown", status: "unknown"}
	default:
		return sendOutcome{metric: "failed", status: "failed", code: code}
	}
}

// ambiguous tells whether a failed request may nonetheless have been taken
// by the carrier: it timed out or was cut off after it was sent.
func ambiguous(err error) bool {
	return carrier.IsAmbiguous(err) || errors.Is(err, context.DeadlineExceeded)
}

// validityPeriod is the ValidityPeriod for a message: Twilio drops it if it is
// still queued when the send window closes. Twilio accepts 1 to 36,000 s.
func validityPeriod(untilClose time.Duration) time.Duration {
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
