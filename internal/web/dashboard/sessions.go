package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/alexedwards/scs/v2"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// Session lifetimes: signed out after 30 minutes idle, and after 12 hours
// whatever happens. The idle time is kept in the session and refreshed at
// most once a minute, so that most page views write nothing (scs's own
// IdleTimeout would rewrite the session on every request).
const (
	sessionIdle     = 30 * time.Minute
	sessionLifetime = 12 * time.Hour
	sessionTouch    = time.Minute
	sessionKey      = "staff_id"
	seenKey         = "seen"
	flashKey        = "flash"
	// The sign-in halfway: password right, code not yet given.
	codeStaffKey = "code_staff_id"
	codeEmailKey = "code_email"
	codeNextKey  = "code_next"
	codeAtKey    = "code_at"
	// The TOTP secret being enrolled, sealed.
	enrolKey = "mfa_enrol"
)

// codeWait is how long the code page waits for the code after the password.
const codeWait = 5 * time.Minute

// Sessions are the staff's signed-in sessions: who is signed in, since when
// they were last seen, and the one-line result kept for the next page.
type Sessions struct {
	sm  *scs.SessionManager
	db  *store.DB
	now func() time.Time
	// requireMFA is who must enrol a second factor before anything else.
	requireMFA string
}

func newSessions(db *store.DB, cfg Config) *Sessions {
	sm := scs.New()
	sm.Store = cfg.SessionStore
	sm.Lifetime = sessionLifetime
	sm.HashTokenInStore = true // a copy of the table holds no usable session
	sm.Cookie.Name = "textsupport_staff"
	if cfg.SecureCookies {
		sm.Cookie.Name = "__Host-textsupport_staff" // Secure, Path=/, no Domain: the browser enforces it
	}
	sm.Cookie.HttpOnly, sm.Cookie.Secure = true, cfg.SecureCookies
	sm.Cookie.SameSite, sm.Cookie.Path = http.SameSiteLaxMode, "/"
	sm.Cookie.Persist = false // gone when the browser closes
	// A session store failure is logged like any other, as a generic 500.
	logger := cfg.Logger
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { httpx.ServerError(logger, w, r, err) }
	return &Sessions{sm: sm, db: db, now: cfg.Now, requireMFA: cfg.RequireMFA}
}

// LoadAndSave loads the request's session and saves it after.
func (s *Sessions) LoadAndSave(next http.Handler) http.Handler { return s.sm.LoadAndSave(next) }

type staffCtxKey struct{}

// staffFrom returns the signed-in staff member RequireStaff found.
func staffFrom(ctx context.Context) *store.Staff {
	s, _ := ctx.Value(staffCtxKey{}).(*store.Staff)
	return s
}

// RequireStaff lets a request through only with a session of an enabled
// login; otherwise it sends the browser to the sign-in form, to come back
// after.
func RequireStaff(logger *slog.Logger, s *Sessions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			staff, err := s.sessionStaff(r.Context())
			if err != nil {
				httpx.ServerError(logger, w, r, err)
				return
			}
			if staff != nil && s.mustEnrol(staff) && r.URL.Path != mfaPath && r.URL.Path != "/staff/logout" {
				http.Redirect(w, r, mfaPath, http.StatusSeeOther)
				return
			}
			if staff == nil {
				to := "/staff/login"
				if r.Method == http.MethodGet && r.URL.Path != "/staff/" && r.URL.Path != "/staff" {
					to += "?next=" + url.QueryEscape(r.URL.RequestURI())
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), staffCtxKey{}, staff)))
		})
	}
}

// RequireStaffPolling is RequireStaff for what a page's script fetches on
// its own (the live inbox): it does not count as activity, so a page left
// open still signs out when idle, and without a session it answers 401 for
// the script to reload the page into the sign-in form.
func RequireStaffPolling(logger *slog.Logger, s *Sessions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			staff, err := s.staffOf(r.Context())
			if err != nil {
				httpx.ServerError(logger, w, r, err)
				return
			}
			if staff == nil || s.mustEnrol(staff) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), staffCtxKey{}, staff)))
		})
	}
}

// mustEnrol says the login must enrol a second factor before anything else.
func (s *Sessions) mustEnrol(staff *store.Staff) bool {
	if staff.MFAEnrolled {
		return false
	}
	return s.requireMFA == MFAEveryone || (s.requireMFA == MFAAdmins && staff.IsAdmin())
}

