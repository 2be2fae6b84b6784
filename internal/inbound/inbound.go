// Package inbound handles what people text to the service: it classifies
// each message, changes the subscriber's state, records everything in one
// transaction and returns the TwiML reply.
package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/message"
	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// Message is one inbound SMS as the carrier delivered it.
type Message struct {
	SID        string // MessageSid
	From       string // E.164
	Body       string
	OptOutType string // STOP, START or HELP when the carrier's Advanced Opt-Out matched
}

// Result is what handling a message produced.
type Result struct {
	TwiML  string
	Class  message.Class
	Reply  string // the reply's name, "" for none
	Repeat bool   // the MessageSid was seen before: nothing changed
}

// Hooks let the sending side take part in the same transaction.
type Hooks struct {
	// Subscribed starts the sequence for a new subscription.
	Subscribed func(ctx context.Context, tx pgx.Tx, subscriberID int64, subscription time.Time) error
	// Stopped cancels whatever was scheduled for the subscriber.
	Stopped func(ctx context.Context, tx pgx.Tx, subscriberID int64) error
}

// Service handles inbound messages.
type Service struct {
	DB     *store.DB
	Vault  *vault.Vault
	Logger *slog.Logger
	// Replies maps reply names (ReplyHelp, …) to the programme's texts.
	Replies      map[string]string
	JoinKeywords []string
	// CarrierHandlesOptOut: the carrier answers exact STOP/START/HELP keywords itself.
	CarrierHandlesOptOut bool
	Hooks                Hooks
	// Observe, when set, is told of each handled message (metrics).
	Observe func(Result)
}

// handleTimeout bounds one message's transaction, whether or not the
// carrier is still waiting for the answer.
const handleTimeout = 30 * time.Second

// ErrInvalid marks input that cannot be handled as it stands.
var ErrInvalid = errors.New("invalid message")

// EmptyTwiML is the answer that sends nothing.
const EmptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// TwiML wraps a reply in a TwiML answer.
func TwiML(body string) string {
	if body == "" {
		return EmptyTwiML
	}
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>` + html.EscapeString(body) + `</Message></Response>`
}

// Handle processes one inbound message exactly once: a MessageSid seen
// before gets the TwiML its first delivery got and changes nothing.
func (s *Service) Handle(ctx context.Context, m Message) (Result, error) {
	if m.SID == "" {
		return Result{}, fmt.Errorf("%w: MessageSid is missing", ErrInvalid)
	}
	from, err := phone.E164(m.From)
	if err != nil {
		return Result{}, fmt.Errorf("%w: From: %v", ErrInvalid, err)
	}
	class := message.Classify(m.Body, m.OptOutType, s.JoinKeywords)
	hash := s.Vault.Hash(from)

	// A message once received is handled to the end even if the carrier
	// stops waiting for the answer: an opt-out must never be lost because
	// it queued behind a send in flight. Only our own bound ends it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	defer cancel()

	var res Result
	err = s.DB.InTx(ctx, func(tx pgx.Tx) error {
		res = Result{Class: class.Class}
		answered := ""
		if class.Class == message.ClassOther {
			answered = ReplyFreeText
		}
		view, err := store.ViewInbound(ctx, tx, hash, m.SID, answered, time.Now().Add(-24*time.Hour))
		if err != nil {
			return err
		}
		if view.Repeat {
			res.TwiML, res.Repeat = view.PriorTwiML, true
			return nil
		}
		sub := view.Subscriber
		sit := situation{class: class, carrierReplied: s.CarrierHandlesOptOut && class.CarrierHandled, answeredToday: view.Answered}
		if sub != nil {
			sit.state = &sub.State
		}
		d := decide(sit)

		reply := s.Replies[d.reply]
		if d.reply != "" && reply == "" {
			// A missing text would silently drop, say, a safety reply.
			return fmt.Errorf("the program has no %q reply", d.reply)
		}
		res.Reply, res.TwiML = d.reply, TwiML(reply)
		phoneEnc := s.Vault.SealString(vault.Phone, from)
		e := store.InboundEffects{
			Inbound: &store.Inbound{
				MessageSID: m.SID, PhoneHash: hash, PhoneEnc: phoneEnc, Last4: phone.Last4(from),
				Class: string(class.Class), BodyEnc: s.Vault.SealString(vault.Body, m.Body),
				ReplyName: d.reply, ReplyTwiML: res.TwiML,
			},
			Existing: sub,
			Alert:    d.alert,
		}
		if d.to != nil {
			e.Consent = store.ConsentEvent{Method: store.MethodKeyword, Reason: reason(class), MessageSID: m.SID, EvidenceEnc: s.evidence(m)}
			if sub == nil {
				sub = &store.Subscriber{PhoneHash: hash, PhoneEnc: phoneEnc, Last4: phone.Last4(from), State: *d.to, Source: store.MethodKeyword}
				e.NewSubscriber, e.Existing = sub, nil
			} else {
				e.ToState = *d.to
			}
		}
		if reply != "" && sub != nil {
			segments, _ := message.Segments(reply)
			e.Reply = &store.Outbound{Kind: store.KindReply, ReplyName: d.reply, Status: "replied", Segments: segments}
		}
		if err := store.RecordInbound(ctx, tx, e); err != nil {
			return err
		}
		if d.to != nil {
			return s.afterChange(ctx, tx, sub)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	if s.Logger != nil {
		// Never the number or the body: only what kind of message it was.
		level := slog.LevelInfo
		if res.Class == message.ClassCrisis && !res.Repeat {
			// Loud enough for an operator's log alerting; staff see the
			// alert itself on the dashboard.
			level = slog.LevelWarn
		}
		s.Logger.LogAttrs(ctx, level, "inbound message",
			slog.String("class", string(res.Class)), slog.String("reply", res.Reply), slog.Bool("repeat", res.Repeat))
	}
	if s.Observe != nil {
		s.Observe(res)
	}
	return res, nil
}

// afterChange lets the sending side follow a change of state in the same transaction.
func (s *Service) afterChange(ctx context.Context, tx pgx.Tx, sub *store.Subscriber) error {
	switch {
	case sub.State == store.Active && s.Hooks.Subscribed != nil:
		return s.Hooks.Subscribed(ctx, tx, sub.ID, *sub.OptedInAt)
	case sub.State == store.Stopped && s.Hooks.Stopped != nil:
		return s.Hooks.Stopped(ctx, tx, sub.ID)
	}
	return nil
}

// reason names, for the ledger, what caused a change: the keyword, or
// "revocation" for opting out in other words.
func reason(c message.Classification) string {
	if c.Keyword != "" {
		return c.Keyword
	}
	if c.Class == message.ClassOptOut {
		return "revocation"
	}
	return string(c.Class)
}

// evidence is the ledger's encrypted copy of what the person sent.
func (s *Service) evidence(m Message) []byte {
	b, _ := json.Marshal(map[string]string{"body": m.Body, "opt_out_type": m.OptOutType})
	return s.Vault.Seal(vault.Evidence, b)
}
