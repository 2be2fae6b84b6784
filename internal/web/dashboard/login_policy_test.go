package dashboard

import (
	"testing"
	"time"

	"textsupport/internal/store"
)

func TestRefuseLogin(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	lim := LoginLimits{PerAccountClient: 5, PerClient: 20, Window: 15 * time.Minute}.withDefaults()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name        string
		count       store.LoginCount
		refused     bool
		limit       string
		minutes     int
		retryAfter  string
		message     string
		auditDetail string
	}{
		{name: "within both limits", count: store.LoginCount{Pair: 5, Client: 20, PairOldest: ago(time.Minute), ClientOldest: ago(time.Minute)}},
		{
			name:  "failures on the account from everywhere else refuse nobody",
			count: store.LoginCount{Pair: 1, Client: 1, Account: 500, PairOldest: now, ClientOldest: now},
		},
		{
			name:    "one too many on the account from this client: until its oldest failure leaves the window",
			count:   store.LoginCount{Pair: 6, Client: 6, Account: 6, PairOldest: ago(5 * time.Minute), ClientOldest: ago(time.Minute)},
			refused: true, limit: "account from this client", minutes: 10, retryAfter: "600",
			message: "Too many sign-in attempts. Try again in 10 minutes.", auditDetail: "too many failures for this account from this client",
		},
		{
			name:    "too many from the client",
			count:   store.LoginCount{Pair: 1, Client: 21, PairOldest: ago(time.Minute), ClientOldest: ago(130 * time.Second)},
			refused: true, limit: "client", minutes: 13, retryAfter: "780",
			message: "Too many sign-in attempts. Try again in 13 minutes.", auditDetail: "too many failures for this client",
		},
		{
			name:    "both over: the client is named",
			count:   store.LoginCount{Pair: 9, Client: 30, PairOldest: ago(14 * time.Minute), ClientOldest: ago(2 * time.Minute)},
			refused: true, limit: "client", minutes: 13, retryAfter: "780",
			message: "Too many sign-in attempts. Try again in 13 minutes.", auditDetail: "too many failures for this client",
		},
		{
			name:    "the window all but over: still at least a minute",
			count:   store.LoginCount{Pair: 6, PairOldest: ago(15*time.Minute + time.Second)},
			refused: true, limit: "account from this client", minutes: 1, retryAfter: "60",
			message: "Too many sign-in attempts. Try again in 1 minute.", auditDetail: "too many failures for this account from this client",
		},
	}
	for _, tt := range tests {
		got, refused := refuseLogin(lim, tt.count, now)
		if refused != tt.refused {
			t.Errorf("%s: refuseLogin refused = %v, want %v", tt.name, refused, tt.refused)
			continue
		}
		if !refused {
			continue
		}
		if got.limit != tt.limit || got.minutes != tt.minutes {
			t.Errorf("%s: refuseLogin = %+v, want limit %q, %d minutes", tt.name, got, tt.limit, tt.minutes)
		}
		if got.retryAfter() != tt.retryAfter {
			t.Errorf("%s: retryAfter() = %q, want %q", tt.name, got.retryAfter(), tt.retryAfter)
		}
		if got.message() != tt.message {
			t.Errorf("%s: message() = %q, want %q", tt.name, got.message(), tt.message)
		}
		if got.auditDetail() != tt.auditDetail {
			t.Errorf("%s: auditDetail() = %q, want %q", tt.name, got.auditDetail(), tt.auditDetail)
		}
	}
}

// Failures on an account from everywhere slow its sign-ins down, more with
// each, never past MaxDelay; a browser that signed in before never waits.
func TestLoginDelay(t *testing.T) {
	t.Parallel()
	lim := LoginLimits{SlowAfter: 5, MaxDelay: 10 * time.Second}.withDefaults()
	tests := []struct {
		account int // this attempt included
		known   bool
		want    time.Duration
	}{
		{1, false, 0}, {5, false, 0}, {6, false, time.Second}, {7, false, 2 * time.Second}, {8, false, 4 * time.Second},
		{9, false, 8 * time.Second}, {10, false, 10 * time.Second}, {500, false, 10 * time.Second},
		{500, true, 0},
	}
	for _, tt := range tests {
		if got := loginDelay(lim, store.LoginCount{Account: tt.account}, tt.known); got != tt.want {
			t.Errorf("loginDelay(%d on the account, known device %v) = %s, want %s", tt.account, tt.known, got, tt.want)
		}
	}
}

func TestLoginFailedEntry(t *testing.T) {
	t.Parallel()
	e := loginFailedEntry(nil, "192.0.2.1")
	if e.Action != store.AuditLoginFailed || e.StaffID != nil || e.Detail != "no such login" || e.ClientAddr != "192.0.2.1" {
		t.Errorf("loginFailedEntry(no login) = %+v", e)
	}
	e = loginFailedEntry(&store.Staff{ID: 7}, "192.0.2.1")
	if e.StaffID == nil || *e.StaffID != 7 || e.Detail != "" {
		t.Errorf("loginFailedEntry(login 7) = %+v, want its ID and no detail", e)
	}
}
