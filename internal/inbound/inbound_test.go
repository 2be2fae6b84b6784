package inbound_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"textsupport/internal/inbound"
	"textsupport/internal/message"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// harness is the inbound service of the default program over a fresh
// database, its sender doing no work, and the MessageSids it has used.
type harness struct {
	db  *store.DB
	v   *vault.Vault
	svc *inbound.Service
	sid int
}

func newService(t *testing.T) *harness {
	t.Helper()
	db := pgtest.New(t)
	v, _ := vault.New(bytes.Repeat([]byte{3}, 32))
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{db: db, v: v, svc: &inbound.Service{DB: db, Vault: v, Replies: prog.Replies.ByName(), JoinKeywords: prog.Keywords, Subscriptions: sender}}
}

// nextSID is a MessageSid not used before.
func (h *harness) nextSID() string {
	h.sid++
	return fmt.Sprintf("SM%032d", h.sid)
}

// send handles one text from the number, as a new message.
func (h *harness) send(t *testing.T, from, body string) inbound.Result {
	t.Helper()
	res, err := h.svc.Handle(context.Background(), inbound.Message{SID: h.nextSID(), From: from, Body: body})
	if err != nil {
		t.Fatalf("Handle(%q) = %v", body, err)
	}
	return res
}

// openConversation subscribes the number and has it ask for a person: it
// returns the conversation that opens.
func (h *harness) openConversation(t *testing.T, from string) int64 {
	t.Helper()
	h.send(t, from, "JOIN")
	h.send(t, from, "can someone call me back")
	var conv int64
	if err := h.db.Pool.QueryRow(context.Background(), `SELECT id FROM conversations WHERE phone_hash = $1 AND status <> 'closed'`, h.v.Hash(from)).Scan(&conv); err != nil {
		t.Fatalf("the free text opened no conversation: %v", err)
	}
	return conv
}

// An opt-out whose caller has gone (Twilio stopped waiting, the connection
// dropped) is still recorded: nothing depends on the request staying open.
func TestOptOutSurvivesCallerLeaving(t *testing.T) {
	t.Parallel()
	h := newService(t)
	h.send(t, "+12125550190", "JOIN")
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := h.svc.Handle(gone, inbound.Message{SID: h.nextSID(), From: "+12125550190", Body: "please stop texting me"})
	if err != nil {
		t.Fatalf("Handle with the caller gone = %v, want the opt-out recorded", err)
	}
	sub, err := pgtest.FindSubscriberByHash(context.Background(), h.db, h.v.Hash("+12125550190"))
	if err != nil || sub.State != store.Stopped || res.Reply != inbound.ReplyStop {
		t.Fatalf("after the opt-out: %v %v, reply %q; want stopped with the STOP reply", sub, err, res.Reply)
	}
}

// A decline said to a responder answers them; said otherwise it is
// honoured. "no thanks" a few hours after a staff reply leaves the number
// subscribed and waits in the conversation for that person; the same words
// with no reply from staff, or a day after one, stop the texts; STOP stops
// them whoever wrote last.
func TestDeclineAnswersStaff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newService(t)
	db, v := h.db, h.v
	staff, err := db.CreateStaff(ctx, "ada@clinic.example", "a long enough password", store.RoleResponder)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name      string
		staffAgo  time.Duration // when the carrier took staff's reply; 0: staff never replied
		status    string        // the outbound message's status
		heldFor   time.Duration // how long the reply waited for the send window
		closed    bool          // staff closed the conversation since
		body      string
		wantState store.State
		wantClass message.Class
		answer    bool
	}{
		{"decline an hour after a staff reply", time.Hour, "delivered", 0, false, "no thanks im good", store.Active, message.ClassOther, true},
		{"goodbye an hour after a staff reply", time.Hour, "sent", 0, false, "ok bye", store.Active, message.ClassOther, true},
		{"who is this, to a responder", 10 * time.Minute, "delivered", 0, false, "who is this?", store.Active, message.ClassOther, true},
		{"a reply held for the send window, then sent", time.Hour, "delivered", 30 * time.Hour, false, "no thanks im good", store.Active, message.ClassOther, true},
		{"a farewell to a responder keeps its safety reply", time.Hour, "delivered", 0, false, "adios ✌️", store.Active, message.ClassCrisis, true},
		{"STOP an hour after a staff reply", time.Hour, "delivered", 0, false, "STOP", store.Stopped, message.ClassOptOut, false},
		{"a request naming the texts after a staff reply", time.Hour, "delivered", 0, false, "please stop texting me", store.Stopped, message.ClassOptOut, false},
		{"not interested, then a request naming the texts", time.Hour, "delivered", 0, false, "not interested. stop texting me", store.Stopped, message.ClassOptOut, false},
		{"decline with no staff reply", 0, "", 0, false, "no thanks im good", store.Stopped, message.ClassOptOut, false},
		{"decline a day after a staff reply", 25 * time.Hour, "delivered", 0, false, "no thanks im good", store.Stopped, message.ClassOptOut, false},
		{"decline after a reply that was not delivered", time.Hour, "undelivered", 0, false, "no thanks im good", store.Stopped, message.ClassOptOut, false},
		{"decline after staff closed the conversation", time.Hour, "delivered", 0, true, "no thanks im good", store.Stopped, message.ClassOptOut, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := fmt.Sprintf("+1212555%04d", 100+i)
			conv := h.openConversation(t, from)
			if tc.staffAgo > 0 {
				var out int64
				if err := db.Pool.QueryRow(ctx, `INSERT INTO outbound_messages (kind, status, conversation_id, created_at)
					VALUES ('staff_reply', $1, $2, now() - $3::interval) RETURNING id`, tc.status, conv, tc.staffAgo.String()).Scan(&out); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Pool.Exec(ctx, `INSERT INTO staff_replies (conversation_id, staff_id, request_key, body_enc, segments, status, outbound_id, created_at)
					VALUES ($1, $2, $3, '\x00', 1, 'sent', $4, now() - $5::interval)`, conv, staff.ID, fmt.Sprintf("k%d", i), out, (tc.staffAgo + tc.heldFor).String()); err != nil {
					t.Fatal(err)
				}
			}
			if tc.closed {
				if _, err := db.Pool.Exec(ctx, `UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1`, conv); err != nil {
					t.Fatal(err)
				}
			}
			res := h.send(t, from, tc.body)
			sub, err := pgtest.FindSubscriberByHash(ctx, db, v.Hash(from))
			if err != nil {
				t.Fatal(err)
			}
			if sub.State != tc.wantState || res.Class != tc.wantClass {
				t.Errorf("%q: state %s, class %s; want %s, %s", tc.body, sub.State, res.Class, tc.wantState, tc.wantClass)
			}
			var rule string
			if err := db.Pool.QueryRow(ctx, `SELECT rule FROM inbound_messages WHERE message_sid = $1`, fmt.Sprintf("SM%032d", h.sid)).Scan(&rule); err != nil {
				t.Fatal(err)
			}
			if answer := strings.HasSuffix(rule, "(an answer to staff)"); answer != tc.answer {
				t.Errorf("%q: rule %q; want an answer to staff: %v", tc.body, rule, tc.answer)
			}
		})
	}
}

