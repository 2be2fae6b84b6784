package inbound

import (
	"time"

	"textsupport/internal/message"
	"textsupport/internal/store"
)

// Reply names: which of the program's texts answers a message.
const (
	ReplyNone          = ""
	ReplyConfirmation  = "confirmation"
	ReplyAlreadyActive = "already_active"
	ReplyHelp          = "help"
	ReplyStop          = "stop"
	ReplyCrisis        = "crisis"
	ReplyCrisisOptOut  = "crisis_opt_out"
	ReplyFreeText      = "free_text"
	ReplyFreeTextAck   = "free_text_ack"
)

// Free text is answered once a day with how to reach a person; a further
// text that day is acknowledged at most once an hour, and at most
// maxAcksPerDay times, so a person writing at length is not answered by a
// machine after every line.
const (
	ackEvery       = time.Hour
	maxAcksPerDay  = 3
	freeTextPeriod = 24 * time.Hour
)

// What a message needs of a person on staff: it opens or joins the
// number's conversation, crisis first.
const (
	needsNobody = ""
	needsCrisis = "crisis"
	needsAnswer = "free_text" // free text the service cannot answer
)

// decision is what one message does: the state it moves the subscriber to
// (nil: none), the reply it gets and what it needs of a person.
type decision struct {
	to    *store.State
	reply string
	needs string
}

// situation is everything decide needs to know.
type situation struct {
	state          *store.State // nil: the number is not on record
	class          message.Classification
	carrierReplied bool // the carrier already answered this exact keyword
	// freeText is what free text from this number was answered with in the
	// last 24 hours.
	freeText freeTextAnswers
}

// freeTextAnswers count the answers to free text from one number in the
// last 24 hours.
type freeTextAnswers struct {
	answered    bool // with ReplyFreeText
	acks        int  // with ReplyFreeTextAck
	ackedLately bool // with ReplyFreeTextAck within ackEvery
}

func stateP(s store.State) *store.State { return &s }

// decide applies the programme's rules to one message. It is pure, so every
// combination of state and class is covered by a table test.
func decide(s situation) decision {
	var state store.State
	if s.state != nil {
		state = *s.state
	}
	switch s.class.Class {
	case message.ClassOptOut:
		if state == store.Stopped {
			// One confirmation only: it was given when the person first stopped.
			return decision{}
		}
		d := decision{to: stateP(store.Stopped), reply: ReplyStop}
		if s.carrierReplied {
			d.reply = ReplyNone
		}
		return d

	case message.ClassOptIn, message.ClassJoin:
		if state == store.Active {
			if s.carrierReplied {
				return decision{}
			}
			return decision{reply: ReplyAlreadyActive}
		}
		d := decision{to: stateP(store.Active), reply: ReplyConfirmation}
		// The carrier already answered this exact START, UNSTOP or YES with
		// its opt-in text, which the operator sets to the programme's
		// confirmation (README): a second copy would only repeat it.
		if s.carrierReplied {
			d.reply = ReplyNone
		}
		return d

	case message.ClassHelp:
		if s.carrierReplied {
			return decision{}
		}
		return decision{reply: ReplyHelp}

	case message.ClassCrisis:
		// Whatever the state: a person in danger is answered.
		d := decision{reply: ReplyCrisis, needs: needsCrisis}
		// "Stop texting me, I want to die": the safety reply and the opt-out
		// confirmation go in one text, since nothing may follow a STOP reply.
		if s.class.AlsoOptOut && state != store.Stopped {
			d.to, d.reply = stateP(store.Stopped), ReplyCrisisOptOut
		}
		return d

	default:
		d := decision{needs: needsAnswer}
		// Distress that is not clearly a crisis ("I'm so tired of
		// fighting this") is for a person to read first: a crisis-priority
		// conversation, without the crisis reply.
		if s.class.Distress {
			d.needs = needsCrisis
		}
		switch {
		case state == store.Stopped:
			// Someone who said STOP is never texted again, not even this answer.
		case !s.freeText.answered:
			d.reply = ReplyFreeText
		case !s.freeText.ackedLately && s.freeText.acks < maxAcksPerDay:
			d.reply = ReplyFreeTextAck
		}
		return d
	}
}

// received is one message as plan needs it: what arrived, the number's
// subscriber (locked; not Recorded if the number is not on record) and
// conversation (locked; or the ID reserved for one), the reply's text, and
// what is kept encrypted.
type received struct {
	msg         Message
	class       message.Classification
	sub         *store.Subscriber
	conv        *store.CurrentConversation
	reply       string // the text of the decision's reply, "" for none
	phoneEnc    []byte
	bodyEnc     []byte
	evidenceEnc []byte
}

// effects are the records one message writes.
type effects struct {
	// to, when set, is the subscriber's new state, with consent as its ledger row.
	to      store.State
	consent store.ConsentEvent
	inbound store.Inbound
	// conv is what the message does to the number's conversation (nil:
	// nothing: it needs no person and there is none).
	conv *store.ConversationChange
	// notify: the conversation newly needs a person (opened, answered and
	// now written to again, or now a crisis): staff are told at once.
	notify bool
	// replied: the message got a reply text, counted as a message sent
	// (messages.outbound) when the number is a subscriber's.
	replied bool
}

// plan turns a decision into the records it writes. It is pure, so every
// decision's records are checked by a table test.
func plan(d decision, r received) effects {
	var e effects
	if d.to != nil {
		e.to = *d.to
		e.consent = store.ConsentEvent{Method: store.MethodKeyword, Reason: reason(r.class), MessageSID: r.msg.SID, EvidenceEnc: r.evidenceEnc}
	}
	twiml := TwiML(r.reply)
	e.inbound = store.Inbound{
		MessageSID: r.msg.SID, PhoneHash: r.sub.PhoneHash, PhoneEnc: r.phoneEnc, Last4: r.sub.Last4,
		Class: string(r.class.Class), Rule: r.class.Rule, BodyEnc: r.bodyEnc, ReplyName: d.reply, ReplyTwiML: twiml,
	}
	var subID *int64
	if r.sub.Recorded() || d.to != nil {
		id := r.sub.ID
		subID = &id
		e.inbound.SubscriberID = &id
		e.replied = r.reply != ""
	}
	e.conv, e.notify = conversationChange(d.needs, r, subID)
	return e
}

// conversationChange is what a message does to its number's conversation:
// one that needs a person opens it or joins it (waiting for staff again,
// crisis first); any other message from a number in a conversation joins
// its thread and changes nothing else.
func conversationChange(needs string, r received, subID *int64) (*store.ConversationChange, bool) {
	c := r.conv
	if needs == needsNobody && !c.Exists() {
		return nil, false
	}
	priority := store.PriorityNormal
	if needs == needsCrisis {
		priority = store.PriorityCrisis
	}
	change := &store.ConversationChange{
		ID: c.ID, New: !c.Exists(), NeedsPerson: needs != needsNobody, Priority: priority,
		PhoneHash: r.sub.PhoneHash, PhoneEnc: r.phoneEnc, Last4: r.sub.Last4, SubscriberID: subID,
	}
	notify := change.NeedsPerson && (change.New || c.Status != store.ConversationOpen || priority < c.Priority)
	return change, notify
}
