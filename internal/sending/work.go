package sending

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"textsupport/internal/carrier"
	"textsupport/internal/phone"
	"textsupport/internal/program"
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

// NextRetry runs a step again at once when River rescued it (its process
// died mid-attempt), rather than after River's backoff: the retry asks the
// carrier first whether the interrupted attempt went.
func (w *stepWorker) NextRetry(job *river.Job[StepArgs]) time.Time {
	return rescuedRetry(job.JobRow, w.s.cfg.RescueAfter)
}

// rescuedRetry is when to run a job River rescues or a worker failed:
// now, for a job running since before rescueAfter (a rescue: a worker's
// own error comes sooner, as no attempt lasts that long); else zero,
// River's backoff.
func rescuedRetry(job *rivertype.JobRow, rescueAfter time.Duration) time.Time {
	if job != nil && job.AttemptedAt != nil && time.Since(*job.AttemptedAt) >= rescueAfter {
		return time.Now()
	}
	return time.Time{}
}

// lookBackFrom says where to look for an earlier attempt's message before
// sending: from the job's creation (less lookupSkew), if an earlier attempt
// ran. An attempt that ended with an error sent nothing or recorded what it
// sent; but one cut short (the process stopped between the carrier's
// answer and the commit, and River rescued the job) may have sent the
// message unrecorded. Zero: the first attempt.
func lookBackFrom(job *rivertype.JobRow) time.Time {
	if job == nil || job.Attempt <= 1 {
		return time.Time{}
	}
	return job.CreatedAt.Add(-lookupSkew)
}

// lookupSkew is how much further back than the job's creation a retry
// looks: the database's clock and Twilio's may differ by that much. A
// message found that an outbound row already has is not taken for this
// one, so looking further back never mistakes an earlier message.
const lookupSkew = 5 * time.Minute

// errNotActive ends a step's job: the subscription it belongs to is over.
var errNotActive = errors.New("subscriber is not active in this subscription")

// sendStep is the whole life of one attempt, in one transaction (see paced):
//
//  1. lock the subscriber row (waiting at most LockWait) and read, once it
//     is held, their recent sends, the steps they have had, a conversation
//     going on and a pause of the whole account (one round trip);
//  2. end the job if the subscription has ended or the step was sent; if
//     the step is no longer in the program, owe the next one instead;
//  3. deliver it (see deliver): on a retry, ask the carrier whether an
//     interrupted attempt sent it; snooze it if it is not due yet under
//     the current program, if the send window is closed or the daily cap
//     is full; pass the pacer; call the carrier; record the result and
//     owe the next step in the current program's order (see owed.go).
//
// A STOP updates the same row, so it waits for a send in flight to finish;
// once the STOP has committed, step 1 sees it and sends nothing.
func (s *Sender) sendStep(ctx context.Context, a StepArgs) error {
	return s.send(ctx, a, time.Time{})
}

