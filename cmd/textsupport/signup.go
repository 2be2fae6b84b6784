package main

import (
	"context"
	"strings"
	"time"

	"textsupport/internal/config"
	"textsupport/internal/metrics"
	"textsupport/internal/sending"
	"textsupport/internal/signup"
	"textsupport/internal/vault"
	"textsupport/internal/web/signuppage"
)

// signupLimits are the sign-up's limits as configured (SIGNUP_LIMIT_*,
// SIGNUP_NUMBER_WINDOW, SIGNUP_EXPIRE_AFTER).
func signupLimits(c config.SignupLimits) signup.Limits {
	limit := func(r config.Rate) signup.Limit { return signup.Limit{N: r.N, Per: r.Per} }
	return signup.Limits{
		PostsPerAddress: limit(c.PostsPerIP),
		PerAddress:      limit(c.PerIP),
		PerPrefix:       limit(c.PerPrefix),
		Global:          limit(c.Global),
		NumberWindow:    c.NumberWindow,
		PerNumber:       limit(c.PerNumber),
		ExpireAfter:     c.ExpireAfter,
	}
}

// newSignups builds the web sign-up service, which changes states and
// sends YES requests through the sender.
func newSignups(a app, v *vault.Vault, sender *sending.Sender) (*signup.Service, error) {
	return signup.New(signup.Config{
		DB: a.db, Vault: v, Limits: signupLimits(a.cfg.Signup), Logger: a.logger,
		Subscriptions: sender,
	})
}

// signupMaintenance is the web sign-up's periodic work, for
// sending.Config.Maintenance: expiring pending sign-ups nobody answered,
// and dropping limit windows that have ended. The sender runs these tasks
// and the service changes states through the sender, so the tasks find
// the service when they run (after the sender starts).
func signupMaintenance(signups func() *signup.Service) []sending.Maintenance {
	return []sending.Maintenance{
		{Name: "signup_expire", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			_, err := signups().ExpirePending(ctx)
			return err
		}},
		{Name: "signup_limits_prune", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := signups().PruneLimits(ctx)
			return err
		}},
	}
}

// signupDeps builds the public sign-up form (GET/POST /signup, /terms,
// /privacy).
func signupDeps(ctx context.Context, a app, svc *signup.Service, m *metrics.Metrics) (*signuppage.Site, error) {
	number := a.cfg.TwilioFrom
	if number == "" && a.devPhone != nil {
		number = devNumber
	}
	return signuppage.New(ctx, signuppage.Config{
		Service: svc, Program: a.program, Logger: a.logger,
		AllowedRegions: a.cfg.AllowedCountries, TrustedProxies: a.cfg.TrustedProxies,
		ServiceNumber: strings.TrimSpace(number), PublicURL: a.cfg.PublicURL, Metrics: m,
	})
}
