package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"textsupport/internal/metrics"
	"textsupport/internal/pgtest"
)

// Conversations on /metrics: open by priority, waiting for the person, and
// the time to the first staff reply over the windows.
func TestConversationMetrics(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	_, err := db.Pool.Exec(context.Background(), `
		INSERT INTO conversations (phone_hash, phone_enc, phone_last4, status, priority, opened_at, first_reply_at, last_inbound_at, closed_at)
		VALUES ('a', 'x', '0001', 'open', 0, now() - interval '1 hour', NULL, now() - interval '10 minutes', NULL),
		       ('b', 'x', '0002', 'open', 1, now() - interval '2 hours', NULL, now() - interval '2 hours', NULL),
		       ('c', 'x', '0003', 'open', 1, now() - interval '3 hours', NULL, now() - interval '1 hour', NULL),
		       ('d', 'x', '0004', 'waiting', 1, now() - interval '1 day', now() - interval '1 day' + interval '60 seconds', now() - interval '1 day', NULL),
		       ('e', 'x', '0005', 'closed', 0, now() - interval '2 days', now() - interval '2 days' + interval '120 seconds', now() - interval '2 days', now()),
		       ('f', 'x', '0006', 'closed', 1, now() - interval '20 days', now() - interval '20 days' + interval '600 seconds', now() - interval '20 days', now())`)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	m.Register(metrics.NewConversations(db))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	for _, want := range []string{
		`textsupport_conversations_up 1`,
		`textsupport_conversations_open{priority="crisis"} 1`,
		`textsupport_conversations_open{priority="normal"} 2`,
		`textsupport_conversations_waiting_for_person 1`,
		// 7 days: answered in 60 and 120 seconds.
		`textsupport_conversations_first_reply_seconds{quantile="0.5",window="7d"} 90`,
		`textsupport_conversations_first_reply_seconds{quantile="0.9",window="7d"} 114`,
		// 30 days: 60, 120 and 600 seconds.
		`textsupport_conversations_first_reply_seconds{quantile="0.5",window="30d"} 120`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(page, "textsupport_conversations_oldest_open_seconds 7") { // about 7,200 s
		t.Errorf("oldest open conversation should have waited about two hours:\n%s", page)
	}
}
