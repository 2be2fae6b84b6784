package inbound

import (
	"testing"

	"textsupport/internal/message"
	"textsupport/internal/store"
)

func TestDecide(t *testing.T) {
	none := (*store.State)(nil)
	st := func(s store.State) *store.State { return &s }
	cls := func(c message.Class, carrier bool) message.Classification {
		return message.Classification{Class: c, CarrierHandled: carrier}
	}
	tests := []struct {
		name  string
		sit   situation
		to    *store.State
		reply string
		needs string
	}{
		{"stop from active", situation{state: st(store.Active), class: cls(message.ClassOptOut, false)}, st(store.Stopped), ReplyStop, ""},
		{"exact stop the carrier answered", situation{state: st(store.Active), class: cls(message.ClassOptOut, true), carrierReplied: true}, st(store.Stopped), ReplyNone, ""},
		{"stop from pending", situation{state: st(store.Pending), class: cls(message.ClassOptOut, false)}, st(store.Stopped), ReplyStop, ""},
		{"stop again gets no second confirmation", situation{state: st(store.Stopped), class: cls(message.ClassOptOut, false)}, nil, ReplyNone, ""},
		{"stop from a number never seen is recorded", situation{state: none, class: cls(message.ClassOptOut, false)}, st(store.Stopped), ReplyStop, ""},
		{"stop from invalid", situation{state: st(store.Invalid), class: cls(message.ClassOptOut, false)}, st(store.Stopped), ReplyStop, ""},
		{"join from a new number", situation{state: none, class: cls(message.ClassJoin, false)}, st(store.Active), ReplyConfirmation, ""},
		{"join when active", situation{state: st(store.Active), class: cls(message.ClassJoin, false)}, nil, ReplyAlreadyActive, ""},
		{"join after stop", situation{state: st(store.Stopped), class: cls(message.ClassJoin, false)}, st(store.Active), ReplyConfirmation, ""},
		{"join from pending", situation{state: st(store.Pending), class: cls(message.ClassJoin, false)}, st(store.Active), ReplyConfirmation, ""},
		{"start after stop, we answer", situation{state: st(store.Stopped), class: cls(message.ClassOptIn, true)}, st(store.Active), ReplyConfirmation, ""},
		{"start after stop, carrier answered", situation{state: st(store.Stopped), class: cls(message.ClassOptIn, true), carrierReplied: true}, st(store.Active), ReplyNone, ""},
		{"yes to a web sign-up, carrier answered with the confirmation", situation{state: st(store.Pending), class: cls(message.ClassOptIn, true), carrierReplied: true}, st(store.Active), ReplyNone, ""},
		{"yes to a web sign-up, we answer", situation{state: st(store.Pending), class: cls(message.ClassOptIn, true)}, st(store.Active), ReplyConfirmation, ""},
		{"start from a new number, carrier answered", situation{state: none, class: cls(message.ClassOptIn, true), carrierReplied: true}, st(store.Active), ReplyNone, ""},
		{"join keyword is never the carrier's", situation{state: st(store.Stopped), class: cls(message.ClassJoin, false)}, st(store.Active), ReplyConfirmation, ""},
		{"yes when active, carrier answered", situation{state: st(store.Active), class: cls(message.ClassOptIn, true), carrierReplied: true}, nil, ReplyNone, ""},
		{"help", situation{state: st(store.Active), class: cls(message.ClassHelp, false)}, nil, ReplyHelp, ""},
		{"help the carrier answered", situation{state: st(store.Active), class: cls(message.ClassHelp, true), carrierReplied: true}, nil, ReplyNone, ""},
		{"help from a stopped number", situation{state: st(store.Stopped), class: cls(message.ClassHelp, false)}, nil, ReplyHelp, ""},
		{"crisis from active", situation{state: st(store.Active), class: cls(message.ClassCrisis, false)}, nil, ReplyCrisis, needsCrisis},
		{"crisis from stopped stays stopped", situation{state: st(store.Stopped), class: cls(message.ClassCrisis, false)}, nil, ReplyCrisis, needsCrisis},
		{"crisis from a new number", situation{state: none, class: cls(message.ClassCrisis, false)}, nil, ReplyCrisis, needsCrisis},
		{"crisis that also revokes consent", situation{state: st(store.Active), class: message.Classification{Class: message.ClassCrisis, AlsoOptOut: true}}, st(store.Stopped), ReplyCrisisOptOut, needsCrisis},
		{"crisis that also revokes, already stopped", situation{state: st(store.Stopped), class: message.Classification{Class: message.ClassCrisis, AlsoOptOut: true}}, nil, ReplyCrisis, needsCrisis},
		{"free text", situation{state: st(store.Active), class: cls(message.ClassOther, false)}, nil, ReplyFreeText, needsAnswer},
		{"free text answered once a day, then acknowledged", situation{state: st(store.Active), class: cls(message.ClassOther, false), freeText: freeTextAnswers{answered: true}}, nil, ReplyFreeTextAck, needsAnswer},
		{"acknowledged at most once an hour", situation{state: st(store.Active), class: cls(message.ClassOther, false), freeText: freeTextAnswers{answered: true, acks: 1, ackedLately: true}}, nil, ReplyNone, needsAnswer},
		{"acknowledged again after an hour", situation{state: st(store.Active), class: cls(message.ClassOther, false), freeText: freeTextAnswers{answered: true, acks: 2}}, nil, ReplyFreeTextAck, needsAnswer},
		{"acknowledgements have a daily cap", situation{state: st(store.Active), class: cls(message.ClassOther, false), freeText: freeTextAnswers{answered: true, acks: maxAcksPerDay}}, nil, ReplyNone, needsAnswer},
		{"a stranger's free text is answered too", situation{class: cls(message.ClassOther, false)}, nil, ReplyFreeText, needsAnswer},
		{"distress goes to a person first", situation{state: st(store.Active), class: message.Classification{Class: message.ClassOther, Distress: true}}, nil, ReplyFreeText, needsCrisis},
		{"no acknowledgement after STOP", situation{state: st(store.Stopped), class: cls(message.ClassOther, false), freeText: freeTextAnswers{answered: true}}, nil, ReplyNone, needsAnswer},
		{"free text from a stopped number is kept, not answered", situation{state: st(store.Stopped), class: cls(message.ClassOther, false)}, nil, ReplyNone, needsAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(tt.sit)
			if (d.to == nil) != (tt.to == nil) || (d.to != nil && *d.to != *tt.to) || d.reply != tt.reply || d.needs != tt.needs {
				t.Errorf("decide() = {to %v, reply %q, needs %q}, want {to %v, reply %q, needs %q}",
					deref(d.to), d.reply, d.needs, deref(tt.to), tt.reply, tt.needs)
			}
		})
	}
}

func deref(s *store.State) string {
	if s == nil {
		return "unchanged"
	}
	return string(*s)
}
