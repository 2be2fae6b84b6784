package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/templates"
)

// StaffConfig is what the staff side needs from the command that runs it.
type StaffConfig struct {
	// Vault decrypts alert bodies and makes the lookup hash of a number
	// typed on the opt-out form.
	Vault *vault.Vault
	// Transition is the one way a subscriber's state changes
	// ((*sending.Sender).Transition): an opt-out made by staff writes the
	// state and its ledger row and cancels whatever was scheduled.
	Transition func(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error
	// SecureCookies marks the session cookie Secure (PUBLIC_URL is https).
	SecureCookies bool
	// Steps describe the programme's sequence steps, in order ("right after
	// opt-in", "after 3 days", …), for the step reach table.
	Steps []string
	// Regions are the countries whose numbers the opt-out form accepts
	// (nil: phone.DefaultRegions).
	Regions []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed for the client address (TRUSTED_PROXIES); none: the peer's.
	TrustedProxies []netip.Prefix
	// TimeZone shows times of day (alerts, audit log); nil is UTC. Daily
	// figures are always UTC days.
	TimeZone *time.Location
	// Limits on failed sign-ins; zero fields take the defaults.
	Limits LoginLimits
	// SessionStore keeps sessions; nil is Postgres (the sessions table),
	// shared by every replica. Expired rows are removed by
	// store.DeleteExpiredLogins, run as periodic maintenance.
	SessionStore scs.Store
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// LoginLimits bound failed sign-ins. Attempts are counted before the
// password is checked, so a burst sent at once cannot exceed them.
type LoginLimits struct {
	PerAccount int           // attempts per email per Window (default 5)
	PerClient  int           // attempts per client address per Window (default 20)
	Window     time.Duration // default 15 minutes
}

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
)

// StaffDeps are what the staff pages need; NewStaff makes them.
type StaffDeps struct {
	cfg      StaffConfig
	db       *store.DB
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	csp      string
}

// NewStaff checks the configuration and parses the staff pages, so that a
// broken template stops start-up rather than a request.
func NewStaff(db *store.DB, cfg StaffConfig) (*StaffDeps, error) {
	if cfg.Vault == nil || cfg.Transition == nil {
		return nil, errors.New("staff: Vault and Transition are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	if cfg.Limits.PerAccount <= 0 {
		cfg.Limits.PerAccount = 5
	}
	if cfg.Limits.PerClient <= 0 {
		cfg.Limits.PerClient = 20
	}
	if cfg.Limits.Window <= 0 {
		cfg.Limits.Window = 15 * time.Minute
	}
	if cfg.SessionStore == nil {
		// No cleanup goroutine: expired sessions are found by the store's
		// own expiry check and deleted by periodic maintenance.
		cfg.SessionStore = pgxstore.NewWithCleanupInterval(db.Pool, 0)
	}
	s := &StaffDeps{cfg: cfg, db: db}

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
	s.sessions = sm

	if err := s.parsePages(); err != nil {
		return nil, fmt.Errorf("staff pages: %w", err)
	}
	return s, nil
}

// parsePages parses each staff_*.html page with the shared layout.
func (s *StaffDeps) parsePages() error {
	base, err := template.New("staff").Funcs(templateFuncs(s.cfg.TimeZone, s.cfg.Now)).ParseFS(templates.FS, "staff_layout.html", "staff_chart.html")
	if err != nil {
		return err
	}
	var css bytes.Buffer
	probe, err := base.Clone() // a template that has run cannot be cloned
	if err != nil {
		return err
	}
	if err := probe.ExecuteTemplate(&css, "css", nil); err != nil {
		return err
	}
	sum := sha256.Sum256(css.Bytes())
	// No script at all; the one style element is allowed by its hash.
	s.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

	names, err := fs.Glob(templates.FS, "staff_*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, name := range names {
		if name == "staff_layout.html" || name == "staff_chart.html" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(templates.FS, name); err != nil {
			return err
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(name, "staff_"), ".html")] = t
	}
	for _, want := range []string{"login", "overview", "alerts", "alert", "optout", "tokens", "audit", "error"} {
		if s.pages[want] == nil {
			return fmt.Errorf("staff_%s.html is missing", want)
		}
	}
	return nil
}

// staffRoutes mounts the staff pages. Every page but the sign-in form needs
// a session; the admin pages need the admin role.
func staffRoutes(r chi.Router, d *Deps) {
	s := d.Staff
	// A session store failure is logged like any other, as a generic 500.
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { serverError(d, w, r, err) }
	r.Route("/staff", func(r chi.Router) {
		r.Use(staffHeaders(s), s.sessions.LoadAndSave)
		r.Get("/login", handleLoginForm(d))
		r.Post("/login", handleLogin(d))
		r.Group(func(r chi.Router) {
			r.Use(requireStaff(d))
			r.Post("/logout", handleLogout(d))
			r.Get("/", handleOverview(d))
			r.Get("/alerts", handleAlerts(d))
			r.Group(func(r chi.Router) {
				r.Use(requireAdmin(d))
				r.Get("/alerts/{id}", handleAlert(d))
				r.Post("/alerts/{id}/handled", handleAlertHandled(d))
				r.Get("/opt-out", handleOptOutForm(d))
				r.Post("/opt-out", handleOptOut(d))
				r.Get("/export.csv", handleExport(d))
				r.Get("/tokens", handleTokens(d))
				r.Post("/tokens/{id}/revoke", handleRevokeToken(d))
				r.Get("/audit", handleAudit(d))
			})
		})
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			s.renderError(d, w, r, http.StatusNotFound, "There is no such page.")
		})
	})
}

