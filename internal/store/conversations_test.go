package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// The inbox: waiting for staff first, crisis first and the newest crisis
// first, then the one waiting longest; then those waiting for the person.
func TestInboxOrder(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	add := func(last4, status string, priority int, lastInbound time.Duration) {
		t.Helper()
		closedAt := "NULL"
		if status == "closed" {
			closedAt = "now()"
		}
		_, err := db.Pool.Exec(ctx, fmt.Sprintf(`INSERT INTO conversations (phone_hash, phone_enc, phone_last4, status, priority, last_inbound_at, closed_at)
			VALUES ($1::bytea, 'x', $5, $2, $3, now() - $4::interval, %s)`, closedAt), []byte(last4), status, priority, lastInbound.String(), last4)
		if err != nil {
			t.Fatal(err)
		}
	}
	add("0001", "open", 1, 3*time.Hour)      // normal, waiting longest
	add("0002", "open", 0, 2*time.Hour)      // older crisis
	add("0003", "waiting", 0, 5*time.Hour)   // answered: after every open one
	add("0004", "open", 0, 10*time.Minute)   // newest crisis
	add("0005", "open", 1, time.Hour)        // normal, waiting less
	add("0006", "closed", 0, 10*time.Minute) // closed: not in the inbox
	list, err := db.ListConversations(ctx, store.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, c.Last4)
	}
	if want := "[0004 0002 0001 0005 0003]"; fmt.Sprint(got) != want {
		t.Errorf("inbox = %v, want %s", got, want)
	}
	closed, err := db.ListConversations(ctx, store.ConversationFilter{Closed: true})
	if err != nil || len(closed) != 1 || closed[0].Last4 != "0006" {
		t.Errorf("closed tab = %v, %v; want the one closed", closed, err)
	}
	c, err := db.CountConversations(ctx)
	if err != nil || c.OpenCrisis != 2 || c.OpenOther != 2 || c.Waiting != 1 || c.OldestOpen == nil {
		t.Errorf("counts = %+v, %v", c, err)
	}
}

// A message marked misread keeps what staff said it was, is audited, and
// is listed for the corpus; only a message of the conversation can be.
func TestMarkMisread(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	staff, err := db.CreateStaff(ctx, "ada@clinic.example", "a long enough password", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	var conv, msg int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO conversations (phone_hash, phone_enc, phone_last4, priority) VALUES ('h', 'x', '0001', 1) RETURNING id`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, class, rule, body_enc, reply_twiml, conversation_id)
		VALUES ('SM1', 'h', 'x', '0001', 'other', 'none', 'b', '', $1) RETURNING id`, conv).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	by := store.Actor{StaffID: staff.ID, ClientAddr: "192.0.2.1"}
	if err := db.MarkMisread(ctx, conv, msg, "nonsense", by); err == nil {
		t.Fatal("a label not in the corpus was taken")
	}
	if err := db.MarkMisread(ctx, conv+1, msg, "crisis", by); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("marking a message of another conversation = %v, want ErrNotFound", err)
	}
	if err := db.MarkMisread(ctx, conv, msg, "crisis", by); err != nil {
		t.Fatal(err)
	}
	list, err := db.MisreadMessages(ctx)
	if err != nil || len(list) != 1 || list[0].MisreadAs != "crisis" || list[0].Class != "other" || list[0].Rule != "none" {
		t.Fatalf("misread messages = %+v, %v", list, err)
	}
	var audited int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'message_marked_misread' AND staff_id = $1`, staff.ID).Scan(&audited)
	if audited != 1 {
		t.Fatalf("audit rows = %d, want 1", audited)
	}
}
