package dashboard

import (
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

// HandleLogin checks an email and password. Attempts are limited per
// account and per client address (see refuseLogin); a limited attempt is
// refused without its password being checked, so guessing gains nothing.
func HandleLogin(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, lim LoginLimits, clock func() time.Time) http.HandlerFunc {
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

		// 2. Count the attempt, and refuse it when over a limit.
		now := clock()
		count, err := db.RecordLoginAttempt(ctx, email, clients.key(r), now, lim.Window)
		if err != nil {
			fail(err)
			return
		}
		if refusal, refused := refuseLogin(lim, count, now); refused {
			if err := db.Audit(ctx, store.AuditEntry{Action: store.AuditLoginLimited, Detail: refusal.auditDetail(), ClientAddr: clients.addr(r)}); err != nil {
				fail(err)
				return
			}
			logger.LogAttrs(ctx, slog.LevelWarn, "staff sign-in refused: too many attempts", slog.String("limit", refusal.limit))
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

		// 4. Sign in: forget the counted attempt, start the session, audit.
		if err := db.LoginSucceeded(ctx, email, count.AttemptID); err != nil {
			fail(err)
			return
		}
		if err := sessions.start(ctx, staff.ID, now); err != nil {
			fail(err)
			return
		}
		if err := db.Audit(ctx, store.Actor{StaffID: staff.ID, ClientAddr: clients.addr(r)}.Entry(store.AuditLogin, "", string(staff.Role))); err != nil {
			fail(err)
			return
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "staff signed in", slog.Int64("staff_id", staff.ID))
		http.Redirect(w, r, form.Next, http.StatusSeeOther)
	}
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
