package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"textsupport/internal/config"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web"
	"textsupport/internal/web/dashboard"
)

// staff add EMAIL --role admin|responder|viewer, the password from stdin.
func TestStaffAdd(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	env := envFunc(map[string]string{"DATABASE_URL": dbURL})
	add := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"textsupport", "staff"}, args...), env, strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	out, err := add("a long enough password\nignored second line\n", "add", "Ada@Clinic.Example", "--role", "admin")
	if err != nil || !strings.Contains(out, "staff login ada@clinic.example created with the admin role") {
		t.Fatalf("staff add = %q, %v", out, err)
	}
	if _, err := add("another long password\r\n", "add", "--role=viewer", "bob@clinic.example"); err != nil {
		t.Fatalf("staff add with the flag first: %v", err)
	}
	if out, err := add("a third long password\n", "add", "rita@clinic.example", "--role", "Responder"); err != nil ||
		!strings.Contains(out, "created with the responder role") {
		t.Fatalf("staff add --role responder = %q, %v", out, err)
	}
	if strings.Contains(out, "long enough") {
		t.Errorf("staff add printed the password")
	}

	refused := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no role", "a long enough password\n", []string{"add", "c@clinic.example"}, "usage"},
		{"unknown role", "a long enough password\n", []string{"add", "c@clinic.example", "--role", "owner"}, `role "owner"`},
		{"no email", "a long enough password\n", []string{"add", "--role", "admin"}, "usage"},
		{"two emails", "a long enough password\n", []string{"add", "c@clinic.example", "d@clinic.example", "--role", "admin"}, "usage"},
		{"not an email", "a long enough password\n", []string{"add", "carol", "--role", "admin"}, "not an email address"},
		{"short password", "short\n", []string{"add", "c@clinic.example", "--role", "admin"}, "at least 12 characters"},
		{"no password", "", []string{"add", "c@clinic.example", "--role", "admin"}, "first line of stdin"},
		{"empty first line", "\nsecond line is not read\n", []string{"add", "c@clinic.example", "--role", "admin"}, "first line of stdin"},
		{"existing email", "a long enough password\n", []string{"add", "ADA@clinic.example", "--role", "viewer"}, "already exists"},
		{"unknown subcommand", "", []string{"remove", "ada@clinic.example"}, "usage"},
		{"unknown flag", "", []string{"add", "c@clinic.example", "--role", "admin", "--password", "x"}, "flag provided but not defined"},
	}
	for _, r := range refused {
		if _, err := add(r.stdin, r.args...); err == nil || !strings.Contains(err.Error(), r.want) {
			t.Errorf("%s: %v, want an error saying %q", r.name, err, r.want)
		}
	}

	db, err := store.Open(context.Background(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, c := range []struct {
		email, password string
		role            store.Role
	}{{"ada@clinic.example", "a long enough password", store.RoleAdmin}, {"bob@clinic.example", "another long password", store.RoleViewer},
		{"rita@clinic.example", "a third long password", store.RoleResponder}} {
		s, err := db.CheckStaffLogin(ctx, c.email, c.password)
		if err != nil || s.Role != c.role {
			t.Errorf("sign in as %s: %v %v", c.email, s, err)
		}
	}
	var n int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM staff`).Scan(&n)
	if n != 3 {
		t.Errorf("staff logins = %d, want 3", n)
	}
	// Without DATABASE_URL it says so.
	var out2 bytes.Buffer
	err = run(ctx, []string{"textsupport", "staff", "add", "e@clinic.example", "--role", "admin"}, envFunc(nil), strings.NewReader("a long enough password\n"), &out2, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("without DATABASE_URL: %v", err)
	}
}

// staff disable, enable, role and reset-password change a login and say so
// in the audit log, with the actor "cli" and no staff member.
func TestStaffManage(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	env := envFunc(map[string]string{"DATABASE_URL": dbURL})
	staff := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"textsupport", "staff"}, args...), env, strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	if _, err := staff("a long enough password\n", "add", "ada@clinic.example", "--role", "viewer"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	signIn := func(password string) (*store.Staff, error) {
		return db.CheckStaffLogin(ctx, "ada@clinic.example", password)
	}

	steps := []struct {
		stdin string
		args  []string
		check func() error
	}{
		{"", []string{"disable", "Ada@clinic.example"}, func() error {
			if _, err := signIn("a long enough password"); !errors.Is(err, store.ErrBadCredentials) {
				return errors.New("a disabled login still signs in")
			}
			return nil
		}},
		{"", []string{"enable", "ada@clinic.example"}, func() error { _, err := signIn("a long enough password"); return err }},
		{"", []string{"role", "ada@clinic.example", "admin"}, func() error {
			if s, err := signIn("a long enough password"); err != nil || s.Role != store.RoleAdmin {
				return errors.New("the role did not change")
			}
			return nil
		}},
		{"a brand new password\n", []string{"reset-password", "ada@clinic.example"}, func() error {
			if _, err := signIn("a long enough password"); err == nil {
				return errors.New("the old password still works")
			}
			_, err := signIn("a brand new password")
			return err
		}},
	}
	for _, st := range steps {
		out, err := staff(st.stdin, st.args...)
		if err != nil || !strings.Contains(out, "staff login ada@clinic.example") {
			t.Fatalf("staff %v = %q, %v", st.args, out, err)
		}
		if strings.Contains(out, "brand new") {
			t.Errorf("staff %v printed the password", st.args)
		}
		if err := st.check(); err != nil {
			t.Errorf("after staff %v: %v", st.args, err)
		}
	}
	var actions string
	db.Pool.QueryRow(ctx, `SELECT string_agg(action || ':' || actor || ':' || coalesce(staff_id::text, '-') || ':' || target, ' ' ORDER BY id)
		FROM audit_log WHERE actor = 'cli'`).Scan(&actions)
	if want := "staff_disabled:cli:-:staff:1 staff_enabled:cli:-:staff:1 staff_role:cli:-:staff:1 staff_password_reset:cli:-:staff:1"; actions != want {
		t.Errorf("audit rows = %q, want %q", actions, want)
	}

	for _, r := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"disable", "nobody@clinic.example"}, "no staff login"},
		{"", []string{"role", "ada@clinic.example", "owner"}, `role "owner"`},
		{"", []string{"role", "ada@clinic.example"}, "usage"},
		{"short\n", []string{"reset-password", "ada@clinic.example"}, "at least 12 characters"},
		{"", []string{"reset-password", "ada@clinic.example"}, "first line of stdin"},
	} {
		if _, err := staff(r.stdin, r.args...); err == nil || !strings.Contains(err.Error(), r.want) {
			t.Errorf("staff %v: %v, want an error saying %q", r.args, err, r.want)
		}
	}
}

// dev's demo admin gets a fresh password each start; the old one stops working.
func TestDevStaff(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	email, first, err := devStaff(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := devStaff(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if first == second || len(second) < 20 {
		t.Fatalf("demo passwords %q then %q", first, second)
	}
	if s, err := db.CheckStaffLogin(ctx, email, second); err != nil || s.Role != store.RoleAdmin {
		t.Errorf("the new demo password: %v", err)
	}
	if _, err := db.CheckStaffLogin(ctx, email, first); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("the old demo password still works")
	}
}

// staffDeps wires the dashboard as serve does: Secure cookies when
// PUBLIC_URL is https, the sequence's steps labelled, the cancel hook.
func TestStaffDepsWiring(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := vault.New(bytes.Repeat([]byte{3}, 32))
	if _, err := db.CreateStaff(context.Background(), "ada@clinic.example", "a long enough password", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	for _, public := range []string{"https://texts.example.org", "http://localhost:8080"} {
		u, _ := url.Parse(public)
		a := app{cfg: &config.Config{PublicURL: u}, db: db, program: prog}
		sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, NoWork: true})
		if err != nil {
			t.Fatal(err)
		}
		staff, err := staffDeps(a, v, sender)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(web.NewServer(&web.Deps{DB: db, PublicURL: u, Staff: staff, Logger: newLogger(io.Discard, 0)}))
		form := url.Values{"email": {"ada@clinic.example"}, "password": {"a long enough password"}}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
		resp, err := client.PostForm(srv.URL+"/staff/login", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cookie := resp.Header.Get("Set-Cookie")
		if secure := strings.Contains(cookie, "; Secure"); secure != strings.HasPrefix(public, "https") {
			t.Errorf("PUBLIC_URL %s: cookie %q", public, cookie)
		}
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("PUBLIC_URL %s: sign-in = %d", public, resp.StatusCode)
		}
		srv.Close()
	}
	if got := dashboard.StepLabel(prog.Sequence[1].After); got != "1 day after opt-in" {
		t.Errorf("step 2 is labelled %q", got)
	}
}