// send is sendStep; unless lookBack is zero, it first asks the carrier
// for a message with the step's text sent to the number since lookBack,
// and records that one instead of sending again.
func (s *Sender) send(ctx context.Context, a StepArgs, lookBack time.Time) error {
	prog := s.cfg.Program
	id := a.StepID
	if id == "" {
		// A job from before step ids: the step at its place.
		if a.Step < 0 || a.Step >= len(prog.Sequence) {
			return river.JobCancel(errors.New("step is not in the program"))
		}
		id = prog.Sequence[a.Step].ID
	}
	step, position, inProgram := prog.StepByID(id)
	segments := segmentsCeil(step.Segments)
	subscription := time.UnixMicro(a.Subscription)
	return s.paced(ctx, segments, func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error) {
		v, err := store.LockForStep(ctx, tx, store.StepQuery{
			SubscriberID: a.SubscriberID, Subscription: subscription, StepID: id, Legacy: stepIDs(prog),
			DailyCap: prog.DailyCap, Now: s.cfg.Now(), LockWait: s.cfg.LockWait,
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			return river.JobCancel(err), errRollback
		case errors.Is(err, store.ErrLockTimeout):
			return river.JobSnooze(lockBusySnooze), errRollback
		case err != nil:
			return nil, err
		case !inSubscription(v.State, v.OptedInAt, subscription):
			return river.JobCancel(errNotActive), errRollback
		case v.Sent:
			return nil, nil // this step already reached them: at most once
		case !inProgram:
			// Removed from the program while it waited: what comes next
			// in the current program is owed instead.
			return nil, s.oweNext(ctx, tx, a.SubscriberID, subscription, v.Received, id)
		}
		// The time after the lock wait, not before it.
		now := s.cfg.Now()
		if due := subscription.Add(step.After); a.Due != 0 && due.Sub(time.UnixMicro(a.Due)) > dueSlack && due.After(now) {
			// Its `after` grew since the job was made: it waits for the new time.
			return river.JobSnooze(due.Sub(now)), errRollback
		}
		number, err := s.cfg.Vault.OpenPhone(v.PhoneHash, v.PhoneEnc)
		if err != nil {
			return nil, err
		}
		pos := position
		d := delivery{
			sub:    &store.Subscriber{ID: a.SubscriberID, State: v.State, TimeZone: v.TimeZone, OptedInAt: v.OptedInAt},
			number: number,
			body:   step.Body,
			hashes: []string{a.BodyHash},
			pause:  v.Pause,
			record: store.Outbound{
				SubscriberID: a.SubscriberID, Kind: store.KindStep, Step: &pos, StepID: id, BodyHash: step.Hash(),
				Subscription: &subscription, Segments: segments, CreatedAt: now,
			},
			next: func() error {
				if v.Stalled {
					if err := store.ClearStalled(ctx, tx, a.SubscriberID); err != nil {
						return err
					}
				}
				return s.oweNext(ctx, tx, a.SubscriberID, subscription, append(v.Received, id), "")
			},
		}
		stalled := false
		d.hold = func() (wait, left time.Duration) {
			wait, left, stalled = s.hold(v, number, now, subscription.Add(step.After))
			if stalled {
				s.reportStalled(a.SubscriberID, id)
			}
			return wait, left
		}
		d.onHold = func(time.Time) error {
			if !stalled {
				return errRollback // a hold keeps nothing
			}
			return store.MarkStalled(ctx, tx, a.SubscriberID, subscription, id, subscription.Add(step.After), now)
		}
		return s.deliver(ctx, tx, pace, &lookBack, d)
	})
}

// dueSlack is how much later than when its job was made a step may fall
// due before the job waits for it.
const dueSlack = time.Minute

// lockBusySnooze is how long a send waits after the subscriber's row lock
// was not had within LockWait.
const lockBusySnooze = 5 * time.Second

// stallAfter is how long a step may be held by the send window alone
// before it counts as stalled: a person whose zones share no open hour
// with the window would never get it.
const stallAfter = 3 * 24 * time.Hour

// reportStalled says, in the metric and the log, that a step is held by
// the send window alone for stallAfter (its hold then records it:
// store.MarkStalled, counted by store.CountStalledSubscribers).
func (s *Sender) reportStalled(subscriberID int64, stepID string) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.StalledSteps.Inc()
	}
	s.cfg.Logger.Warn("step held by the send window for days: the person's time zones share no open hour with the window",
		slog.Int64("subscriber_id", subscriberID), slog.String("step_id", stepID))
}

// stepIDs are the program's step ids in order.
func stepIDs(p *program.Program) []string {
	ids := make([]string, len(p.Sequence))
	for i, st := range p.Sequence {
		ids[i] = st.ID
	}
	return ids
}

// hold says how long a step must wait before it may go (a conversation
// with staff going on, the send window in the person's zones, and the
// daily cap), and, when it may go now, how long is left until the window
// closes. stalled: the window alone has held a step due at due for
// stallAfter, or will never open for all the person's zones.
func (s *Sender) hold(v *store.StepView, number string, now, due time.Time) (wait, left time.Duration, stalled bool) {
	if v.ConversationActivity != nil {
		// While people talk, the sequence waits: until the conversation
		// closes (CloseConversation resumes it) or goes quiet.
		if resume := v.ConversationActivity.Add(s.cfg.Program.ConversationQuiet); resume.After(now) {
			return resume.Sub(now), 0, false
		}
	}
	earliest := now
	if v.CapFull != nil {
		earliest = v.CapFull.Add(24 * time.Hour)
	}
	w := windowOf(s.cfg.Program)
	zones := s.zones(v.TimeZone, number)
	next, left, ok := w.NextOpenAll(earliest, zones)
	if !ok {
		// No hour is open in all the zones: wait a day and say so.
		return 24 * time.Hour, 0, true
	}
	if next.After(now) {
		// Held by the window alone (not the cap) for days past its time.
		return next.Sub(now), 0, v.CapFull == nil && now.Sub(due) > stallAfter
	}
	return 0, left, false
}

