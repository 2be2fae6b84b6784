// Package web is the service's HTTP side: Twilio's webhooks, the public
// sign-up form, the staff pages and the API. Every route is on this page.
package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// NewServer returns the service's HTTP handler.
func NewServer(d *Deps) http.Handler {
	r := chi.NewRouter()
	// Cross-origin form posts from browsers are refused everywhere; Twilio's
	// webhooks come from no browser and carry no Origin, so they pass.
	r.Use(recoverer(d.Logger), requestLog(d.Logger), http.NewCrossOriginProtection().Handler)

	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(d))

	r.Group(func(r chi.Router) {
		r.Use(twilioSigned(d))
		r.Post("/twilio/sms", handleInbound(d))
		if d.Status != nil {
			r.Post("/twilio/status", handleStatus(d))
		}
	})

	r.With(apiAuth(d)).Get("/api/v1/stats", handleStats(d))

	if d.Signup != nil {
		signupRoutes(r, d)
	}
	if d.Staff != nil {
		staffRoutes(r, d)
	}
	if d.Metrics != nil {
		// The figures (crisis messages, opt-outs) are for operators only.
		r.With(apiAuth(d)).Handle("/metrics", d.Metrics)
	}
	if d.DevPhone != nil {
		r.Mount("/dev", d.DevPhone)
	}
	return r
}
