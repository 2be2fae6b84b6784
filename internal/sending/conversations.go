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
	"textsupport/internal/vault"
)

// Staff replies go through the same path as every other send: one job per
// reply, which locks the person's number and re-checks, immediately before
// the carrier request, that they have not opted out; paced with
// everything else; recorded as an outbound message.

// Why a staff reply is refused.
var (
	// ErrReplyOptedOut: the person has opted out (or the carrier says the
	// number cannot receive): nothing is sent to them.
	ErrReplyOptedOut = errors.New("the person has opted out: nothing can be sent to them")
	// ErrConversationClosed: a reply goes only in a conversation not closed.
	ErrConversationClosed = errors.New("the conversation is closed")
	// ErrEmptyReply: there is nothing to send.
	ErrEmptyReply = errors.New("the reply is empty")
)

// replyAnyHour is how long after the person's last message staff may
// answer at any hour: they are mid-conversation. After it, replies wait for
// the send window.
const replyAnyHour = 24 * time.Hour

// maxReplySegments bounds a staff reply (10 segments, ~1,500 characters).
const maxReplySegments = 10

// ReplyRequest is one reply someone on staff asks to send.
type ReplyRequest struct {
	ConversationID int64
	Body           string
	// Key is the form's one-time key: the same key twice is one reply.
	Key   string
	Actor store.Actor
}

// Reply records a staff reply and schedules its send, in one transaction
// with its audit row. It refuses one to a person who has opted out or in a
// conversation that is closed. A request with a Key already used returns
// the reply recorded then and sends nothing more (created is false).
func (s *Sender) Reply(ctx context.Context, r ReplyRequest) (replyID int64, created bool, err error) {
	if r.Body == "" {
		return 0, false, ErrEmptyReply
	}
	if n, _ := message.Segments(r.Body); n > maxReplySegments {
		return 0, false, fmt.Errorf("the reply is %d text messages long; at most %d may go at once", n, maxReplySegments)
	}
	if r.Key == "" {
		return 0, false, errors.New("reply: the form's key is missing")
	}
	err = s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		t, sub, err := lockReplyTarget(ctx, tx, r.ConversationID)
		if err != nil {
			return err
		}
		if t.Status == store.ConversationClosed {
			return ErrConversationClosed
		}
		if optedOut(sub) {
			return ErrReplyOptedOut
		}
		segments, _ := message.Segments(r.Body)
		reply := &store.StaffReply{
			ConversationID: r.ConversationID, StaffID: r.Actor.StaffID, Key: r.Key,
			BodyEnc: s.cfg.Vault.SealString(vault.Body, t.PhoneHash, r.Body), Segments: segments,
		}
		if created, err = store.AddStaffReply(ctx, tx, reply); err != nil || !created {
			replyID = reply.ID
			return err
		}
		replyID = reply.ID
		if _, err := s.river.InsertTx(ctx, tx, StaffReplyArgs{ReplyID: reply.ID}, nil); err != nil {
			return fmt.Errorf("schedule staff reply: %w", err)
		}
		return store.AppendAudit(ctx, tx, r.Actor.Entry(store.AuditConversationReply, fmt.Sprintf("conversation:%d", r.ConversationID),
			fmt.Sprintf("reply:%d, %d segments", reply.ID, segments)))
	})
	if err != nil {
		if errors.Is(err, ErrReplyOptedOut) || errors.Is(err, ErrConversationClosed) || errors.Is(err, store.ErrNotFound) {
			return 0, false, err
		}
		return 0, false, fmt.Errorf("reply: %w", err)
	}
	return replyID, created, nil
}

// optedOut tells whether nothing may be sent to a subscriber at all.
func optedOut(sub *store.Subscriber) bool {
	return sub.State == store.Stopped || sub.State == store.Invalid
}

// StaffReplyArgs is the job that sends one staff reply.
type StaffReplyArgs struct {
	ReplyID int64 `json:"reply_id"`
}

// Kind names the job in River's table.
func (StaffReplyArgs) Kind() string { return "send_staff_reply" }