// delivery is one message to send under its subscriber's row lock.
type delivery struct {
	sub    *store.Subscriber
	number string
	body   string
	// hashes are the hashes of other texts an interrupted attempt may have
	// sent for this message (the text it had when it was scheduled).
	hashes []string
	// pause is sending paused for the account, as read under the lock;
	// nil: deliver reads it.
	pause *store.Pause
	// record is the outbound row, less what the carrier answers.
	record store.Outbound
	// validity is how long the carrier may keep trying, unless hold says.
	validity time.Duration
	// hold, if set, says how long the message must wait before it may go,
	// and otherwise how long it stays valid.
	hold func() (wait, left time.Duration)
	// onHold, if set, records until when a held message waits; the
	// transaction then commits unless it returns errRollback (without
	// onHold, a hold keeps nothing).
	onHold func(until time.Time) error
	// next runs once the message is recorded as sent, in the same
	// transaction (a step owes the next).
	next func() error
}

// deliver sends one message and records what the carrier answered. Unless
// *lookBack is zero, it first asks the carrier whether an interrupted
// attempt sent the message since then, and records that one instead.
func (s *Sender) deliver(ctx context.Context, tx pgx.Tx, pace func() error, lookBack *time.Time, d delivery) (result, err error) {
	probe, wait, err := s.paused(ctx, tx, d.pause)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return river.JobSnooze(wait), errRollback
	}
	if !lookBack.IsZero() {
		res, found, err := s.findUnrecorded(ctx, tx, d.number, d.body, d.hashes, *lookBack)
		if err != nil {
			return nil, err // never send blind: try again later
		}
		if found {
			s.cfg.Logger.Warn("message found sent by an interrupted attempt; recorded, not sent again",
				slog.Int64("subscriber_id", d.sub.ID), slog.String("kind", d.record.Kind))
			return s.recordSend(ctx, tx, d, res, nil, probe)
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
		validity = left
	}
	// The carrier may keep the message queued only a little longer than
	// pacing needs: a backlog is never delivered long after a STOP.
	validity = validityPeriod(validity, s.pacer.delay(segmentsCeil(d.record.Segments))+maxQueued)
	if err := pace(); err != nil {
		return nil, err
	}
	// A request that may reach the carrier is started only if it can end,
	// and its outcome be committed, before the job's time is up.
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < s.cfg.SendTimeout+commitTimeout {
		return river.JobSnooze(time.Second), errRollback
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.SendTimeout)
	start := time.Now()
	res, sendErr := s.cfg.Carrier.Send(sendCtx, carrier.Message{
		To: d.number, Body: d.body, StatusCallback: s.cfg.StatusCallbackURL, ValidityPeriod: validity,
	})
	cancel()
	s.observeCarrier(time.Since(start), sendErr)
	// What comes after the request has its own time, whatever is left of
	// the attempt's: the answer is always recorded.
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	return s.recordSend(recCtx, tx, d, res, sendErr, probe)
}

// maxQueued is how long beyond what pacing needs a message may wait in
// the carrier's queue before the carrier drops it (ValidityPeriod).
const maxQueued = 5 * time.Minute

// commitTimeout bounds recording a carrier request's outcome and the COMMIT.
const commitTimeout = 5 * time.Second

// findUnrecorded asks the carrier for a message sent to number since
// since, with this body or one of these hashes, bounded by SendTimeout, and
// counts found the newest that no outbound row has yet (an earlier
// message may share the text).
func (s *Sender) findUnrecorded(ctx context.Context, tx pgx.Tx, number, body string, hashes []string, since time.Time) (carrier.Result, bool, error) {
	findCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	all, err := s.cfg.Carrier.FindMatching(findCtx, number, since, func(b string) bool {
		if b == body {
			return true
		}
		h := program.BodyHash(b)
		return slices.ContainsFunc(hashes, func(x string) bool { return x != "" && x == h })
	})
	cancel()
	if err != nil {
		return carrier.Result{}, false, err
	}
	for _, res := range all {
		recorded, err := store.SIDRecorded(ctx, tx, res.SID)
		if err != nil {
			return carrier.Result{}, false, err
		}
		if !recorded {
			return res, true, nil
		}
	}
	return carrier.Result{}, false, nil
}

// attempt is one try at a send, in a transaction that holds the
// subscriber's row lock. It calls pace just before the carrier request.
// Its result is what the job returns; its error, if any, rolls the
// transaction back (errRollback: nothing to keep, the result says why).
type attempt func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error)

