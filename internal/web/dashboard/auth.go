package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// maxStaffForm caps what a staff form may send.
const maxStaffForm = 16 << 10

type loginPage struct {
	Email     string
	Next      string
	Error     string
	SignedOut bool
}

// HandleLoginForm shows the sign-in form, or goes on to the dashboard when
// the browser already has a session.
func HandleLoginForm(logger *slog.Logger, views *Views, sessions *Sessions) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next := safeNext(r.URL.Query().Get("next"))
		staff, err := sessions.sessionStaff(r.Context())
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if staff != nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		views.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginPage{
			Next: next, SignedOut: r.URL.Query().Get("signed_out") == "1",
		}})
	}
}

// HandleLogin checks an email and password. Failures are limited per
// client and account (see LoginLimits); a refused attempt is refused
// without its password being checked, so guessing gains nothing. A login
// with a second factor goes on to the code page.
func HandleLogin(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, si *SignIn) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		// showForm answers with the form again, saying what went wrong.
		showForm := func(status int, form loginPage, message string) {
			form.Error = message
			views.render(w, r, status, "login", page{Title: "Sign in", Data: form})
		}
		fail := func(err error) { httpx.ServerError(logger, w, r, err) }

		// 1. Read the form.
		if !readStaffForm(views, w, r) {
			return
		}
		email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
		form := loginPage{Email: email, Next: safeNext(r.PostForm.Get("next"))}
		if email == "" || password == "" {
			showForm(http.StatusBadRequest, form, loginIncomplete)
			return
		}

		// 2. Count the attempt; refuse it, or hold it, when over a limit.
		at, refusal, err := si.admit(ctx, db, logger, clients, r, email)
		if err != nil {
			fail(err)
			return
		}
		if refusal != nil {
			w.Header().Set("Retry-After", refusal.retryAfter())
			showForm(http.StatusTooManyRequests, form, refusal.message())
			return
		}

		// 3. Check the password.
		staff, err := db.CheckStaffLogin(ctx, email, password)
		if errors.Is(err, store.ErrBadCredentials) {
			if err := db.Audit(ctx, loginFailedEntry(staff, clients.addr(r))); err != nil {
				fail(err)
				return
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "staff sign-in refused: wrong email or password")
			showForm(http.StatusUnauthorized, form, loginMismatch)
			return
		} else if err != nil {
			fail(err)
			return
		}

		// 4. A second factor: the password was right, so the attempt does
		// not count; the code is asked for next, and counted there.
		if staff.MFAEnrolled {
			if err := db.ForgetLoginAttempt(ctx, at.count.AttemptID); err != nil {
				fail(err)
				return
			}
			if err := sessions.awaitCode(ctx, staff.ID, email, form.Next, si.Now()); err != nil {
				fail(err)
				return
			}
			http.Redirect(w, r, "/staff/login/code", http.StatusSeeOther)
			return
		}
		si.signIn(w, r, logger, db, sessions, clients, staff, at, form.Next)
	}
}

// admitted is an attempt let through to be checked.
type admitted struct {
	count  store.LoginCount
	client string // the client address's key, or the known device's
	email  string
}

// admit counts a sign-in attempt for email and says whether it is refused
// (the refusal, once per client and window in the audit log); an attempt
// let through first waits as long as loginDelay says.
func (si *SignIn) admit(ctx context.Context, db *store.DB, logger *slog.Logger, clients Clients, r *http.Request, email string) (admitted, *loginRefusal, error) {
	now := si.Now()
	at := admitted{client: clients.key(r), email: email}
	device := si.devices.known(r, email, now)
	if device != "" {
		at.client = "device:" + device
	}
	var err error
	if at.count, err = db.RecordLoginAttempt(ctx, email, at.client, now, si.Limits.Window); err != nil {
		return at, nil, err
	}
	if refusal, refused := refuseLogin(si.Limits, at.count, now); refused {
		// A refused attempt is not a failure: it does not count.
		if err := db.ForgetLoginAttempt(ctx, at.count.AttemptID); err != nil {
			return at, nil, err
		}
		first, err := db.FirstLoginRefusal(ctx, at.client, windowStart(si.Limits, now))
		if err != nil {
			return at, nil, err
		}
		if first {
			if err := db.Audit(ctx, store.AuditEntry{Action: store.AuditLoginLimited, Detail: refusal.auditDetail(), ClientAddr: clients.addr(r)}); err != nil {
				return at, nil, err
			}
			logger.LogAttrs(ctx, slog.LevelWarn, "staff sign-in refused: too many failures", slog.String("limit", refusal.limit))
		}
		return at, &refusal, nil
	}
	if d := loginDelay(si.Limits, at.count, device != ""); d > 0 {
		si.Sleep(ctx, d)
	}
	return at, nil, nil
}

// signIn starts the session of a login whose every factor was right,
// remembers the browser, and goes on to next.
func (si *SignIn) signIn(w http.ResponseWriter, r *http.Request, logger *slog.Logger, db *store.DB, sessions *Sessions, clients Clients, staff *store.Staff, at admitted, next string) {
	ctx := r.Context()
	now := si.Now()
	err := db.LoginSucceeded(ctx, at.email, at.client, at.count.AttemptID)
	if err == nil {
		err = sessions.start(ctx, staff.ID, now)
	}
	if err == nil {
		err = si.devices.issue(w, at.email, now)
	}
	if err == nil {
		err = db.Audit(ctx, store.Actor{StaffID: staff.ID, ClientAddr: clients.addr(r)}.Entry(store.AuditLogin, "", string(staff.Role)))
	}
	if err != nil {
		httpx.ServerError(logger, w, r, err)
		return
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "staff signed in", slog.Int64("staff_id", staff.ID))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// HandleLogout ends the session, here and in the store.
func HandleLogout(logger *slog.Logger, db *store.DB, sessions *Sessions, clients Clients) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := db.Audit(ctx, clients.actor(r).Entry(store.AuditLogout, "", "")); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if err := sessions.end(ctx); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		logStaff(logger, r, "staff signed out")
		http.Redirect(w, r, "/staff/login?signed_out=1", http.StatusSeeOther)
	}
}

// readStaffForm reads a staff form's POST body into r.PostForm; when it
// cannot, it answers 400 and reports false.
func readStaffForm(views *Views, w http.ResponseWriter, r *http.Request) bool {
	if _, err := httpx.ParseForm(w, r, maxStaffForm); err != nil {
		views.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	return true
}

// safeNext keeps a return address to the staff pages of this site only.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.Scheme != "" || u.Host != "" || u.User != nil ||
		strings.HasPrefix(next, "//") || strings.Contains(next, `\`) || path.Clean(u.Path) != strings.TrimSuffix(u.Path, "/") ||
		!(u.Path == "/staff" || strings.HasPrefix(u.Path, "/staff/")) || strings.HasPrefix(u.Path, "/staff/login") {
		return "/staff"
	}
	return u.RequestURI()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sinceText says how long ago t was, roughly, for people.
func sinceText(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		m := int(d.Minutes())
		return fmt.Sprintf("%d minute%s ago", m, plural(m))
	case d < 48*time.Hour:
		h := int(d.Hours())
		return fmt.Sprintf("%d hour%s ago", h, plural(h))
	default:
		days := int(d.Hours() / 24)
		return fmt.Sprintf("%d days ago", days)
	}
}