// InsertOpts: one job per reply, ever.
func (StaffReplyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueSequence, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type staffReplyWorker struct {
	river.WorkerDefaults[StaffReplyArgs]
	s *Sender
}

// NextRetry: a rescued reply runs again at once (see stepWorker.NextRetry).
func (w *staffReplyWorker) NextRetry(job *river.Job[StaffReplyArgs]) time.Time {
	return rescuedRetry(job.JobRow, w.s.cfg.RescueAfter)
}

func (w *staffReplyWorker) Work(ctx context.Context, job *river.Job[StaffReplyArgs]) error {
	return w.s.sendStaffReply(ctx, job.Args, lookBackFrom(job.JobRow))
}

// lockReplyTarget locks a conversation's number, then the conversation:
// the order an inbound message takes them in (store.ViewInbound), so that a
// reply and a text from the person never wait on each other in a circle.
func lockReplyTarget(ctx context.Context, tx pgx.Tx, conversationID int64) (*store.ReplyTarget, *store.Subscriber, error) {
	hash, err := store.ConversationPhoneHash(ctx, tx, conversationID)
	if err != nil {
		return nil, nil, err
	}
	sub, err := store.LockNumber(ctx, tx, hash, false)
	if err != nil {
		return nil, nil, err
	}
	t, err := store.LockConversation(ctx, tx, conversationID)
	if err != nil {
		return nil, nil, err
	}
	return t, sub, nil
}

// sendStaffReply sends one staff reply under the number's lock: refused if
// the person opted out meanwhile, held to the send window when the person
// last wrote more than replyAnyHour ago; unless lookBack is zero it first
// looks for one an interrupted attempt sent, as a step does.
func (s *Sender) sendStaffReply(ctx context.Context, a StaffReplyArgs, lookBack time.Time) error {
	var segments int
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		r, err := store.LockStaffReply(ctx, tx, a.ReplyID)
		if err == nil {
			segments = r.Segments
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	return s.paced(ctx, segmentsCeil(segments), func(ctx context.Context, tx pgx.Tx, pace func() error) (result error, err error) {
		r, err := store.LockStaffReply(ctx, tx, a.ReplyID)
		if err != nil {
			return nil, err
		}
		if r.Status != "pending" {
			return nil, errRollback // sent or refused already: at most once
		}
		t, sub, err := lockReplyTarget(ctx, tx, r.ConversationID)
		if err != nil {
			return nil, err
		}
		if optedOut(sub) {
			// A STOP committed while the reply waited: it is never sent.
			return river.JobCancel(ErrReplyOptedOut), store.RefuseStaffReply(ctx, tx, r.ID, "not sent: the person opted out")
		}
		number, err := s.cfg.Vault.OpenPhone(t.PhoneHash, t.PhoneEnc)
		if err != nil {
			return nil, err
		}
		body, err := s.cfg.Vault.OpenString(vault.Body, t.PhoneHash, r.BodyEnc)
		if err != nil {
			return nil, err
		}
		now := s.cfg.Now()
		d := delivery{
			sub: sub, number: number, body: body,
			record: store.Outbound{
				SubscriberID: sub.ID, Kind: store.KindStaffReply, Segments: r.Segments,
				StaffReplyID: r.ID, ConversationID: r.ConversationID,
			},
		}
		d.hold = func() (wait, left time.Duration) {
			if now.Sub(t.LastInboundAt) < replyAnyHour {
				return 0, replyAnyHour - now.Sub(t.LastInboundAt)
			}
			next, left := windowOf(s.cfg.Program).NextOpen(now, s.zones(sub.TimeZone, number))
			if next.After(now) {
				return next.Sub(now), 0
			}
			return 0, left
		}
		d.onHold = func(until time.Time) error { return store.HoldStaffReply(ctx, tx, r.ID, until) }
		return s.deliver(ctx, tx, pace, &lookBack, d)
	})
}

// CloseConversation closes a conversation for someone on staff, and lets
// its subscriber's sequence go on: steps held for the conversation that
// are due by now run at once (each still held to the send window and the
// daily cap). closed is false if it was closed already.
func (s *Sender) CloseConversation(ctx context.Context, id int64, by store.Actor) (closed bool, err error) {
	err = s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		subscriberID, done, err := store.CloseConversation(ctx, tx, id, by)
		if err != nil || !done || subscriberID == nil {
			closed = done
			return err
		}
		closed = true
		return s.resume(ctx, tx, *subscriberID)
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("close conversation: %w", err)
	}
	return closed, err
}

// resume makes the subscriber's waiting steps that are due by now
// available at once: they were snoozed while a conversation went on.
func (s *Sender) resume(ctx context.Context, tx pgx.Tx, subscriberID int64) error {
	jobs, err := store.WaitingStepJobArgs(ctx, tx, subscriberID)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, j := range jobs {
		id := j.StepID
		if id == "" && j.Step >= 0 && j.Step < len(s.cfg.Program.Sequence) {
			id = s.cfg.Program.Sequence[j.Step].ID // scheduled before step ids
		}
		_, due := s.stepArgs(0, time.UnixMicro(j.Subscription), id)
		if due.After(now) {
			continue // not yet due: its own time stands
		}
		if _, err := s.river.JobRetryTx(ctx, tx, j.ID); err != nil {
			return fmt.Errorf("resume step: %w", err)
		}
	}
	return nil
}
