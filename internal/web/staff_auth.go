package web

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"textsupport/internal/store"
)

// maxStaffForm caps what a staff form may send.
const maxStaffForm = 16 << 10

type loginPage struct {
	Email     string
	Next      string
	Error     string
	SignedOut bool
}

// handleLoginForm shows the sign-in form, or goes on to the dashboard when
// the browser already has a session.
func handleLoginForm(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		next := safeNext(r.URL.Query().Get("next"))
		staff, err := s.sessionStaff(r.Context())
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		if staff != nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		s.render(d, w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginPage{
			Next: next, SignedOut: r.URL.Query().Get("signed_out") == "1",
		}})
	}
}

// handleLogin checks an email and password. Attempts are limited per
// account and per client address; a limited attempt is refused without its
// password being checked, so guessing gains nothing.
func handleLogin(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		r.Body = http.MaxBytesReader(w, r.Body, maxStaffForm)
		if err := r.ParseForm(); err != nil {
			s.renderError(d, w, r, http.StatusBadRequest, "The form could not be read.")
			return
		}
		email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
		form := loginPage{Email: email, Next: safeNext(r.PostForm.Get("next"))}
		if email == "" || password == "" {
			form.Error = "Enter your email and your password."
			s.render(d, w, r, http.StatusBadRequest, "login", page{Title: "Sign in", Data: form})
			return
		}

		now := s.cfg.Now()
		lim := s.cfg.Limits
		count, err := d.DB.RecordLoginAttempt(ctx, email, s.clientKey(r), now, lim.Window)
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		if count.Account > lim.PerAccount || count.Client > lim.PerClient {
			until := count.AccountOldest
			which := "account"
			if count.Client > lim.PerClient {
				until, which = count.ClientOldest, "client address"
			}
			wait := until.Add(lim.Window).Sub(now)
			minutes := max(1, int(math.Ceil(wait.Minutes())))
			if err := d.DB.Audit(ctx, store.AuditEntry{Action: store.AuditLoginLimited, Detail: "too many attempts for this " + which, ClientAddr: s.clientAddr(r)}); err != nil {
				serverError(d, w, r, err)
				return
			}
			d.Logger.LogAttrs(ctx, slog.LevelWarn, "staff sign-in refused: too many attempts", slog.String("limit", which))
			w.Header().Set("Retry-After", strconv.Itoa(minutes*60))
			form.Error = fmt.Sprintf("Too many sign-in attempts. Try again in %d minute%s.", minutes, plural(minutes))
			s.render(d, w, r, http.StatusTooManyRequests, "login", page{Title: "Sign in", Data: form})
			return
		}

		staff, err := d.DB.CheckStaffLogin(ctx, email, password)
		if errors.Is(err, store.ErrBadCredentials) {
			entry := store.AuditEntry{Action: store.AuditLoginFailed, ClientAddr: s.clientAddr(r)}
			if staff != nil {
				entry.StaffID = &staff.ID
			} else {
				entry.Detail = "no such login"
			}
			if err := d.DB.Audit(ctx, entry); err != nil {
				serverError(d, w, r, err)
				return
			}
			d.Logger.LogAttrs(ctx, slog.LevelInfo, "staff sign-in refused: wrong email or password")
			form.Error = "That email and password do not match a staff login."
			s.render(d, w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Data: form})
			return
		} else if err != nil {
			serverError(d, w, r, err)
			return
		}

		if err := d.DB.LoginSucceeded(ctx, email, count.AttemptID); err != nil {
			serverError(d, w, r, err)
			return
		}
		// A new token at sign-in: a session ID planted before it is worthless.
		if err := s.sessions.RenewToken(ctx); err != nil {
			serverError(d, w, r, err)
			return
		}
		s.sessions.Put(ctx, sessionKey, staff.ID)
		s.sessions.Put(ctx, seenKey, now.Unix())
		if err := d.DB.Audit(ctx, store.Actor{StaffID: staff.ID, ClientAddr: s.clientAddr(r)}.Entry(store.AuditLogin, "", string(staff.Role))); err != nil {
			serverError(d, w, r, err)
			return
		}
		d.Logger.LogAttrs(ctx, slog.LevelInfo, "staff signed in", slog.Int64("staff_id", staff.ID))
		http.Redirect(w, r, form.Next, http.StatusSeeOther)
	}
}

// handleLogout ends the session, here and in the store.
func handleLogout(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := d.DB.Audit(ctx, s.actor(r).Entry(store.AuditLogout, "", "")); err != nil {
			serverError(d, w, r, err)
			return
		}
		if err := s.sessions.Destroy(ctx); err != nil {
			serverError(d, w, r, err)
			return
		}
		logStaff(d, r, "staff signed out")
		http.Redirect(w, r, "/staff/login?signed_out=1", http.StatusSeeOther)
	}
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
