package inbound

import (
	"testing"

	"textsupport/internal/message"
	"textsupport/internal/store"
)

// plan writes what a decision says, and only that: the state change with
// its ledger row, the message (against its subscriber when there is one),
// the conversation it opens or joins, and the reply recorded only against a
// subscriber.
func TestPlan(t *testing.T) {
	msg := Message{SID: "SM00000000000000000000000000000001", From: "+12125550100", Body: "x"}
	recorded := &store.Subscriber{ID: 7, PhoneHash: []byte("h"), Last4: "0100", State: store.Active}
	reserved := &store.Subscriber{ID: 8, PhoneHash: []byte("h"), Last4: "0100"} // not on record, ID reserved
	unknown := &store.Subscriber{PhoneHash: []byte("h"), Last4: "0100"}         // not on record, nothing reserved
	none := &store.CurrentConversation{}                                        // no conversation, nothing reserved
	reservedConv := &store.CurrentConversation{ID: 9}                           // none yet, ID reserved
	openConv := &store.CurrentConversation{ID: 5, Status: store.ConversationOpen, Priority: store.PriorityNormal}
	waitingConv := &store.CurrentConversation{ID: 5, Status: store.ConversationWaiting, Priority: store.PriorityNormal}
	stopped := store.Stopped
	active := store.Active
	tests := []struct {
		name        string
		d           decision
		sub         *store.Subscriber
		conv        *store.CurrentConversation
		class       message.Classification
		reply       string
		wantTo      store.State
		wantReason  string
		wantSubID   int64 // 0: the message is kept with no subscriber
		wantReply   bool
		wantConv    *store.ConversationChange // nil: the conversation is not touched
		wantNotify  bool
		wantTwiMLIn string
	}{
		{"join from a new number", decision{to: &active, reply: ReplyConfirmation}, reserved, none,
			message.Classification{Class: message.ClassJoin, Keyword: "JOIN", Rule: "keyword:JOIN"}, "Welcome", store.Active, "JOIN", 8, true, nil, false, "Welcome"},
		{"stop, the carrier answered", decision{to: &stopped}, recorded, none,
			message.Classification{Class: message.ClassOptOut, Keyword: "STOP"}, "", store.Stopped, "STOP", 7, false, nil, false, ""},
		{"revocation in words", decision{to: &stopped, reply: ReplyStop}, recorded, none,
			message.Classification{Class: message.ClassOptOut}, "Stopped", store.Stopped, "revocation", 7, true, nil, false, "Stopped"},
		{"stop in a conversation joins its thread", decision{to: &stopped, reply: ReplyStop}, recorded, openConv,
			message.Classification{Class: message.ClassOptOut}, "Stopped", store.Stopped, "revocation", 7, true,
			&store.ConversationChange{ID: 5, Priority: store.PriorityNormal, SubscriberID: ptr(7)}, false, "Stopped"},
		{"crisis from a number never seen opens a crisis conversation", decision{reply: ReplyCrisis, needs: needsCrisis}, unknown, reservedConv,
			message.Classification{Class: message.ClassCrisis}, "Call 988", "", "", 0, false,
			&store.ConversationChange{ID: 9, New: true, NeedsPerson: true, Priority: store.PriorityCrisis}, true, "Call 988"},
		{"crisis and stop", decision{to: &stopped, reply: ReplyCrisisOptOut, needs: needsCrisis}, recorded, reservedConv,
			message.Classification{Class: message.ClassCrisis, AlsoOptOut: true}, "988; stopped", store.Stopped, "crisis", 7, true,
			&store.ConversationChange{ID: 9, New: true, NeedsPerson: true, Priority: store.PriorityCrisis, SubscriberID: ptr(7)}, true, "988; stopped"},
		{"free text joins an open conversation: staff already know", decision{reply: ReplyFreeText, needs: needsAnswer}, recorded, openConv,
			message.Classification{Class: message.ClassOther}, "A person will read", "", "", 7, true,
			&store.ConversationChange{ID: 5, NeedsPerson: true, Priority: store.PriorityNormal, SubscriberID: ptr(7)}, false, "A person will read"},
		{"free text after staff answered: needs a person again", decision{needs: needsAnswer}, recorded, waitingConv,
			message.Classification{Class: message.ClassOther}, "", "", "", 7, false,
			&store.ConversationChange{ID: 5, NeedsPerson: true, Priority: store.PriorityNormal, SubscriberID: ptr(7)}, true, ""},
		{"crisis in an open conversation raises it", decision{reply: ReplyCrisis, needs: needsCrisis}, recorded, openConv,
			message.Classification{Class: message.ClassCrisis}, "Call 988", "", "", 7, true,
			&store.ConversationChange{ID: 5, NeedsPerson: true, Priority: store.PriorityCrisis, SubscriberID: ptr(7)}, true, "Call 988"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := *tt.sub
			e := plan(tt.d, received{msg: msg, class: tt.class, sub: &sub, conv: tt.conv, reply: tt.reply,
				phoneEnc: []byte("p"), bodyEnc: []byte("b"), evidenceEnc: []byte("e")})
			if e.to != tt.wantTo {
				t.Errorf("to = %q, want %q", e.to, tt.wantTo)
			}
			if tt.wantTo != "" && (e.consent.Method != store.MethodKeyword || e.consent.Reason != tt.wantReason ||
				e.consent.MessageSID != msg.SID || string(e.consent.EvidenceEnc) != "e") {
				t.Errorf("consent = %+v, want method keyword, reason %q, the message SID and its evidence", e.consent, tt.wantReason)
			}
			switch {
			case tt.wantSubID == 0 && e.inbound.SubscriberID != nil:
				t.Errorf("inbound subscriber = %d, want none", *e.inbound.SubscriberID)
			case tt.wantSubID != 0 && (e.inbound.SubscriberID == nil || *e.inbound.SubscriberID != tt.wantSubID):
				t.Errorf("inbound subscriber = %v, want %d", e.inbound.SubscriberID, tt.wantSubID)
			}
			if e.inbound.Rule != tt.class.Rule {
				t.Errorf("inbound rule = %q, want the classifier's %q", e.inbound.Rule, tt.class.Rule)
			}
			if e.inbound.MessageSID != msg.SID || e.inbound.ReplyName != tt.d.reply || string(e.inbound.BodyEnc) != "b" || string(e.inbound.PhoneEnc) != "p" {
				t.Errorf("inbound = %+v, want the message with its reply name %q", e.inbound, tt.d.reply)
			}
			if e.inbound.ReplyTwiML != TwiML(tt.wantTwiMLIn) {
				t.Errorf("TwiML = %q, want %q", e.inbound.ReplyTwiML, TwiML(tt.wantTwiMLIn))
			}
			switch {
			case tt.wantConv == nil && e.conv != nil:
				t.Errorf("conversation = %+v, want none", e.conv)
			case tt.wantConv != nil && e.conv == nil:
				t.Errorf("conversation untouched, want %+v", tt.wantConv)
			case tt.wantConv != nil:
				got, want := *e.conv, *tt.wantConv
				if got.ID != want.ID || got.New != want.New || got.NeedsPerson != want.NeedsPerson || got.Priority != want.Priority ||
					(got.SubscriberID == nil) != (want.SubscriberID == nil) || (got.SubscriberID != nil && *got.SubscriberID != *want.SubscriberID) {
					t.Errorf("conversation = %+v, want %+v", got, want)
				}
				if got.New && (string(got.PhoneEnc) != "p" || got.Last4 != "0100") {
					t.Errorf("a new conversation keeps the number encrypted and its last four digits: %+v", got)
				}
			}
			if e.notify != tt.wantNotify {
				t.Errorf("notify = %v, want %v", e.notify, tt.wantNotify)
			}
			if e.replied != tt.wantReply {
				t.Errorf("reply counted as sent = %v, want %v", e.replied, tt.wantReply)
			}
		})
	}
}

func ptr(n int64) *int64 { return &n }
