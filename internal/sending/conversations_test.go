package sending

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// conversation opens a conversation for the subscriber's number, as an
// inbound text that needs a person does, whose person last wrote at
// lastInbound.
func (b *bundle) conversation(t *testing.T, number string, sub *store.Subscriber, lastInbound time.Time) int64 {
	t.Helper()
	var subID *int64
	if sub != nil {
		subID = &sub.ID
	}
	var id int64
	err := b.db.Pool.QueryRow(context.Background(), `
		INSERT INTO conversations (phone_hash, phone_enc, phone_last4, subscriber_id, priority, last_inbound_at, last_activity_at)
		VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id`,
		b.vault.Hash(number), b.vault.SealString(vault.Phone, b.vault.Hash(number), number), phone.Last4(number), subID, lastInbound).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var staffActor = store.Actor{StaffID: 1, ClientAddr: "192.0.2.1"}

func (b *bundle) staff(t *testing.T) {
	t.Helper()
	if _, err := b.db.CreateStaff(context.Background(), "ada@clinic.example", "a long enough password", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) reply(t *testing.T, conv int64, body, key string) (int64, bool) {
	t.Helper()
	id, created, err := b.sender.Reply(context.Background(), ReplyRequest{ConversationID: conv, Body: body, Key: key, Actor: staffActor})
	if err != nil {
		t.Fatalf("Reply = %v", err)
	}
	return id, created
}

// A staff reply goes once, however often the form is sent and however
// often its job runs; it is recorded as the conversation's first reply.
func TestStaffReplyGoesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.staff(t)
	const number = "+12125550161"
	sub := b.subscribe(t, number, "")
	conv := b.conversation(t, number, sub, time.Now())
	id, created := b.reply(t, conv, "We're here. Want a call?", "key-1")
	again, createdAgain := b.reply(t, conv, "We're here. Want a call?", "key-1")
	if !created || createdAgain || again != id {
		t.Fatalf("the same form twice: replies %d (created %v) and %d (created %v), want one", id, created, again, createdAgain)
	}
	for range 2 {
		if err := b.sender.sendStaffReply(context.Background(), StaffReplyArgs{ReplyID: id}, time.Time{}); err != nil {
			t.Fatalf("sendStaffReply = %v", err)
		}
	}
	var got []string
	for _, r := range b.fake.Requests() {
		if r.Body == "We're here. Want a call?" {
			got = append(got, r.To)
		}
	}
	if len(got) != 1 || got[0] != number {
		t.Fatalf("carrier got the reply %d times, want once to the number", len(got))
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies r JOIN outbound_messages o ON o.id = r.outbound_id
		WHERE r.status = 'sent' AND o.kind = 'staff_reply' AND o.conversation_id = $1 AND o.subscriber_id = $2`, conv, sub.ID); n != 1 {
		t.Fatalf("sent replies recorded = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND status = 'waiting' AND first_reply_at IS NOT NULL`, conv); n != 1 {
		t.Fatalf("the conversation is not marked answered and waiting for the person")
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_staff_reply'`); n != 1 {
		t.Fatalf("reply jobs = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conversation_reply' AND target = $1`, fmt.Sprintf("conversation:%d", conv)); n != 1 {
		t.Fatalf("reply audit rows = %d, want 1", n)
	}
}

// Two replicas working the queue send a reply once.
func TestStaffReplyTwoReplicas(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.NoWork = false; c.SendTimeout = 30 * time.Second })
	b.staff(t)
	second, err := New(b.sender.cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var convs []int64
	for i := range n {
		number := fmt.Sprintf("+1212555%04d", 3000+i)
		convs = append(convs, b.conversation(t, number, nil, time.Now()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, s := range []*Sender{b.sender, second} {
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer s.Stop(context.Background())
	}
	for i, c := range convs {
		b.reply(t, c, fmt.Sprintf("reply %d", i), fmt.Sprintf("k%d", i))
		b.reply(t, c, fmt.Sprintf("reply %d", i), fmt.Sprintf("k%d", i)) // sent twice
	}
	for deadline := time.Now().Add(60 * time.Second); b.count(t, `SELECT count(*) FROM staff_replies WHERE status = 'pending'`) > 0; {
		if time.Now().After(deadline) {
			t.Fatal("replies still pending after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	seen := map[string]int{}
	for _, r := range b.fake.Requests() {
		seen[r.Body]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("reply %d", i)]; c != 1 {
			t.Errorf("reply %d reached the carrier %d times, want once", i, c)
		}
	}
}

// A reply to a person who opted out is refused at once, and nothing is
// recorded or sent.
func TestStaffReplyToStoppedNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.staff(t)
	const number = "+12125550162"
	sub := b.subscribe(t, number, "")
	conv := b.conversation(t, number, sub, time.Now())
	b.stop(t, sub)
	_, _, err := b.sender.Reply(context.Background(), ReplyRequest{ConversationID: conv, Body: "hello?", Key: "k", Actor: staffActor})
	if !errors.Is(err, ErrReplyOptedOut) {
		t.Fatalf("Reply to a stopped number = %v, want ErrReplyOptedOut", err)
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies`); n != 0 {
		t.Fatalf("replies recorded = %d, want 0", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_staff_reply'`); n != 0 {
		t.Fatalf("reply jobs = %d, want 0", n)
	}
	// Closed conversations take no reply either.
	if _, err := b.sender.CloseConversation(context.Background(), conv, staffActor); err != nil {
		t.Fatal(err)
	}
	other := b.conversation(t, "+12125550163", nil, time.Now())
	if _, err := b.sender.CloseConversation(context.Background(), other, staffActor); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.sender.Reply(context.Background(), ReplyRequest{ConversationID: other, Body: "hi", Key: "k2", Actor: staffActor}); !errors.Is(err, ErrConversationClosed) {
		t.Fatalf("Reply in a closed conversation = %v, want ErrConversationClosed", err)
	}
}

// A STOP that commits after a reply was asked for, but before it goes,
// wins: the reply is refused and never reaches the carrier. With the
// sender running and STOPs landing at random moments, no reply reaches the
// carrier after its number's STOP committed.
func TestStopRacingStaffReply(t *testing.T) {
	t.Parallel()
	t.Run("stop before the job runs", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.staff(t)
		const number = "+12125550164"
		sub := b.subscribe(t, number, "")
		conv := b.conversation(t, number, sub, time.Now())
		id, _ := b.reply(t, conv, "are you ok?", "k")
		b.stop(t, sub)
		err := b.sender.sendStaffReply(context.Background(), StaffReplyArgs{ReplyID: id}, time.Time{})
		if !isCancel(err) {
			t.Fatalf("sendStaffReply after STOP = %v, want the job cancelled", err)
		}
		for _, r := range b.fake.Requests() {
			if r.Body == "are you ok?" {
				t.Fatal("the reply reached the carrier after the STOP")
			}
		}
		if n := b.count(t, `SELECT count(*) FROM staff_replies WHERE id = $1 AND status = 'refused' AND refused_reason <> ''`, id); n != 1 {
			t.Fatal("the reply is not recorded as refused")
		}
	})
	t.Run("stops while replies go", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(c *Config) { c.NoWork = false; c.Workers = 20; c.SendTimeout = 30 * time.Second })
		b.staff(t)
		b.fake.SetLatency(10 * time.Millisecond)
		const n = 40
		type person struct {
			number string
			sub    *store.Subscriber
			conv   int64
		}
		var people []person
		for i := range n {
			number := fmt.Sprintf("+1212555%04d", 4000+i)
			sub := b.subscribe(t, number, "")
			people = append(people, person{number, sub, b.conversation(t, number, sub, time.Now())})
		}
		for _, p := range people {
			for k := range 3 {
				b.reply(t, p.conv, fmt.Sprintf("reply %d to %s", k, p.number[len(p.number)-4:]), fmt.Sprintf("%d-%d", p.conv, k))
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := b.sender.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer b.sender.Stop(context.Background())
		var mu sync.Mutex
		stoppedAt := map[string]time.Time{}
		var wg sync.WaitGroup
		for _, p := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(rand.IntN(80)) * time.Millisecond)
				if err := b.db.InTx(context.Background(), func(tx pgx.Tx) error { return b.stopIn(tx, p.sub.ID) }); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				stoppedAt[p.number] = time.Now()
				mu.Unlock()
			}()
		}
		wg.Wait()
		for deadline := time.Now().Add(60 * time.Second); b.count(t, `SELECT count(*) FROM staff_replies WHERE status = 'pending'`) > 0; {
			if time.Now().After(deadline) {
				t.Fatal("replies still pending after a minute")
			}
			time.Sleep(20 * time.Millisecond)
		}
		sent := 0
		for _, r := range b.fake.Requests() {
			if !strings.HasPrefix(r.Body, "reply ") {
				continue
			}
			sent++
			if r.At.After(stoppedAt[r.To]) {
				t.Errorf("a reply reached the carrier %v after the number's STOP committed", r.At.Sub(stoppedAt[r.To]))
			}
		}
		refused := b.count(t, `SELECT count(*) FROM staff_replies WHERE status = 'refused'`)
		t.Logf("%d replies sent before their STOP, %d refused after it", sent, refused)
		if refused == 0 {
			t.Fatal("every reply went before any STOP: the race was not exercised")
		}
	})
}

// While a conversation is open the sequence waits; it goes on when staff
// close the conversation, or once it has been quiet for conversation_quiet.
func TestSequenceWaitsForConversation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.staff(t)
	b.program.Sequence[0].After = 0
	const number = "+12125550165"
	sub := b.subscribe(t, number, "")
	now := *b.now.Load() // the sender's clock
	conv := b.conversation(t, number, sub, now)
	err := b.sender.sendStep(context.Background(), b.args(sub, 0))
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) {
		t.Fatalf("sendStep during a conversation = %v, want it snoozed", err)
	}
	if snooze.Duration != b.program.ConversationQuiet {
		t.Errorf("snoozed %v, want conversation_quiet (%v) after the latest message", snooze.Duration, b.program.ConversationQuiet)
	}
	if len(b.fake.Requests()) != 0 {
		t.Fatal("a step went during the conversation")
	}
	// The job waits; closing the conversation makes it due at once.
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE river_job SET state = 'scheduled', scheduled_at = now() + interval '48 hours' WHERE kind = 'send_step'`); err != nil {
		t.Fatal(err)
	}
	closed, err := b.sender.CloseConversation(context.Background(), conv, staffActor)
	if err != nil || !closed {
		t.Fatalf("CloseConversation = %v, %v", closed, err)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND state = 'available' AND scheduled_at <= now()`); n != 1 {
		t.Fatalf("due steps made available on close = %d, want 1", n)
	}
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatalf("sendStep after close = %v", err)
	}
	if len(b.fake.Requests()) != 1 {
		t.Fatalf("carrier requests after close = %d, want the step", len(b.fake.Requests()))
	}

	// A conversation quiet for longer than conversation_quiet holds nothing.
	const other = "+12125550166"
	sub2 := b.subscribe(t, other, "")
	quiet := now.Add(-b.program.ConversationQuiet - time.Hour)
	b.conversation(t, other, sub2, quiet)
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE conversations SET last_activity_at = $1 WHERE subscriber_id = $2`, quiet, sub2.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.sender.sendStep(context.Background(), b.args(sub2, 0)); err != nil {
		t.Fatalf("sendStep with a quiet conversation = %v, want sent", err)
	}
}

// Within 24 hours of the person's last message a reply goes at any hour;
// after that it waits for the send window, and the thread says until when.
func TestStaffReplyHours(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.staff(t)
	night := time.Date(2026, 6, 10, 7, 0, 0, 0, time.UTC) // 03:00 in New York
	b.setNow(night)
	recent := b.conversation(t, "+12125550167", nil, night.Add(-2*time.Hour))
	old := b.conversation(t, "+12125550168", nil, night.Add(-30*time.Hour))
	r1, _ := b.reply(t, recent, "still here for you", "a")
	r2, _ := b.reply(t, old, "checking in", "b")
	if err := b.sender.sendStaffReply(context.Background(), StaffReplyArgs{ReplyID: r1}, time.Time{}); err != nil {
		t.Fatalf("reply within 24 hours at night = %v, want sent", err)
	}
	err := b.sender.sendStaffReply(context.Background(), StaffReplyArgs{ReplyID: r2}, time.Time{})
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) {
		t.Fatalf("reply 30 hours on at night = %v, want it held", err)
	}
	if got := len(b.fake.Requests()); got != 1 {
		t.Fatalf("carrier requests = %d, want only the recent reply", got)
	}
	var held *time.Time
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT held_until FROM staff_replies WHERE id = $1`, r2).Scan(&held); err != nil || held == nil {
		t.Fatalf("held reply has no held_until (%v)", err)
	}
	if want := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC); !held.Equal(want) {
		t.Errorf("held until %v, want %v (08:00 in New York)", held.UTC(), want)
	}
}

