package twiliohook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/web"
)

// Delivery reports through the signed webhook: recorded in order, never
// moved back from a final status, permanent failures mark the number.
func TestStatusCallbacks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sender, err := sending.New(sending.Config{DB: b.db, Vault: b.vault, Program: b.program, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	// Rebuild the handler with the status recorder.
	deps := &web.Deps{Logger: b.logger(), DB: b.db, Inbound: nil, AuthToken: authToken, Status: sender}
	deps.PublicURL, _ = url.Parse(b.public)
	b.server.Config.Handler = web.NewServer(deps)

	ctx := context.Background()
	newSent := func(number, sid string) int64 {
		sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Active,
			store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, sender.Transition)
		err := b.db.InTx(ctx, func(tx pgx.Tx) error {
			step := 0
			return store.RecordOutbound(ctx, tx, store.Outbound{SubscriberID: sub.ID, Kind: store.KindStep, Step: &step, Subscription: sub.OptedInAt, TwilioSID: sid, Status: "queued", Segments: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		return sub.ID
	}
	post := func(sid, status string, code int) int {
		form := url.Values{"MessageSid": {sid}, "MessageStatus": {status}, "AccountSid": {"AC1"}, "ApiVersion": {"2010-04-01"}}
		if code != 0 {
			form.Set("ErrorCode", fmt.Sprint(code))
		}
		c, _ := b.post(t, "/twilio/status", form, twiliofake.Sign(authToken, b.public+"/twilio/status", form))
		return c
	}
	status := func(sid string) string {
		var s string
		b.db.Pool.QueryRow(ctx, `SELECT status FROM outbound_messages WHERE twilio_sid = $1`, sid).Scan(&s)
		return s
	}

	sid := "SM" + fmt.Sprintf("%032d", 1)
	newSent("+12125550701", sid)
	for _, step := range []struct {
		status string
		want   string
	}{
		{"sent", "sent"}, {"queued", "sent"}, {"delivered", "delivered"}, {"sent", "delivered"}, {"failed", "delivered"}, {"undelivered", "delivered"},
	} {
		if code := post(sid, step.status, 0); code != 200 {
			t.Fatalf("status %s: HTTP %d", step.status, code)
		}
		if got := status(sid); got != step.want {
			t.Fatalf("after %q the status is %q, want %q", step.status, got, step.want)
		}
	}

	for _, c := range []struct {
		code  int
		state store.State
	}{{30003, store.Active}, {30005, store.Invalid}, {30006, store.Invalid}, {30004, store.Invalid}, {21610, store.Stopped}} {
		sid := fmt.Sprintf("SM%032d", 100+c.code)
		id := newSent(fmt.Sprintf("+1212555%04d", c.code%10000), sid)
		if code := post(sid, "undelivered", c.code); code != 200 {
			t.Fatalf("callback %d: HTTP %d", c.code, code)
		}
		sub, _ := pgtest.FindSubscriber(ctx, b.db, id)
		if sub.State != c.state {
			t.Errorf("after error %d the subscriber is %s, want %s", c.code, sub.State, c.state)
		}
		if c.state != store.Active {
			if n := b.count(t, `SELECT count(*) FROM consent_events WHERE subscriber_id = $1 AND method = 'carrier' AND reason = $2`, id, fmt.Sprint(c.code)); n != 1 {
				t.Errorf("error %d: %d carrier ledger rows, want 1", c.code, n)
			}
		}
	}

	// Unknown messages are acknowledged and change nothing; unsigned ones are refused.
	if code := post("SM99999999999999999999999999999999", "delivered", 0); code != 200 {
		t.Errorf("unknown MessageSid: HTTP %d, want 200", code)
	}
	form := url.Values{"MessageSid": {sid}, "MessageStatus": {"failed"}}
	if code, _ := b.post(t, "/twilio/status", form, "bad"); code != http.StatusForbidden {
		t.Errorf("unsigned callback: HTTP %d, want 403", code)
	}
}
