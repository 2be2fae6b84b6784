package sending

import (
	"context"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// A row whose encrypted number is not the number its phone hash was made
// from (written there by a bug, or copied there) sends nothing: not a
// sequence step, not a YES request, not a staff reply.
func TestSendRefusesNumberNotOfItsRow(t *testing.T) {
	t.Parallel()
	const number, other = "+12125550171", "+12125550172"
	// misfile seals other's number for number's row, in table.
	misfile := func(t *testing.T, b *bundle, table string) {
		t.Helper()
		hash := b.vault.Hash(number)
		tag, err := b.db.Pool.Exec(context.Background(), `UPDATE `+table+` SET phone_enc = $2 WHERE phone_hash = $1`,
			hash, b.vault.SealString(vault.Phone, hash, other))
		if err != nil || tag.RowsAffected() != 1 {
			t.Fatalf("misfile %s: %v, %d rows", table, err, tag.RowsAffected())
		}
	}
	sent := func(b *bundle) int { return len(b.fake.Requests()) }

	t.Run("sequence step", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sub := b.subscribe(t, number, "")
		misfile(t, b, "subscribers")
		if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err == nil {
			t.Error("sendStep = nil, want an error")
		}
		if n := sent(b); n != 0 {
			t.Errorf("the carrier got %d messages, want none", n)
		}
	})
	t.Run("YES request", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sub := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Pending,
			store.ConsentEvent{Method: store.MethodWebForm, Reason: "signup"}, b.sender.Transition)
		misfile(t, b, "subscribers")
		err := b.sender.sendSignupRequest(context.Background(), SignupRequestArgs{SubscriberID: sub.ID, Requested: time.Now().UnixMicro()}, time.Time{})
		if err == nil {
			t.Error("sendSignupRequest = nil, want an error")
		}
		if n := sent(b); n != 0 {
			t.Errorf("the carrier got %d messages, want none", n)
		}
	})
	t.Run("staff reply", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.staff(t)
		sub := b.subscribe(t, number, "")
		conv := b.conversation(t, number, sub, time.Now())
		misfile(t, b, "conversations")
		id, _ := b.reply(t, conv, "We're here.", "key-1")
		if err := b.sender.sendStaffReply(context.Background(), StaffReplyArgs{ReplyID: id}, time.Time{}); err == nil {
			t.Error("sendStaffReply = nil, want an error")
		}
		if n := sent(b); n != 0 {
			t.Errorf("the carrier got %d messages, want none", n)
		}
	})
}
