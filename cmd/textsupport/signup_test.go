package main

import (
	"strings"
	"testing"
	"time"

	"textsupport/internal/signup"
)

// The sign-up settings: defaults, overrides, and every problem at once.
func TestSignupSettings(t *testing.T) {
	t.Parallel()
	s, err := loadSignupSettings(envFunc(nil))
	if err != nil || s.limits != signup.DefaultLimits() || len(s.trustedProxies) != 0 {
		t.Fatalf("no settings = %+v, %v; want the defaults", s, err)
	}
	s, err = loadSignupSettings(envFunc(map[string]string{"SIGNUP_LIMIT_PER_IP": "2/10m", "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}))
	if err != nil || s.limits.PerAddress != (signup.Limit{N: 2, Per: 10 * time.Minute}) || len(s.trustedProxies) != 2 {
		t.Fatalf("settings = %+v, %v", s, err)
	}
	_, err = loadSignupSettings(envFunc(map[string]string{"SIGNUP_LIMIT_GLOBAL": "many", "TRUSTED_PROXIES": "the load balancer"}))
	if err == nil || !strings.Contains(err.Error(), "SIGNUP_LIMIT_GLOBAL") || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Fatalf("bad settings = %v, want an error naming both", err)
	}
}