// staffHeaders keeps staff pages out of caches and frames, and allows no
// script and nothing from elsewhere.
func staffHeaders(s *StaffDeps) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", "no-store")
			h.Set("Content-Security-Policy", s.csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

type staffCtxKey struct{}

// staffFrom returns the signed-in staff member requireStaff found.
func staffFrom(ctx context.Context) *store.Staff {
	s, _ := ctx.Value(staffCtxKey{}).(*store.Staff)
	return s
}

// requireStaff lets a request through only with a session of an enabled
// login; otherwise it sends the browser to the sign-in form, to come back
// after.
func requireStaff(d *Deps) func(http.Handler) http.Handler {
	s := d.Staff
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			staff, err := s.sessionStaff(r.Context())
			if err != nil {
				serverError(d, w, r, err)
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

// sessionStaff returns the login of the request's session, nil when there
// is none, it has been idle too long, or the login has since been disabled
// (the session then ends).
func (s *StaffDeps) sessionStaff(ctx context.Context) (*store.Staff, error) {
	staff, err := s.staffOf(ctx)
	if staff == nil || err != nil {
		if err == nil && s.sessions.Exists(ctx, sessionKey) {
			err = s.sessions.Destroy(ctx)
		}
		return nil, err
	}
	if now := s.cfg.Now(); now.Sub(s.seen(ctx)) >= sessionTouch {
		s.sessions.Put(ctx, seenKey, now.Unix())
	}
	return staff, nil
}

// seen is when the session was last used (to the minute); Unix seconds,
// which the session's gob encoding takes without registering a type.
func (s *StaffDeps) seen(ctx context.Context) time.Time {
	return time.Unix(s.sessions.GetInt64(ctx, seenKey), 0)
}

// staffOf reads the session in ctx, without changing it.
func (s *StaffDeps) staffOf(ctx context.Context) (*store.Staff, error) {
	id := s.sessions.GetInt64(ctx, sessionKey)
	if id == 0 || s.cfg.Now().Sub(s.seen(ctx)) > sessionIdle {
		return nil, nil
	}
	staff, err := s.db.FindStaff(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return staff, err
}

// requireAdmin refuses (403) what only admins may see or do.
func requireAdmin(d *Deps) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !staffFrom(r.Context()).IsAdmin() {
				d.Staff.renderError(d, w, r, http.StatusForbidden, "Only admins can see this page. Ask an admin if you need something from it.")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clientAddr is the request's client address as the audit log records it:
// the connection's peer, or with TrustedProxies the address they forwarded
// (see clientAddress).
func (s *StaffDeps) clientAddr(r *http.Request) string {
	a := clientAddress(r, s.cfg.TrustedProxies)
	if !a.IsValid() {
		return r.RemoteAddr
	}
	return a.String()
}

// clientKey is the address sign-in attempts are counted by: an IPv6 client
// controls a whole /64, so it counts as one.
func (s *StaffDeps) clientKey(r *http.Request) string {
	a := clientAddress(r, s.cfg.TrustedProxies)
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return s.clientAddr(r)
}

func (s *StaffDeps) actor(r *http.Request) store.Actor {
	return store.Actor{StaffID: staffFrom(r.Context()).ID, ClientAddr: s.clientAddr(r)}
}

// page is what every staff page template gets.
type page struct {
	Title      string
	Nav        string // which nav entry is current
	Staff      *store.Staff
	OpenAlerts int64
	Flash      string
	Data       any
}

// render writes a page, executed in full before anything is sent so that
// a failure gives a clean error.
func (s *StaffDeps) render(d *Deps, w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	ctx := r.Context()
	p.Staff = staffFrom(ctx)
	if p.Staff != nil {
		if p.Flash == "" {
			p.Flash = s.sessions.PopString(ctx, flashKey)
		}
		counts, err := d.DB.OpenAlertCounts(ctx)
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		p.OpenAlerts = counts[store.AlertCrisis] + counts[store.AlertFreeText]
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		serverError(d, w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *StaffDeps) renderError(d *Deps, w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(d, w, r, status, "error", page{Title: http.StatusText(status), Data: message})
}

// flash keeps a one-line result for the next page (after a redirect).
func (s *StaffDeps) flash(ctx context.Context, msg string) { s.sessions.Put(ctx, flashKey, msg) }

// logStaff logs what staff did by IDs only.
func logStaff(d *Deps, r *http.Request, msg string, attrs ...slog.Attr) {
	if st := staffFrom(r.Context()); st != nil {
		attrs = append(attrs, slog.Int64("staff_id", st.ID))
	}
	d.Logger.LogAttrs(r.Context(), slog.LevelInfo, msg, attrs...)
}

// staffOfCookie finds the signed-in login of a request that did not pass
// through the session middleware (the API), without touching the session.
func (s *StaffDeps) staffOfCookie(r *http.Request) (*store.Staff, error) {
	c, err := r.Cookie(s.sessions.Cookie.Name)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ctx, err := s.sessions.Load(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return s.staffOf(ctx)
}
