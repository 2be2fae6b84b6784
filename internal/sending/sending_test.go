package sending

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/carrier"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
)

// bundle is a sender on its own database, talking through the real
// twilio-go client to a fake Twilio over loopback.
type bundle struct {
	sender  *Sender
	db      *store.DB
	vault   *vault.Vault
	fake    *twiliofake.Server
	program *program.Program
	now     atomic.Pointer[time.Time]
}

func (b *bundle) setNow(t time.Time) { b.now.Store(&t) }

type config func(*Config)

// noon is a time inside every US zone's send window.
var noon = time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC) // 12:00 New York, 09:00 Los Angeles

func setup(t *testing.T, opts ...config) *bundle {
	t.Helper()
	db := pgtest.New(t)
	v, err := vault.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	fake := twiliofake.New("AC00000000000000000000000000000001", "token")
	t.Cleanup(fake.Close)
	client, err := carrier.New(carrier.Config{
		AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, From: "+12125550199", APIURL: fake.URL,
		HTTPClient: &http.Client{Transport: twiliofake.LoopbackOnly(http.DefaultTransport)},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{db: db, vault: v, fake: fake, program: prog}
	b.setNow(noon)
	cfg := Config{
		DB: db, Vault: v, Program: prog, Carrier: client, SendRate: 10000,
		StatusCallbackURL: "https://textsupport.example.org/twilio/status",
		Now:               func() time.Time { return *b.now.Load() }, SendTimeout: 2 * time.Second,
		Logger: slog.New(slog.DiscardHandler), NoWork: true, PollInterval: 50 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if b.sender, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	return b
}

// subscribe makes an active subscriber with the given number and zone
// through Transition, as an opt-in does, and schedules step 0 as a
// running sender would.
func (b *bundle) subscribe(t *testing.T, number, tz string) *store.Subscriber {
	t.Helper()
	sub := pgtest.NewSubscriber(t, b.db, b.vault, number, tz, store.Active,
		store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, b.sender.Transition)
	if _, err := b.sender.ScheduleOwed(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sub
}

func (b *bundle) args(sub *store.Subscriber, step int) StepArgs {
	a, _ := b.sender.stepArgs(sub.ID, *sub.OptedInAt, b.program.Sequence[step].ID)
	return a
}

func (b *bundle) state(t *testing.T, id int64) store.State {
	t.Helper()
	s, err := pgtest.FindSubscriber(context.Background(), b.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return s.State
}

func (b *bundle) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// scheduleOwed schedules the steps sends have owed so far.
func (b *bundle) scheduleOwed(t *testing.T) {
	t.Helper()
	if _, err := b.sender.ScheduleOwed(context.Background()); err != nil {
		t.Fatalf("ScheduleOwed: %v", err)
	}
}

func snoozeOf(err error) (time.Duration, bool) {
	var s *river.JobSnoozeError
	if errors.As(err, &s) {
		return s.Duration, true
	}
	return 0, false
}

func isCancel(err error) bool {
	var c *river.JobCancelError
	return errors.As(err, &c)
}

func TestSendStep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub := b.subscribe(t, "+12125550101", "")
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatalf("sendStep = %v, want nil", err)
	}
	reqs := b.fake.RequestsTo("+12125550101")
	if len(reqs) != 1 {
		t.Fatalf("carrier got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Body != b.program.Sequence[0].Body || r.From != "+12125550199" || r.StatusCallback != "https://textsupport.example.org/twilio/status" {
		t.Errorf("request = %+v", r)
	}
	// 12:00 in New York with the window closing at 20:00, but a message
	// waits at the carrier only minutes beyond what pacing needs.
	if r.ValidityPeriod < 5*60 || r.ValidityPeriod > 6*60 {
		t.Errorf("ValidityPeriod = %d, want about %d (pacing and 5 minutes)", r.ValidityPeriod, 5*60)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE kind = 'step' AND step = 0 AND twilio_sid = $1 AND status = 'queued'`, r.SID); n != 1 {
		t.Errorf("outbound row for step 0 with the carrier's SID: %d, want 1", n)
	}
	// Step 1 is owed with the send's commit, and scheduled with others later.
	if n := b.count(t, `SELECT count(*) FROM steps_to_schedule WHERE subscriber_id = $1 AND step_id = $2`, sub.ID, b.program.Sequence[1].ID); n != 1 {
		t.Errorf("step 1 owed %d times, want 1", n)
	}
	b.scheduleOwed(t)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND (args->>'step')::int = 1`); n != 1 {
		t.Errorf("step 1 scheduled %d times, want 1", n)
	}
	// The same step again: at most once.
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatalf("second sendStep = %v, want nil", err)
	}
	if n := len(b.fake.RequestsTo("+12125550101")); n != 1 {
		t.Fatalf("carrier got %d requests after a repeat, want 1", n)
	}
}

// Each class of carrier error has its own consequence.
func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		httpStatus int
		code       int
		wantState  store.State
		wantRetry  bool
		wantStatus string // outbound row after the attempt; "" for no row
		wantNext   bool   // next step scheduled
	}{
		{"opted out with the carrier", 400, 21610, store.Stopped, false, "failed", false},
		{"invalid number", 400, 21211, store.Invalid, false, "failed", false},
		{"not a mobile number", 400, 21614, store.Invalid, false, "failed", false},
		{"too many requests", 429, 20429, store.Active, true, "", false},
		{"carrier down", 503, 0, store.Active, true, "", false},
		{"server error", 500, 20500, store.Active, true, "", false},
		{"refused for another reason", 400, 21408, store.Active, false, "failed", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			number := fmt.Sprintf("+1212555%04d", 200+i)
			sub := b.subscribe(t, number, "")
			b.fake.FailNext(1, tt.httpStatus, tt.code)
			err := b.sender.sendStep(context.Background(), b.args(sub, 0))
			if got := carrier.IsRetryable(err); got != tt.wantRetry || (!tt.wantRetry && err != nil) {
				t.Fatalf("sendStep = %v (retryable %v), want retryable %v", err, got, tt.wantRetry)
			}
			if st := b.state(t, sub.ID); st != tt.wantState {
				t.Errorf("state = %s, want %s", st, tt.wantState)
			}
			var status string
			b.db.Pool.QueryRow(context.Background(), `SELECT status FROM outbound_messages WHERE subscriber_id = $1 AND kind = 'step'`, sub.ID).Scan(&status)
			if status != tt.wantStatus {
				t.Errorf("outbound status = %q, want %q", status, tt.wantStatus)
			}
			b.scheduleOwed(t)
			next := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND (args->>'step')::int = 1`) == 1
			if next != tt.wantNext {
				t.Errorf("next step scheduled = %v, want %v", next, tt.wantNext)
			}
			if tt.wantState != store.Active {
				n := b.count(t, `SELECT count(*) FROM consent_events WHERE subscriber_id = $1 AND method = 'carrier' AND reason = $2 AND to_state = $3`,
					sub.ID, fmt.Sprint(tt.code), tt.wantState)
				if n != 1 {
					t.Errorf("carrier ledger rows = %d, want 1", n)
				}
			}
			if tt.wantRetry {
				// Retried, it goes through once.
				if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
					t.Fatalf("retry = %v", err)
				}
				if n := len(b.fake.RequestsTo(number)); n != 1 {
					t.Errorf("accepted requests after retry = %d, want 1", n)
				}
			}
		})
	}
}

// A request that times out may have reached the carrier: it is recorded as
// unknown and never sent again, so no step can arrive twice.
func TestSendTimeoutIsNotRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SendTimeout = 100 * time.Millisecond })
	sub := b.subscribe(t, "+12125550301", "")
	// Far longer than the send timeout: were the request not cut off at
	// the timeout, it would succeed and be recorded as queued.
	b.fake.SetLatency(5 * time.Second)
	err := b.sender.sendStep(context.Background(), b.args(sub, 0))
	if err != nil {
		t.Fatalf("sendStep = %v, want nil (not retried)", err)
	}
	b.fake.SetLatency(0)
	if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE subscriber_id = $1 AND status = 'unknown'`, sub.ID); n != 1 {
		t.Errorf("unknown outbound rows = %d, want 1", n)
	}
	if n := b.fake.AttemptsTo("+12125550301"); n > 1 {
		t.Errorf("carrier saw %d attempts, want at most 1", n)
	}
}

func TestQuietHours(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	chi, _ := time.LoadLocation("America/Chicago")
	la, _ := time.LoadLocation("America/Los_Angeles")
	tests := []struct {
		name   string
		number string
		tz     string
		now    time.Time
		wait   time.Duration // 0: sent now
	}{
		{"new york afternoon", "+12125550401", "", time.Date(2026, 6, 10, 15, 0, 0, 0, ny), 0},
		{"new york night", "+12125550402", "", time.Date(2026, 6, 10, 22, 0, 0, 0, ny), 10 * time.Hour},
		{"new york 07:59", "+12125550403", "", time.Date(2026, 6, 10, 7, 59, 0, 0, ny), time.Minute},
		{"new york 20:00 is closed", "+12125550404", "", time.Date(2026, 6, 10, 20, 0, 0, 0, ny), 12 * time.Hour},
		{"zone from the form wins over the area code", "+12125550405", "America/Los_Angeles", time.Date(2026, 6, 10, 10, 0, 0, 0, ny), time.Hour},
		{"los angeles number at 09:00 eastern", "+13105550406", "", time.Date(2026, 6, 10, 9, 0, 0, 0, ny), 2 * time.Hour},
		{"los angeles evening", "+13105550407", "", time.Date(2026, 6, 10, 20, 30, 0, 0, la), 11*time.Hour + 30*time.Minute},
		// 850 spans Central and Eastern: 08:30 Eastern is 07:30 Central.
		{"area code in two zones, morning", "+18505550408", "", time.Date(2026, 6, 10, 8, 30, 0, 0, ny), 30 * time.Minute},
		// 19:30 Central is 20:30 Eastern: closed for the Eastern part.
		{"area code in two zones, evening", "+18505550409", "", time.Date(2026, 6, 10, 19, 30, 0, 0, chi), 12*time.Hour + 30*time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.setNow(tt.now)
			sub := b.subscribe(t, tt.number, tt.tz)
			err := b.sender.sendStep(context.Background(), b.args(sub, 0))
			wait, snoozed := snoozeOf(err)
			if tt.wait == 0 {
				if err != nil || len(b.fake.RequestsTo(tt.number)) != 1 {
					t.Fatalf("sendStep = %v, %d requests; want it sent now", err, len(b.fake.RequestsTo(tt.number)))
				}
				return
			}
			if !snoozed || wait != tt.wait {
				t.Fatalf("sendStep = %v, want a snooze of %v", err, tt.wait)
			}
			if n := len(b.fake.Requests()); n != 0 {
				t.Fatalf("carrier got %d requests outside the window", n)
			}
			// At the opening it goes.
			b.setNow(tt.now.Add(wait))
			if err := b.sender.sendStep(context.Background(), b.args(sub, 0)); err != nil {
				t.Fatalf("sendStep at the opening = %v", err)
			}
			if n := len(b.fake.RequestsTo(tt.number)); n != 1 {
				t.Fatalf("requests at the opening = %d, want 1", n)
			}
		})
	}
}

// At most daily_cap sequence messages in any rolling 24 hours.
func TestDailyCap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program.DailyCap = 3
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 6, 10, 9, 0, 0, 0, ny)
	sub := b.subscribe(t, "+12125550501", "")
	for step := 0; step < 3; step++ {
		b.setNow(start.Add(time.Duration(step) * time.Hour))
		if err := b.sender.sendStep(context.Background(), b.args(sub, step)); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	b.setNow(start.Add(3 * time.Hour))
	err := b.sender.sendStep(context.Background(), b.args(sub, 3))
	wait, ok := snoozeOf(err)
	// The first went at 09:00; room comes back at 09:00 tomorrow.
	if !ok || wait != 21*time.Hour {
		t.Fatalf("fourth step = %v, want a snooze of 21h", err)
	}
	b.setNow(start.Add(24 * time.Hour))
	if err := b.sender.sendStep(context.Background(), b.args(sub, 3)); err != nil {
		t.Fatalf("fourth step a day later = %v", err)
	}
	if n := len(b.fake.Requests()); n != 4 {
		t.Fatalf("requests = %d, want 4", n)
	}
}

