package inbound

import (
	"testing"

	"textsupport/internal/message"
	"textsupport/internal/store"
)

// plan writes what a decision says, and only that: the state change with
// its ledger row, the message (against its subscriber when there is one),
// the alert, and the reply recorded only against a subscriber.
func TestPlan(t *testing.T) {
	msg := Message{SID: "SM00000000000000000000000000000001", From: "+12125550100", Body: "x"}
	recorded := &store.Subscriber{ID: 7, PhoneHash: []byte("h"), Last4: "0100", State: store.Active}
	reserved := &store.Subscriber{ID: 8, PhoneHash: []byte("h"), Last4: "0100"} // not on record, ID reserved
	unknown := &store.Subscriber{PhoneHash: []byte("h"), Last4: "0100"}         // not on record, nothing reserved
	stopped := store.Stopped
	active := store.Active
	tests := []struct {
		name        string
		d           decision
		sub         *store.Subscriber
		class       message.Classification
		reply       string
		wantTo      store.State
		wantReason  string
		wantSubID   int64 // 0: the message is kept with no subscriber
		wantReply   bool
		wantAlert   string
		wantTwiMLIn string
	}{
		{"join from a new number", decision{to: &active, reply: ReplyConfirmation}, reserved,
			message.Classification{Class: message.ClassJoin, Keyword: "JOIN"}, "Welcome", store.Active, "JOIN", 8, true, "", "Welcome"},
		{"stop, the carrier answered", decision{to: &stopped}, recorded,
			message.Classification{Class: message.ClassOptOut, Keyword: "STOP"}, "", store.Stopped, "STOP", 7, false, "", ""},
		{"revocation in words", decision{to: &stopped, reply: ReplyStop}, recorded,
			message.Classification{Class: message.ClassOptOut}, "Stopped", store.Stopped, "revocation", 7, true, "", "Stopped"},
		{"crisis from a number never seen", decision{reply: ReplyCrisis, alert: store.AlertCrisis}, unknown,
			message.Classification{Class: message.ClassCrisis}, "Call 988", "", "", 0, false, store.AlertCrisis, "Call 988"},
		{"crisis and stop", decision{to: &stopped, reply: ReplyCrisisOptOut, alert: store.AlertCrisis}, recorded,
			message.Classification{Class: message.ClassCrisis, AlsoOptOut: true}, "988; stopped", store.Stopped, "crisis", 7, true, store.AlertCrisis, "988; stopped"},
		{"free text from a subscriber", decision{reply: ReplyFreeText, alert: store.AlertFreeText}, recorded,
			message.Classification{Class: message.ClassOther}, "A person will read", "", "", 7, true, store.AlertFreeText, "A person will read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := *tt.sub
			e := plan(tt.d, received{msg: msg, class: tt.class, sub: &sub, reply: tt.reply,
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
			if e.inbound.MessageSID != msg.SID || e.inbound.ReplyName != tt.d.reply || string(e.inbound.BodyEnc) != "b" || string(e.inbound.PhoneEnc) != "p" {
				t.Errorf("inbound = %+v, want the message with its reply name %q", e.inbound, tt.d.reply)
			}
			if e.inbound.ReplyTwiML != TwiML(tt.wantTwiMLIn) {
				t.Errorf("TwiML = %q, want %q", e.inbound.ReplyTwiML, TwiML(tt.wantTwiMLIn))
			}
			if e.alert != tt.wantAlert {
				t.Errorf("alert = %q, want %q", e.alert, tt.wantAlert)
			}
			if (e.reply != nil) != tt.wantReply {
				t.Fatalf("reply recorded = %v, want %v", e.reply != nil, tt.wantReply)
			}
			if e.reply != nil && (e.reply.SubscriberID != tt.wantSubID || e.reply.Kind != store.KindReply || e.reply.ReplyName != tt.d.reply || e.reply.Segments < 1) {
				t.Errorf("reply = %+v, want a reply %q to subscriber %d", e.reply, tt.d.reply, tt.wantSubID)
			}
		})
	}
}
