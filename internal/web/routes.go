// Package web is the service's HTTP side: Twilio's webhooks (package
// twiliohook), the public sign-up form (signuppage), the staff pages and
// the API (dashboard). Every route is on this page.
package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"textsupport/internal/web/dashboard"
	"textsupport/internal/web/signuppage"
	"textsupport/internal/web/twiliohook"
)

// NewServer returns the service's HTTP handler.
func NewServer(d *Deps) http.Handler {
	logger, db := d.Logger, d.DB
	r := chi.NewRouter()
	// Cross-origin form posts from browsers are refused everywhere; Twilio's
	// webhooks come from no browser and carry no Origin, so they pass.
	r.Use(recoverer(logger), requestLog(logger), http.NewCrossOriginProtection().Handler)
	if d.AllowedHosts != nil {
		r.Use(onlyHosts(d.AllowedHosts))
	}
	if d.PublicURL != nil && d.PublicURL.Scheme == "https" {
		r.Use(strictTransport)
	}

	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(db))

	r.Group(func(r chi.Router) {
		r.Use(twiliohook.Signed(d.AuthToken, d.PublicURL))
		r.Post("/twilio/sms", twiliohook.HandleInbound(logger, d.Inbound))
		if d.Status != nil {
			r.Post("/twilio/status", twiliohook.HandleStatus(logger, d.Status))
		}
	})

	// The API takes a token, or a staff session when there is a staff side.
	var sessions *dashboard.Sessions
	now, steps := time.Now, 0
	if st := d.Staff; st != nil {
		sessions, now, steps = st.Sessions, st.Now, len(st.Steps)
	}
	r.With(dashboard.APIAuth(logger, db, sessions)).Get("/api/v1/stats", dashboard.HandleStats(logger, db, now, steps))

	if s := d.Signup; s != nil {
		r.Get("/signup", signuppage.HandleForm(s.Pages))
		r.Post("/signup", signuppage.HandleSubmit(logger, s.Intake))
		r.Get("/signup/done", signuppage.HandleDone(s.Pages))
		// /terms and /privacy, and also where the program's terms_url and
		// privacy_url point when they are paths here.
		for _, p := range s.Pages.TermsPaths() {
			r.Get(p, signuppage.HandleTerms(s.Pages))
		}
		for _, p := range s.Pages.PrivacyPaths() {
			r.Get(p, signuppage.HandlePrivacy(s.Pages))
		}
	}

	if st := d.Staff; st != nil {
		// Every staff page but the sign-in form needs a session; the
		// conversations need the admin or responder role, the admin pages
		// the admin role.
		views, clients := st.Views, st.Clients
		r.Route("/staff", func(r chi.Router) {
			r.Use(dashboard.Headers(views), sessions.LoadAndSave)
			r.Get("/login", dashboard.HandleLoginForm(logger, views, sessions))
			r.Post("/login", dashboard.HandleLogin(logger, db, views, sessions, clients, st.SignIn))
			r.Get("/login/code", dashboard.HandleCodeForm(views, sessions))
			r.Post("/login/code", dashboard.HandleCode(logger, db, views, sessions, clients, st.SignIn))
			// The live inbox's refresh: not activity, so an open inbox
			// still signs out when idle.
			r.With(dashboard.RequireStaffPolling(logger, sessions)).Get("/conversations/live", dashboard.HandleInboxLive(logger, db, views, st.Now))
			r.Group(func(r chi.Router) {
				// With REQUIRE_MFA, a login without a second factor is sent
				// to /staff/mfa before anything else.
				r.Use(dashboard.RequireStaff(logger, sessions))
				r.Post("/logout", dashboard.HandleLogout(logger, db, sessions, clients))
				r.Get("/mfa", dashboard.HandleMFAForm(logger, db, views, sessions, st.SignIn))
				r.Post("/mfa", dashboard.HandleMFAEnrol(logger, db, views, sessions, clients, st.SignIn))
				r.Get("/", dashboard.HandleOverview(logger, db, views, st.Now, st.Steps))
				// Viewers see how many conversations wait and for how long;
				// admins and responders read and answer them.
				r.Get("/conversations", dashboard.HandleInbox(logger, db, views, st.Now))
				r.Get("/alerts", dashboard.HandleAlertsMoved())
				r.Get("/alerts/{id}", dashboard.HandleAlertsMoved())
				r.Group(func(r chi.Router) {
					r.Use(dashboard.RequireResponder(views))
					r.Get("/conversations/{id}", dashboard.HandleThread(logger, db, views, clients, st.Vault, st.CannedReplies))
					r.Post("/conversations/{id}/reply", dashboard.HandleReply(logger, db, views, sessions, clients, st.Vault, st.CannedReplies, st.Conversations))
					r.Post("/conversations/{id}/assign", dashboard.HandleAssign(logger, db, views, sessions, clients))
					r.Post("/conversations/{id}/close", dashboard.HandleClose(logger, views, sessions, clients, st.Conversations))
					r.Post("/conversations/{id}/misread", dashboard.HandleMisread(logger, db, views, sessions, clients))
					r.Post("/conversations/{id}/reveal", dashboard.HandleReveal(logger, db, views, clients, st.Vault, st.CannedReplies, st.Now))
				})
				r.Group(func(r chi.Router) {
					r.Use(dashboard.RequireAdmin(views))
					r.Get("/opt-out", dashboard.HandleOptOutForm(views))
					r.Post("/opt-out", dashboard.HandleOptOut(logger, db, views, sessions, clients, st.Vault, st.Regions, st.Transition))
					r.Get("/export.csv", dashboard.HandleExport(logger, db, views, clients, st.Now))
					r.Get("/tokens", dashboard.HandleTokens(logger, db, views))
					r.Post("/tokens/{id}/revoke", dashboard.HandleRevokeToken(logger, db, views, sessions, clients))
					r.Get("/audit", dashboard.HandleAudit(logger, db, views))
				})
			})
			r.NotFound(dashboard.HandleNotFound(views))
		})
	}

	if d.Metrics != nil {
		// The figures (crisis messages, opt-outs, sign-ups) are for
		// operators only: a token with the metrics scope, never a session.
		r.With(dashboard.MetricsAuth(logger, db)).Handle("/metrics", d.Metrics)
	}
	if d.DevPhone != nil {
		r.Mount("/dev", d.DevPhone)
	}
	return r
}