// A step for someone no longer active in that subscription sends nothing.
func TestStepForEndedSubscription(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub := b.subscribe(t, "+12125550601", "")
	old := b.args(sub, 0)
	b.stop(t, sub)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND state = 'cancelled'`); n != 1 {
		t.Errorf("cancelled jobs = %d, want 1: STOP cancels pending steps", n)
	}
	if err := b.sender.sendStep(context.Background(), old); !isCancel(err) {
		t.Fatalf("sendStep after STOP = %v, want the job cancelled", err)
	}
	// Joining again starts a new subscription: the old one's steps stay dead.
	pgtest.SetState(t, b.db, sub.ID, store.Active, store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, b.sender.Transition)
	if err := b.sender.sendStep(context.Background(), old); !isCancel(err) {
		t.Fatalf("old subscription's step after re-joining = %v, want cancelled", err)
	}
	if n := len(b.fake.Requests()); n != 0 {
		t.Fatalf("carrier got %d requests", n)
	}
}

// River's reindexer is given exactly the river_job indexes that exist
// after the migrations, so it neither warns of missing ones nor leaves one
// out; the indexes the baseline migration drops are gone.
func TestReindexedIndexesExist(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	rows, err := db.Pool.Query(context.Background(), `SELECT indexname FROM pg_indexes WHERE tablename = 'river_job'`)
	if err != nil {
		t.Fatal(err)
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	exists := map[string]bool{}
	for _, name := range have {
		exists[name] = true
	}
	for _, gone := range droppedJobIndexes {
		if exists[gone] {
			t.Errorf("%s still exists", gone)
		}
	}
	ours := map[string]bool{"river_job_send_step_subscriber": true} // the baseline migration's, not River's
	want := 0
	for _, name := range reindexed() {
		if !exists[name] {
			t.Errorf("the reindexer is given %s, which does not exist", name)
		}
	}
	for name := range exists {
		if !ours[name] {
			want++
		}
	}
	if got := len(reindexed()); got != want {
		t.Errorf("the reindexer is given %d indexes, River's own that exist are %d (%v)", got, want, have)
	}
}
