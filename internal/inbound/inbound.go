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

// Transitioner changes a subscriber's state with its ledger row and starts
// or ends the sequence, in the caller's transaction:
// (*sending.Sender).Transition.
type Transitioner interface {
	Transition(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error
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
	// Subscriptions makes every change of state.
	Subscriptions Transitioner
	// Notify, when set, tells staff in the message's transaction that a
	// conversation newly needs a person (the outgoing alert webhook).
	Notify func(ctx context.Context, tx pgx.Tx, conversationID int64) error
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

	// A message once received is handled to the end even if the carrier
	// stops waiting for the answer: an opt-out must never be lost because
	// it queued behind a send in flight. Only our own bound ends it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	defer cancel()
	var res Result
	err = s.DB.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = s.handle(ctx, tx, m, from, class)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("handle inbound: %w", err)
	}
	s.report(ctx, res)
	return res, nil
}

// handle is one message's transaction, in two round trips: it reads what
// it must know (the number locked, an earlier delivery, today's answers),
// decides, and queues every record to go with the COMMIT.
func (s *Service) handle(ctx context.Context, tx pgx.Tx, m Message, from string, class message.Classification) (Result, error) {
	hash := s.Vault.Hash(from)
	var recent []string
	switch {
	case class.Decline:
		recent = []string{ReplyFreeText, ReplyFreeTextAck, ReplyCrisis}
	case class.Class == message.ClassOther:
		recent = []string{ReplyFreeText, ReplyFreeTextAck}
	}
	now := time.Now()
	view, err := store.ViewInbound(ctx, tx, store.InboundLookup{
		PhoneHash: hash, MessageSID: m.SID,
		ReserveSubscriber: mayChangeState(class.Class), ReserveConversation: mayNeedPerson(class.Class),
		RecentReplies: recent, Since: now.Add(-freeTextPeriod), StaffReplyWithin: answerWindow,
	})
	if err != nil {
		return Result{}, err
	}
	if view.Repeat {
		return Result{Class: class.Class, TwiML: view.PriorTwiML, Repeat: true}, nil
	}
	if class.Decline && !class.CarrierHandled && answersLine(view.Conversation, view.RecentReplies, now) {
		class = asAnswer(class)
	}
	sub := view.Subscriber
	sit := situation{class: class, carrierReplied: s.CarrierHandlesOptOut && class.CarrierHandled, freeText: countFreeText(view.RecentReplies, now)}
	if sub.Recorded() {
		sit.state = &sub.State
	}
	d := decide(sit)
	reply := s.Replies[d.reply]
	if d.reply != "" && reply == "" {
		// A missing text would silently drop, say, a safety reply.
		return Result{}, fmt.Errorf("the program has no %q reply", d.reply)
	}
	if !sub.Recorded() {
		sub.PhoneEnc, sub.Last4 = s.Vault.SealString(vault.Phone, hash, from), phone.Last4(from)
	}
	e := plan(d, received{
		msg: m, class: class, sub: sub, conv: view.Conversation, reply: reply,
		phoneEnc: sub.PhoneEnc, bodyEnc: s.Vault.SealString(vault.Body, hash, m.Body), evidenceEnc: s.evidence(hash, m),
	})
	if e.to != "" {
		if err := s.Subscriptions.Transition(ctx, tx, sub, e.to, e.consent); err != nil {
			return Result{}, err
		}
	}
	if err := store.RecordInbound(ctx, tx, e.inbound, e.conv, e.replied); err != nil {
		return Result{}, err
	}
	if e.notify && s.Notify != nil {
		if err := s.Notify(ctx, tx, e.conv.ID); err != nil {
			return Result{}, err
		}
	}
	return Result{Class: class.Class, Reply: d.reply, TwiML: e.inbound.ReplyTwiML}, nil
}

// answerWindow is how long after a reply from staff, or the crisis reply,
// a decline ("no thanks", "bye", "who is this?") answers it rather than
// revokes consent: the sequence waits while a conversation is active, so
// within it the last text the person got was most likely that one.
const answerWindow = 24 * time.Hour

// answersLine tells whether, in a conversation not closed, the last word
// to the number was likely a person's or the safety reply: a reply from
// staff went to it within answerWindow, or the crisis reply did. "im ok",
// "no thanks" or "bye" after "Call or text 988" answers it; read as an
// opt-out, it would leave a person in danger where no responder could text
// them back.
func answersLine(c *store.CurrentConversation, recent []store.RecentReply, now time.Time) bool {
	if !c.Exists() {
		return false
	}
	if c.StaffRepliedLately {
		return true
	}
	for _, r := range recent {
		if r.Name == ReplyCrisis && now.Sub(r.At) < answerWindow {
			return true
		}
	}
	return false
}

// asAnswer reads a decline said to a responder as a message in the
// conversation, for that person to read: "no thanks, im good" answers
// their offer, "bye" ends the chat. Keywords (STOP, BAJA) and requests
// that name our texts are never declines, so they still stop everything;
// a crisis keeps its safety reply.
func asAnswer(c message.Classification) message.Classification {
	if c.Class == message.ClassOptOut {
		c.Class = message.ClassOther
	}
	c.AlsoOptOut = false
	c.Rule += " (an answer to staff)"
	return c
}

// mayChangeState tells whether a message of this class can change the
// number's state, and so may need a subscriber created.
func mayChangeState(c message.Class) bool {
	switch c {
	case message.ClassOptOut, message.ClassOptIn, message.ClassJoin, message.ClassCrisis:
		return true
	}
	return false
}

// countFreeText reads the answers to free text from the replies recently
// given to a number.
func countFreeText(recent []store.RecentReply, now time.Time) freeTextAnswers {
	var a freeTextAnswers
	for _, r := range recent {
		switch r.Name {
		case ReplyFreeText:
			a.answered = true
		case ReplyFreeTextAck:
			a.acks++
			if now.Sub(r.At) < ackEvery {
				a.ackedLately = true
			}
		}
	}
	return a
}

// mayNeedPerson tells whether a message of this class may open a
// conversation, and so may need one created.
func mayNeedPerson(c message.Class) bool {
	return c == message.ClassCrisis || c == message.ClassOther
}

// report logs a handled message and tells Observe.
func (s *Service) report(ctx context.Context, res Result) {
	if s.Logger != nil {
		// Never the number or the body: only what kind of message it was.
		level := slog.LevelInfo
		if res.Class == message.ClassCrisis && !res.Repeat {
			// Loud enough for an operator's log alerting; staff see the
			// conversation itself on the dashboard.
			level = slog.LevelWarn
		}
		s.Logger.LogAttrs(ctx, level, "inbound message",
			slog.String("class", string(res.Class)), slog.String("reply", res.Reply), slog.Bool("repeat", res.Repeat))
	}
	if s.Observe != nil {
		s.Observe(res)
	}
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

// evidence is the ledger's encrypted copy of what the person sent, bound
// to the number's hash.
func (s *Service) evidence(hash []byte, m Message) []byte {
	b, _ := json.Marshal(map[string]string{"body": m.Body, "opt_out_type": m.OptOutType})
	return s.Vault.Seal(vault.Evidence, hash, b)
}