// awaitCode keeps, under a new token, who gave the right password, for the
// code page.
func (s *Sessions) awaitCode(ctx context.Context, staffID int64, email, next string, now time.Time) error {
	if err := s.sm.RenewToken(ctx); err != nil {
		return err
	}
	s.sm.Put(ctx, codeStaffKey, staffID)
	s.sm.Put(ctx, codeEmailKey, email)
	s.sm.Put(ctx, codeNextKey, next)
	s.sm.Put(ctx, codeAtKey, now.Unix())
	return nil
}

// awaitingCode returns who gave the right password within codeWait, 0 for
// nobody.
func (s *Sessions) awaitingCode(ctx context.Context) (staffID int64, email, next string) {
	id := s.sm.GetInt64(ctx, codeStaffKey)
	if id == 0 || s.now().Sub(time.Unix(s.sm.GetInt64(ctx, codeAtKey), 0)) > codeWait {
		return 0, "", ""
	}
	return id, s.sm.GetString(ctx, codeEmailKey), s.sm.GetString(ctx, codeNextKey)
}

// codeDone forgets the sign-in halfway.
func (s *Sessions) codeDone(ctx context.Context) {
	for _, k := range []string{codeStaffKey, codeEmailKey, codeNextKey, codeAtKey} {
		s.sm.Remove(ctx, k)
	}
}

// sessionStaff returns the login of the request's session, nil when there
// is none, it has been idle too long, or the login has since been disabled
// (the session then ends).
func (s *Sessions) sessionStaff(ctx context.Context) (*store.Staff, error) {
	staff, err := s.staffOf(ctx)
	if staff == nil || err != nil {
		if err == nil && s.sm.Exists(ctx, sessionKey) {
			err = s.sm.Destroy(ctx)
		}
		return nil, err
	}
	if now := s.now(); now.Sub(s.seen(ctx)) >= sessionTouch {
		s.sm.Put(ctx, seenKey, now.Unix())
	}
	return staff, nil
}

// seen is when the session was last used (to the minute); Unix seconds,
// which the session's gob encoding takes without registering a type.
func (s *Sessions) seen(ctx context.Context) time.Time {
	return time.Unix(s.sm.GetInt64(ctx, seenKey), 0)
}

// staffOf reads the session in ctx, without changing it.
func (s *Sessions) staffOf(ctx context.Context) (*store.Staff, error) {
	id := s.sm.GetInt64(ctx, sessionKey)
	if id == 0 || s.now().Sub(s.seen(ctx)) > sessionIdle {
		return nil, nil
	}
	staff, err := s.db.FindStaff(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return staff, err
}

// start signs staffID in, under a new token: a session ID planted before
// sign-in is worthless.
func (s *Sessions) start(ctx context.Context, staffID int64, now time.Time) error {
	if err := s.sm.RenewToken(ctx); err != nil {
		return err
	}
	s.sm.Put(ctx, sessionKey, staffID)
	s.sm.Put(ctx, seenKey, now.Unix())
	return nil
}

// end ends the session, here and in the store.
func (s *Sessions) end(ctx context.Context) error { return s.sm.Destroy(ctx) }

// flash keeps a one-line result for the next page (after a redirect).
func (s *Sessions) flash(ctx context.Context, msg string) { s.sm.Put(ctx, flashKey, msg) }

// popFlash takes the result kept for this page, "" for none.
func (s *Sessions) popFlash(ctx context.Context) string { return s.sm.PopString(ctx, flashKey) }

// staffOfCookie finds the signed-in login of a request that did not pass
// through the session middleware (the API), without touching the session.
func (s *Sessions) staffOfCookie(r *http.Request) (*store.Staff, error) {
	c, err := r.Cookie(s.sm.Cookie.Name)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ctx, err := s.sm.Load(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return s.staffOf(ctx)
}

// logStaff logs what staff did by IDs only.
func logStaff(logger *slog.Logger, r *http.Request, msg string, attrs ...slog.Attr) {
	if st := staffFrom(r.Context()); st != nil {
		attrs = append(attrs, slog.Int64("staff_id", st.ID))
	}
	logger.LogAttrs(r.Context(), slog.LevelInfo, msg, attrs...)
}