// paced runs try until it no longer needs to wait for the pacer. The wait
// never happens under the lock: pace takes the rate limiter's tokens only
// if they are there at once and the spacer only waits briefly; otherwise
// the attempt rolls back, waits here holding nothing, and runs again. So a
// STOP never queues behind pacing.
//
// Each part of an attempt has its own bound: the wait for the row lock
// (LockWait, in Postgres), the carrier request (SendTimeout), and the
// recording and COMMIT of its outcome (commitTimeout). The transaction
// does not end when the job's context does (the service is stopping, or
// the job's time is up): a request that reached the carrier is always
// recorded, and is never sent again. Only the waits end then, no new
// request starts, and the job is snoozed for whichever replica runs next.
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
		if ctx.Err() != nil {
			return river.JobSnooze(time.Second)
		}
		var result error
		// The statements before the request share the job's deadline, so
		// a hung database cannot hold a job past it; the request and what
		// follows it do not (deliver).
		txCtx, cancel := context.WithoutCancel(ctx), func() {}
		if dl, ok := ctx.Deadline(); ok {
			txCtx, cancel = context.WithDeadline(txCtx, dl)
		}
		err := s.cfg.DB.InTxCommitWithin(txCtx, commitTimeout, func(tx pgx.Tx) error {
			var err error
			result, err = try(txCtx, tx, func() error { return pace(ctx) })
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
func (s *Sender) recordSend(ctx context.Context, tx pgx.Tx, d delivery, res carrier.Result, sendErr error, probe bool) (result, err error) {
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
	case "account":
		// Nothing about this person: every send would fail the same way.
		// Sending pauses (this job waits, as all others will) until a
		// probe goes through.
		return s.pause(ctx, tx, outcome.code, sendErr)
	case "unknown":
		s.cfg.Logger.Warn("carrier request timed out; message not retried", slog.Int64("subscriber_id", d.sub.ID))
	case "failed":
		// Refused for another reason: visible in the record, the log and the
		// metrics; the sequence goes on with the next step.
		s.cfg.Logger.Error("carrier refused a message", slog.Int64("subscriber_id", d.sub.ID),
			slog.Int("code", outcome.code), slog.String("error", sendErr.Error()))
	}
	if sendErr == nil && (probe || d.pause != nil) {
		if err := s.resumed(ctx, tx); err != nil {
			return nil, err
		}
	}
	rec := d.record
	rec.Status = outcome.status
	if sendErr == nil {
		rec.TwilioSID = res.SID
	}
	if outcome.code != 0 {
		rec.ErrorCode = &outcome.code
	}
	if sendErr == nil && res.SID != "" {
		// A delivery report may have come before this row: it is applied now.
		early, err := store.TakeEarlyStatuses(ctx, tx, res.SID)
		if err != nil {
			return nil, err
		}
		for _, e := range early {
			if carrier.StatusRank(e.Status) > carrier.StatusRank(rec.Status) && !carrier.IsFinal(rec.Status) {
				rec.Status = e.Status
				if e.ErrorCode != 0 {
					code := e.ErrorCode
					rec.ErrorCode = &code
				}
			}
		}
		if rec.ErrorCode != nil && outcome.to == "" {
			switch carrier.CallbackEffect(*rec.ErrorCode) {
			case carrier.EffectInvalid:
				outcome.to, outcome.code = store.Invalid, *rec.ErrorCode
			case carrier.EffectOptedOut:
				outcome.to, outcome.code = store.Stopped, *rec.ErrorCode
			}
		}
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
	case errors.Is(sendErr, carrier.ErrAccount):
		return sendOutcome{metric: "account", code: code}
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

// validityPeriod is the ValidityPeriod for a message: Twilio drops it if it
// is still queued after the shorter of the two (when the send window
// closes, if it matters; a few minutes beyond pacing). 0 is no bound.
// Twilio accepts 1 to 36,000 s.
func validityPeriod(bounds ...time.Duration) time.Duration {
	const maxValidity = 36000 * time.Second
	v := maxValidity
	for _, b := range bounds {
		if b > 0 {
			v = min(v, b)
		}
	}
	return max(time.Second, v)
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
// their area code (none for a toll-free or other non-geographic code),
// else the programme's default.
func (s *Sender) zones(given, number string) []*time.Location {
	return Zones(given, number, s.cfg.Program.DefaultTimeZone)
}

// Zones are where a person may be, for the send window: the zone they
// gave (given), else every zone of their number's area code, else the
// program's default zone.
func Zones(given, number, programZone string) []*time.Location {
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
		if loc := loadLocation(programZone); loc != nil {
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