// The alert webhook: signed with the secret over timestamp and body,
// carrying no number or body, retried on a 5xx, given up on a 4xx.
func TestAlertWebhook(t *testing.T) {
	t.Parallel()
	var answers atomic.Int32
	type got struct {
		body      []byte
		ts, sig   string
		userAgent string
	}
	requests := make(chan got, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		requests <- got{body, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), r.UserAgent()}
		switch answers.Add(1) {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	secret := []byte("a secret of enough length")
	b := setup(t, func(c *Config) {
		c.AlertWebhook = &AlertWebhook{URL: srv.URL, Secret: secret, DashboardURL: "https://texts.example.org"}
	})
	const number = "+12125550169"
	conv := b.conversation(t, number, nil, time.Now())
	args := NeedsPersonArgs{ConversationID: conv, At: 1}
	if err := b.sender.postAlert(context.Background(), args); err == nil || isCancel(err) {
		t.Fatalf("postAlert on a 502 = %v, want an error River retries", err)
	}
	if err := b.sender.postAlert(context.Background(), args); err != nil {
		t.Fatalf("postAlert on a 204 = %v, want done", err)
	}
	if err := b.sender.postAlert(context.Background(), args); !isCancel(err) {
		t.Fatalf("postAlert on a 410 = %v, want given up", err)
	}
	close(requests)
	for r := range requests {
		if want := Sign(secret, r.ts, r.body); r.sig != want || r.ts == "" {
			t.Errorf("signature %q over timestamp %q, want %q", r.sig, r.ts, want)
		}
		var ev map[string]any
		if err := json.Unmarshal(r.body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev["event"] != "conversation.needs_person" || ev["conversation_id"] != float64(conv) ||
			ev["url"] != fmt.Sprintf("https://texts.example.org/staff/conversations/%d", conv) {
			t.Errorf("event = %v", ev)
		}
		for _, secret := range []string{number, number[1:], number[2:], "5550169", string(b.vault.Hash(number))} {
			if strings.Contains(string(r.body), secret) {
				t.Errorf("the event carries the number: %s", r.body)
			}
		}
		if len(ev) != 5 {
			t.Errorf("event has fields %v, want only event, conversation_id, priority, opened_at, url", ev)
		}
	}
	// In the inbound message's transaction the event is a job, not a call.
	err := b.db.InTx(context.Background(), func(tx pgx.Tx) error { return b.sender.NeedsPerson(context.Background(), tx, conv) })
	if err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'alert_webhook' AND queue = 'alerts' AND args ? 'conversation_id'`); n != 1 {
		t.Fatalf("alert jobs = %d, want 1", n)
	}
}
