package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/migrations"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Ada@Clinic.Example", "ada@clinic.example"},
		{"  ada@clinic.example ", "ada@clinic.example"},
		{"ada", ""},
		{"Ada <ada@clinic.example>", ""},
		{"ada@", ""},
		{"", ""},
		{strings.Repeat("a", 250) + "@x.example", ""},
	} {
		got, err := store.NormalizeEmail(c.in)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"short", false},
		{"elevenchars", false},
		{"twelve chars", true},
		{"ééééééééééé", false}, // 11 characters, 22 bytes
		{"éééééééééééé", true},
		{strings.Repeat("x", 72), true},
		{strings.Repeat("x", 73), false}, // bcrypt would cut it
	} {
		if err := store.CheckPassword(c.in); (err == nil) != c.ok {
			t.Errorf("CheckPassword(%d chars) = %v, want ok %v", len([]rune(c.in)), err, c.ok)
		}
	}
}

func TestStaffLogins(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	s, err := db.CreateStaff(ctx, "Ada@Clinic.Example", "a long enough password", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if s.Email != "ada@clinic.example" || s.Role != store.RoleAdmin || !s.IsAdmin() {
		t.Errorf("created %+v", s)
	}
	if _, err := db.CreateStaff(ctx, "ADA@clinic.example", "another long password", store.RoleViewer); !errors.Is(err, store.ErrStaffExists) {
		t.Errorf("a second login for the same email: %v, want ErrStaffExists", err)
	}
	for _, bad := range []struct{ email, password, role string }{
		{"not-an-email", "a long enough password", "admin"},
		{"bob@clinic.example", "short", "admin"},
		{"bob@clinic.example", "a long enough password", "owner"},
	} {
		if _, err := db.CreateStaff(ctx, bad.email, bad.password, store.Role(bad.role)); err == nil {
			t.Errorf("CreateStaff(%q, %d chars, %q) succeeded", bad.email, len(bad.password), bad.role)
		}
	}
	var stored string
	db.Pool.QueryRow(ctx, `SELECT password_hash FROM staff WHERE id = $1`, s.ID).Scan(&stored)
	if !strings.HasPrefix(stored, "$2a$") || strings.Contains(stored, "long enough") {
		t.Errorf("the password is not stored as a bcrypt hash")
	}

	got, err := db.CheckStaffLogin(ctx, " ADA@clinic.example", "a long enough password")
	if err != nil || got.ID != s.ID {
		t.Fatalf("CheckStaffLogin = %v, %v", got, err)
	}
	if _, err := db.CheckStaffLogin(ctx, "ada@clinic.example", "A long enough password"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	var lastLogin *time.Time
	db.Pool.QueryRow(ctx, `SELECT last_login_at FROM staff WHERE id = $1`, s.ID).Scan(&lastLogin)
	if lastLogin == nil {
		t.Errorf("last_login_at not set by a good sign-in")
	}
	if err := db.SetStaffPassword(ctx, "ada@clinic.example", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckStaffLogin(ctx, "ada@clinic.example", "a long enough password"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("the old password still works after SetStaffPassword")
	}
	if _, err := db.CheckStaffLogin(ctx, "ada@clinic.example", "a brand new password"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := db.SetStaffPassword(ctx, "nobody@clinic.example", "a brand new password"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetStaffPassword of nobody = %v, want ErrNotFound", err)
	}
	if r, err := store.ParseRole(" Viewer "); r != store.RoleViewer || err != nil {
		t.Errorf("ParseRole = %q, %v", r, err)
	}
}

// Expired sessions and old sign-in attempts are removed; live ones stay.
func TestDeleteExpiredLogins(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	now := time.Now()
	db.Pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('old', '', $1), ('live', '', $2)`, now.Add(-time.Minute), now.Add(time.Hour))
	db.RecordLoginAttempt(ctx, "a@clinic.example", "192.0.2.1", now.Add(-48*time.Hour), 15*time.Minute)
	db.RecordLoginAttempt(ctx, "a@clinic.example", "192.0.2.1", now.Add(-time.Hour), 15*time.Minute)
	if err := db.DeleteExpiredLogins(ctx, now, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	var sessions, attempts string
	db.Pool.QueryRow(ctx, `SELECT string_agg(token, ',') FROM sessions`).Scan(&sessions)
	db.Pool.QueryRow(ctx, `SELECT count(*)::text FROM login_attempts`).Scan(&attempts)
	if sessions != "live" || attempts != "1" {
		t.Errorf("left sessions %q and %s attempts, want live and 1", sessions, attempts)
	}
}

// The migration's backfill, run over a history the triggers have counted,
// gives the very same dashboard counters: a deployment with history before
// 00005 gets the same figures as one that had the triggers all along.
func TestDashboardBackfill(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source)
		SELECT decode(md5(i::text), 'hex'), '\x00', '0000', 'active', (ARRAY['keyword', 'web_form', 'staff'])[1 + i % 3]
		FROM generate_series(1, 60) i;
		INSERT INTO consent_events (subscriber_id, at, from_state, to_state, method)
		SELECT id, now() - (id % 9) * interval '1 day', NULL, 'active', 'keyword' FROM subscribers;
		INSERT INTO consent_events (subscriber_id, at, from_state, to_state, method)
		SELECT id, now() - (id % 4) * interval '1 day', 'active', 'stopped', 'keyword' FROM subscribers WHERE id % 5 = 0;
		INSERT INTO outbound_messages (subscriber_id, kind, step, subscription, status)
		SELECT id, 'step', id % 3, now(), 'sending' FROM subscribers;
		INSERT INTO outbound_messages (subscriber_id, kind, reply_name, status) SELECT id, 'reply', 'help', 'replied' FROM subscribers WHERE id < 10;
		UPDATE outbound_messages SET status = (ARRAY['delivered', 'undelivered', 'failed', 'queued', 'read'])[1 + id % 5] WHERE kind = 'step';`)
	if err != nil {
		t.Fatal(err)
	}
	const mine = `name = 'active.net' OR name = 'sends' OR name LIKE 'joined.%' OR name LIKE 'delivery.%' OR name LIKE 'step.%'`
	snapshot := func() map[string]int64 {
		rows, err := db.Pool.Query(ctx, `SELECT name || ' ' || day::text, sum(n)::bigint FROM counter_sums WHERE `+mine+` GROUP BY name, day`)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for rows.Next() {
			var k string
			var n int64
			rows.Scan(&k, &n)
			if n != 0 {
				out[k] = n
			}
		}
		return out
	}
	byTriggers := snapshot()
	if len(byTriggers) < 20 {
		t.Fatalf("only %d counters seeded; the comparison would prove little", len(byTriggers))
	}
	sql, err := migrations.FS.ReadFile("00005_staff.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(sql), "-- backfill:begin")
	backfill, _, ok := strings.Cut(rest, "-- backfill:end")
	if !ok {
		t.Fatal("backfill markers missing from 00005_staff.sql")
	}
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM counters WHERE `+mine); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM counter_deltas WHERE `+mine); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, backfill)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	byBackfill := snapshot()
	for k, n := range byTriggers {
		if byBackfill[k] != n {
			t.Errorf("%s: triggers counted %d, backfill %d", k, n, byBackfill[k])
		}
	}
	for k, n := range byBackfill {
		if _, ok := byTriggers[k]; !ok {
			t.Errorf("%s: backfill counted %d, triggers nothing", k, n)
		}
	}
}
