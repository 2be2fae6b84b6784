package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"textsupport/internal/metrics"
	"textsupport/internal/pgtest"
)

// Queue depth on /metrics: counts by queue and state from River's table,
// and how late the oldest due job is.
func TestQueueDepth(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO river_job (kind, args, max_attempts, queue, state, scheduled_at)
		SELECT 'send_step', '{}', 20, 'sequence', s::river_job_state, now() + d
		FROM (VALUES ('available', interval '-90 seconds'), ('available', interval '-10 seconds'),
		             ('scheduled', interval '1 hour'), ('scheduled', interval '2 hours'), ('scheduled', interval '3 hours'),
		             ('retryable', interval '1 minute'), ('running', interval '0')) AS j (s, d);
		INSERT INTO river_job (kind, args, max_attempts, queue, state, scheduled_at, finalized_at)
		VALUES ('send_step', '{}', 20, 'sequence', 'completed', now(), now());
		INSERT INTO river_job (kind, args, max_attempts, queue, state, scheduled_at)
		VALUES ('maintenance', '{}', 3, 'maintenance', 'scheduled', now() + interval '1 minute');
		INSERT INTO steps_to_schedule (subscriber_id, subscription, step) VALUES (1, now(), 1), (2, now(), 3)`)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	m.Register(metrics.NewQueueDepth(db))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	for _, want := range []string{
		`textsupport_queue_up 1`,
		`textsupport_queue_jobs{queue="sequence",state="available"} 2`,
		`textsupport_queue_jobs{queue="sequence",state="scheduled"} 3`,
		`textsupport_queue_jobs{queue="sequence",state="retryable"} 1`,
		`textsupport_queue_jobs{queue="maintenance",state="scheduled"} 1`,
		`textsupport_queue_jobs{queue="maintenance",state="available"} 0`,
		`textsupport_queue_oldest_due_seconds{queue="maintenance"} 0`,
		`textsupport_steps_owed 2`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	late := regexp.MustCompile(`textsupport_queue_oldest_due_seconds\{queue="sequence"\} ([0-9.e+]+)`).FindStringSubmatch(page)
	if late == nil || !strings.HasPrefix(late[1], "9") {
		t.Errorf("oldest due job is %v seconds late, want about 90", late)
	}

	// The database gone: the collector says so, and /metrics still answers.
	db.Pool.Close()
	q := metrics.NewQueueDepth(db)
	m2 := metrics.New()
	m2.Register(q)
	rec = httptest.NewRecorder()
	m2.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "textsupport_queue_up 0\n") {
		t.Errorf("/metrics with the database gone = %d, want 200 with textsupport_queue_up 0", rec.Code)
	}
}
