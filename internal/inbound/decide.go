package inbound

import (
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
)

// decision is what one message does: the state it moves the subscriber to
// (nil: none), the reply it gets and the alert it raises for staff.
type decision struct {
	to    *store.State
	reply string
	alert string
}

// situation is everything decide needs to know.
type situation struct {
	state          *store.State // nil: the number is not on record
	class          message.Classification
	carrierReplied bool // the carrier already answered this exact keyword
	answeredToday  bool // free text from this number was answered in the last 24 hours
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
		d := decision{reply: ReplyCrisis, alert: store.AlertCrisis}
		// "Stop texting me, I want to die": the safety reply and the opt-out
		// confirmation go in one text, since nothing may follow a STOP reply.
		if s.class.AlsoOptOut && state != store.Stopped {
			d.to, d.reply = stateP(store.Stopped), ReplyCrisisOptOut
		}
		return d

	default:
		d := decision{alert: store.AlertFreeText}
		// Someone who said STOP is never texted again, not even this answer.
		if state != store.Stopped && !s.answeredToday {
			d.reply = ReplyFreeText
		}
		return d
	}
}
