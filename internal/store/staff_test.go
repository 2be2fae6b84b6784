package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
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
