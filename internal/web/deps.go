package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"textsupport/internal/inbound"
	"textsupport/internal/store"
	"textsupport/internal/web/dashboard"
	"textsupport/internal/web/signuppage"
	"textsupport/internal/web/twiliohook"
)

// Deps are what NewServer wires into the routes; each handler is given
// only the parts it needs. Optional parts are nil when a mode does not use
// them.
type Deps struct {
	Logger    *slog.Logger
	DB        *store.DB
	Inbound   *inbound.Service
	AuthToken string   // Twilio auth token: checks webhook signatures
	PublicURL *url.URL // as Twilio reaches the service

	// Status records delivery status callbacks.
	Status twiliohook.StatusRecorder
	// Metrics serves /metrics.
	Metrics http.Handler
	// AllowedHosts, when set, are the only Host headers answered; any
	// other gets 403 (dev: see LocalHosts).
	AllowedHosts []string
	// DevPhone is the phone simulator, served under /dev in dev mode only.
	DevPhone http.Handler
	// Staff is the staff side: logins, sessions, the dashboard.
	Staff *dashboard.Dashboard
	// Signup is the public web sign-up.
	Signup *signuppage.Site
}
