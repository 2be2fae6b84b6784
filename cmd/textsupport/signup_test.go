package main

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"textsupport/internal/config"
	"textsupport/internal/signup"
)

// The sign-up settings: defaults, overrides, and every problem at once.
func TestSignupSettings(t *testing.T) {
	t.Parallel()
	for _, mode := range []config.Mode{config.Dev, config.Serve} {
		cfg, err := config.Load(envFunc(requiredIn(mode)), mode)
		if err != nil || signupLimits(cfg.Signup) != signup.DefaultLimits() || len(cfg.TrustedProxies) != 0 {
			t.Fatalf("mode %d, no settings = %+v, %v; want the defaults", mode, cfg, err)
		}
	}
	cfg, err := config.Load(envFunc(map[string]string{"SIGNUP_LIMIT_PER_IP": "2/10m", "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}), config.Dev)
	if err != nil || signupLimits(cfg.Signup).PerAddress != (signup.Limit{N: 2, Per: 10 * time.Minute}) || len(cfg.TrustedProxies) != 2 {
		t.Fatalf("settings = %+v, %v", cfg, err)
	}
	_, err = config.Load(envFunc(map[string]string{"SIGNUP_LIMIT_GLOBAL": "many", "TRUSTED_PROXIES": "the load balancer"}), config.Dev)
	if err == nil || !strings.Contains(err.Error(), "SIGNUP_LIMIT_GLOBAL") || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Fatalf("bad settings = %v, want an error naming both", err)
	}
}

// requiredIn is the least environment mode starts with.
func requiredIn(mode config.Mode) map[string]string {
	if mode != config.Serve {
		return nil
	}
	return map[string]string{
		"DATABASE_URL":       "postgres://u@localhost/db",
		"TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
		"TWILIO_AUTH_TOKEN":  "secret-token-value",
		"TWILIO_FROM":        "+15005550006",
		"DATA_KEY":           base64.StdEncoding.EncodeToString(randomKey()),
	}
}
