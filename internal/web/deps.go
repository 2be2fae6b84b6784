package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"textsupport/internal/inbound"
	"textsupport/internal/store"
)

// Deps are what the handlers need. Optional parts are nil when a mode does
// not use them.
type Deps struct {
	Logger    *slog.Logger
	DB        *store.DB
	Inbound   *inbound.Service
	AuthToken string   // Twilio auth token: checks webhook signatures
	PublicURL *url.URL // as Twilio reaches the service

	// Status records delivery status callbacks.
	Status StatusRecorder
	// Metrics serves /metrics.
	Metrics http.Handler
	// DevPhone is the phone simulator, served under /dev in dev mode only.
	DevPhone http.Handler
	// Staff is the staff side: logins, sessions, the dashboard.
	Staff *StaffDeps
	// Signup is the public web sign-up.
	Signup *SignupDeps
}

// StatusRecorder records one delivery status callback: Twilio's report of
// what became of a message it sent (errorCode 0: none).
type StatusRecorder interface {
	RecordStatus(ctx context.Context, messageSID, status string, errorCode int) error
}