// A text from a person and a staff reply to them, at the same moment, both
// go through: the reply takes the number's lock before the conversation's,
// in the same order as an inbound message, so neither waits on the other
// in a circle (a deadlock would abort one; were it the text, an opt-out
// could be lost).
func TestInboundAndStaffReplyTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newService(t)
	staff, err := h.db.CreateStaff(ctx, "grace@clinic.example", "a long enough password", store.RoleResponder)
	if err != nil {
		t.Fatal(err)
	}
	sender := h.svc.Subscriptions.(*sending.Sender)
	actor := store.Actor{StaffID: staff.ID, ClientAddr: "192.0.2.1"}
	for i := range 40 {
		from := fmt.Sprintf("+1212555%04d", 200+i)
		conv := h.openConversation(t, from)
		text := inbound.Message{SID: h.nextSID(), From: from, Body: "are you there?"}
		errs := make(chan error, 2)
		go func() {
			_, err := h.svc.Handle(ctx, text)
			errs <- err
		}()
		go func() {
			_, _, err := sender.Reply(ctx, sending.ReplyRequest{ConversationID: conv, Body: "I'm here. Want me to call?", Key: fmt.Sprintf("k%d", i), Actor: actor})
			errs <- err
		}()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("a text and a staff reply at once: %v", err)
			}
		}
	}
}

// A decline after the crisis reply answers it: "im good" or "no thanks"
// to "Call or text 988" leaves the number subscribed, so a responder can
// still text the person, and waits in the crisis conversation. Once staff
// closed that conversation, or a day on, the same words stop the texts;
// STOP always does.
func TestDeclineAnswersSafetyReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newService(t)
	for i, tc := range []struct {
		name      string
		ago       time.Duration // how long before the decline the crisis text came
		closed    bool
		body      string
		wantState store.State
		answer    bool
	}{
		{"im good after the safety reply", 0, false, "im good", store.Active, true},
		{"no thanks hours after it", 5 * time.Hour, false, "no thanks", store.Active, true},
		{"bye after it", 0, false, "bye", store.Active, true},
		{"STOP after it", 0, false, "STOP", store.Stopped, false},
		{"a request naming the texts after it", 0, false, "please stop texting me", store.Stopped, false},
		{"a decline a day after it", 25 * time.Hour, false, "no thanks", store.Stopped, false},
		{"a decline after staff closed the conversation", 0, true, "im good", store.Stopped, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := fmt.Sprintf("+1212555%04d", 600+i)
			h.send(t, from, "JOIN")
			if res := h.send(t, from, "i want to die"); res.Reply != inbound.ReplyCrisis {
				t.Fatalf("crisis text got reply %q", res.Reply)
			}
			sid := fmt.Sprintf("SM%032d", h.sid)
			if _, err := h.db.Pool.Exec(ctx, `UPDATE inbound_messages SET received_at = received_at - $2::interval WHERE message_sid = $1`, sid, tc.ago.String()); err != nil {
				t.Fatal(err)
			}
			if tc.closed {
				if _, err := h.db.Pool.Exec(ctx, `UPDATE conversations SET status = 'closed', closed_at = now() WHERE phone_hash = $1`, h.v.Hash(from)); err != nil {
					t.Fatal(err)
				}
			}
			h.send(t, from, tc.body)
			sub, err := pgtest.FindSubscriberByHash(ctx, h.db, h.v.Hash(from))
			if err != nil {
				t.Fatal(err)
			}
			if sub.State != tc.wantState {
				t.Errorf("%q: state %s; want %s", tc.body, sub.State, tc.wantState)
			}
			var rule string
			if err := h.db.Pool.QueryRow(ctx, `SELECT rule FROM inbound_messages WHERE message_sid = $1`, fmt.Sprintf("SM%032d", h.sid)).Scan(&rule); err != nil {
				t.Fatal(err)
			}
			if answer := strings.HasSuffix(rule, "(an answer to staff)"); answer != tc.answer {
				t.Errorf("%q: rule %q; want an answer: %v", tc.body, rule, tc.answer)
			}
		})
	}
}
