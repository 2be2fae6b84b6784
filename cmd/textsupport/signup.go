package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"textsupport/internal/config"
	"textsupport/internal/metrics"
	"textsupport/internal/sending"
	"textsupport/internal/signup"
	"textsupport/internal/vault"
	"textsupport/internal/web/httpx"
	"textsupport/internal/web/signuppage"
)

// signupSettings are the web sign-up's settings: its abuse limits
// (SIGNUP_LIMIT_*, SIGNUP_NUMBER_WINDOW, SIGNUP_EXPIRE_AFTER) and the
// reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES).
type signupSettings struct {
	limits         signup.Limits
	trustedProxies []netip.Prefix
}

// loadSignupSettings reads them through getenv and reports every problem.
func loadSignupSettings(getenv func(string) string) (signupSettings, error) {
	var s signupSettings
	limits, errs := signup.LimitsFromEnv(getenv)
	s.limits = limits
	proxies, err := httpx.ParseTrustedProxies(getenv("TRUSTED_PROXIES"))
	if err != nil {
		errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %w", err))
	}
	s.trustedProxies = proxies
	return s, errors.Join(errs...)
}

// loadConfig reads every setting, the service's and the sign-up's, and
// names every problem in one error.
func loadConfig(getenv func(string) string, mode config.Mode) (*config.Config, signupSettings, error) {
	cfg, err := config.Load(getenv, mode)
	signupCfg, serr := loadSignupSettings(getenv)
	switch {
	case err != nil && serr != nil:
		// config.Load's error already says "configuration:".
		return nil, signupCfg, errors.Join(err, serr)
	case serr != nil:
		return nil, signupCfg, fmt.Errorf("configuration: %w", serr)
	case err != nil:
		return nil, signupCfg, err
	}
	return cfg, signupCfg, nil
}

// signupMaintenance is the web sign-up's periodic work, for
// sending.Config.Maintenance: expiring pending sign-ups nobody answered,
// and dropping limit windows that have ended.
func signupMaintenance(a app, v *vault.Vault) ([]sending.Maintenance, error) {
	settings := a.signup
	svc, err := signup.New(signup.Config{DB: a.db, Vault: v, Limits: settings.limits, Logger: a.logger})
	if err != nil {
		return nil, err
	}
	return []sending.Maintenance{
		{Name: "signup_expire", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			_, err := svc.ExpirePending(ctx)
			return err
		}},
		{Name: "signup_limits_prune", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := svc.PruneLimits(ctx)
			return err
		}},
	}, nil
}

// signupDeps builds the public sign-up form (GET/POST /signup, /terms,
// /privacy) on the sender that sends its YES requests.
func signupDeps(ctx context.Context, a app, v *vault.Vault, sender *sending.Sender, m *metrics.Metrics) (*signuppage.Site, error) {
	settings := a.signup
	svc, err := signup.New(signup.Config{
		DB: a.db, Vault: v, Limits: settings.limits, Logger: a.logger,
		RequestConfirmation: sender.RequestConfirmation,
	})
	if err != nil {
		return nil, err
	}
	number := a.cfg.TwilioFrom
	if number == "" && a.devPhone != nil {
		number = devNumber
	}
	return signuppage.New(ctx, signuppage.Config{
		Service: svc, Program: a.program, Logger: a.logger,
		AllowedRegions: a.cfg.AllowedCountries, TrustedProxies: settings.trustedProxies,
		ServiceNumber: strings.TrimSpace(number), PublicURL: a.cfg.PublicURL, Metrics: m,
	})
}
