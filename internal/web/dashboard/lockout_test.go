package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"testing"
	"time"

	"textsupport/internal/web/dashboard"
)

// behindProxy makes the test server's loopback a trusted proxy, so each
// request can come from the address it forwards; held records the delays
// sign-in attempts were held for, instead of waiting them.
func behindProxy(held *heldFor) staffOption {
	return func(c *dashboard.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.Sleep = held.record
	}
}

type heldFor struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (h *heldFor) record(_ context.Context, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delays = append(h.delays, d)
}

func (h *heldFor) take() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.delays
	h.delays = nil
	return d
}

func (br *browser) loginFrom(addr, email, password string) staffAnswer {
	br.t.Helper()
	return br.post("/staff/login", url.Values{"email": {email}, "password": {password}}, "X-Forwarded-For", addr)
}

// Strangers cannot keep staff out: failures from one address refuse that
// address only, refused attempts do not count, and a flood is audited once
// per address and window.
func TestLoginStrangersCannotLockOut(t *testing.T) {
	t.Parallel()
	var held heldFor
	b := setupStaff(t, behindProxy(&held))
	now := time.Now()
	b.setNow(now)
	for i := range 5 {
		if a := b.browser(t).loginFrom("198.51.100.1", staffAdminEmail, fmt.Sprint("wrong ", i)); a.code != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d, want 401", i+1, a.code)
		}
	}
	if a := b.browser(t).loginFrom("198.51.100.1", staffAdminEmail, staffPassword); a.code != http.StatusTooManyRequests {
		t.Fatalf("6th attempt from the same address = %d, want 429", a.code)
	}
	if a := b.browser(t).loginFrom("198.51.100.2", staffAdminEmail, staffPassword); a.code != http.StatusSeeOther {
		t.Fatalf("the right password from another address = %d, want 303", a.code)
	}

	// Attempts refused are not counted: one every few minutes does not
	// keep the window open.
	for i := range 5 {
		if a := b.browser(t).loginFrom("203.0.113.9", staffViewerEmail, fmt.Sprint("guess ", i)); a.code != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d, want 401", i+1, a.code)
		}
	}
	b.setNow(now.Add(10 * time.Minute))
	for range 30 {
		if a := b.browser(t).loginFrom("203.0.113.9", staffViewerEmail, "guess again"); a.code != http.StatusTooManyRequests {
			t.Fatalf("a guess within the window = %d, want 429", a.code)
		}
	}
	b.setNow(now.Add(15*time.Minute + time.Second))
	if a := b.browser(t).loginFrom("203.0.113.9", staffViewerEmail, staffPassword); a.code != http.StatusSeeOther {
		t.Errorf("after the window, the right password = %d, want 303 (the refused attempts must not count)", a.code)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'login_limited'`); n != 2 {
		t.Errorf("refusals in the audit log = %d, want 2: one per address and window", n)
	}
}

// Failures on an account from everywhere slow its sign-ins down, more with
// each, but never refuse the right password; a browser that signed in
// before is not held back, even from an address that failed.
func TestLoginSlowsAnAccountUnderAttack(t *testing.T) {
	t.Parallel()
	var held heldFor
	b := setupStaff(t, behindProxy(&held))
	known := b.browser(t)
	if a := known.loginFrom("192.0.2.10", staffAdminEmail, staffPassword); a.code != http.StatusSeeOther {
		t.Fatalf("first sign-in = %d", a.code)
	}
	known.post("/staff/logout", nil, "X-Forwarded-For", "192.0.2.10")

	// Others fail on the account: five times from the known browser's own
	// address (a shared network), then from many.
	for i := range 5 {
		b.browser(t).loginFrom("192.0.2.10", staffAdminEmail, fmt.Sprint("wrong ", i))
	}
	for i := range 3 {
		b.browser(t).loginFrom(fmt.Sprintf("198.51.100.%d", 20+i), staffAdminEmail, "wrong")
	}
	if got, want := fmt.Sprint(held.take()), fmt.Sprint([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}); got != want {
		t.Errorf("attempts held for %s, want %s", got, want)
	}
	if a := b.browser(t).loginFrom("198.51.100.30", staffAdminEmail, staffPassword); a.code != http.StatusSeeOther {
		t.Errorf("the right password from a new address = %d, want 303, slowed down", a.code)
	}
	if got := fmt.Sprint(held.take()); got != fmt.Sprint([]time.Duration{8 * time.Second}) {
		t.Errorf("the right password was held for %s, want 8s", got)
	}
	if a := known.loginFrom("192.0.2.10", staffAdminEmail, staffPassword); a.code != http.StatusSeeOther {
		t.Errorf("the browser that signed in before, from the address that failed = %d, want 303", a.code)
	}
	if got := held.take(); len(got) != 0 {
		t.Errorf("the browser that signed in before was held for %s", got)
	}
}
