package main

import (
	"bufio"
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web/dashboard"
)

const staffUsage = `usage: textsupport staff add EMAIL --role admin|responder|viewer   (the password is the first line of stdin)
       textsupport staff disable EMAIL | enable EMAIL
       textsupport staff role EMAIL admin|responder|viewer
       textsupport staff reset-password EMAIL           (the new password is the first line of stdin)`

// cmdStaff manages staff logins. Passwords are read from the first line of
// stdin, never from an argument, where they would sit in the shell history
// and the process list. Every change but add is written to the audit log
// with the actor "cli".
func cmdStaff(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(staffUsage)
	}
	switch args[0] {
	case "add":
		return cmdStaffAdd(ctx, args[1:], getenv, stdin, stdout)
	case "disable", "enable", "role", "reset-password":
	default:
		return errors.New(staffUsage)
	}
	want := 1
	if args[0] == "role" {
		want = 2
	}
	if len(args)-1 != want {
		return errors.New(staffUsage)
	}
	email, err := store.NormalizeEmail(args[1])
	if err != nil {
		return err
	}
	var role store.Role
	if args[0] == "role" {
		if role, err = store.ParseRole(args[2]); err != nil {
			return err
		}
	}
	var password string
	if args[0] == "reset-password" {
		if password, err = readPassword(stdin); err != nil {
			return err
		}
		if err := store.CheckPassword(password); err != nil {
			return err
		}
	}

	db, _, err := openForCommand(ctx, getenv, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	var s *store.Staff
	var done string
	switch args[0] {
	case "disable":
		s, err = db.SetStaffDisabled(ctx, email, true)
		done = "disabled; its sessions end at their next request"
	case "enable":
		s, err = db.SetStaffDisabled(ctx, email, false)
		done = "enabled"
	case "role":
		s, err = db.SetStaffRole(ctx, email, role)
		done = "given the " + string(role) + " role"
	case "reset-password":
		s, err = db.ResetStaffPassword(ctx, email, password)
		done = "given a new password"
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no staff login for %s", email)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "staff login %s (id %d) %s\n", s.Email, s.ID, done)
	return nil
}

// cmdStaffAdd: staff add EMAIL --role admin|viewer creates a staff login.
func cmdStaffAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "", "admin, responder or viewer")
	// Flags may come before or after the email.
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return fmt.Errorf("%v\n%s", err, staffUsage)
	}
	if len(positional) != 1 || *role == "" {
		return errors.New(staffUsage)
	}
	r, err := store.ParseRole(*role)
	if err != nil {
		return err
	}
	email, err := store.NormalizeEmail(positional[0])
	if err != nil {
		return err
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if err := store.CheckPassword(password); err != nil {
		return err
	}

	db, _, err := openForCommand(ctx, getenv, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.CreateStaff(ctx, email, password, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "staff login %s created with the %s role (id %d)\n", s.Email, s.Role, s.ID)
	return nil
}

// readPassword reads the first line of stdin, without its line ending.
func readPassword(stdin io.Reader) (string, error) {
	if stdin == nil {
		return "", errors.New("password: give it as the first line of stdin")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("password: give it as the first line of stdin")
	}
	return line, nil
}

// devEmail is the demo admin's login in `textsupport dev`; an admin also
// reads and answers conversations.
const devEmail = "admin@example.org"

// devStaff makes sure the demo has an admin login, with a new random
// password each start (also when --data keeps the database), and returns it
// for dev to print.
func devStaff(ctx context.Context, db *store.DB) (email, password string, err error) {
	password = rand.Text() // 26 base32 characters, 128 bits
	_, err = db.CreateStaff(ctx, devEmail, password, store.RoleAdmin)
	if errors.Is(err, store.ErrStaffExists) {
		err = db.SetStaffPassword(ctx, devEmail, password)
	}
	if err != nil {
		return "", "", fmt.Errorf("demo staff login: %w", err)
	}
	return devEmail, password, nil
}

// staffDeps builds the staff dashboard for serveApp, changing states and
// sending staff replies through the sender.
func staffDeps(a app, v *vault.Vault, sender *sending.Sender) (*dashboard.Dashboard, error) {
	proxies := a.cfg.TrustedProxies
	loc, err := time.LoadLocation(a.program.DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	steps := make([]string, len(a.program.Sequence))
	for i, st := range a.program.Sequence {
		steps[i] = dashboard.StepLabel(st.After)
	}
	requireMFA := a.cfg.RequireMFA
	if requireMFA == "off" {
		requireMFA = dashboard.MFAOff
	}
	// Its own key, from the lookup key (DATA_KEY's, unless LOOKUP_KEY is
	// set), which does not rotate: remembered devices stay remembered. The
	// cookie's MAC must not be usable as anything the keys protect.
	deviceKey, err := hkdf.Key(sha256.New, a.cfg.LookupKey, nil, "textsupport staff device cookie", 32)
	if err != nil {
		return nil, err
	}
	return dashboard.New(a.db, dashboard.Config{
		Logger: a.logger, Vault: v, Transition: sender.Transition,
		Conversations: sender, CannedReplies: a.program.CannedReplies,
		SecureCookies: a.cfg.PublicURL.Scheme == "https",
		Steps:         steps, Regions: a.cfg.AllowedCountries, TrustedProxies: proxies, TimeZone: loc,
		RequireMFA: requireMFA, DeviceKey: deviceKey,
	})
}

// foldEvery is how often each replica folds the counter deltas into the
// counters: the dashboard's readers then add up a few seconds of deltas.
const foldEvery = 2 * time.Second

// keepCountersFolded folds the counter deltas every foldEvery until ctx
// ends. Replicas may fold at the same time; no delta is counted twice.
func keepCountersFolded(ctx context.Context, db *store.DB, logger *slog.Logger) {
	t := time.NewTicker(foldEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := db.FoldCounters(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("folding counter deltas", slog.String("error", err.Error()))
		}
	}
}

// staffMaintenance is the dashboard's periodic work, for
// sending.Config.Maintenance: removing expired sessions and old sign-in
// attempts.
func staffMaintenance(db *store.DB) []sending.Maintenance {
	return []sending.Maintenance{
		{Name: "staff_sessions_prune", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			return db.DeleteExpiredLogins(ctx, time.Now(), 24*time.Hour)
		}},
	}
}
