package dashboard

import (
	"testing"
	"time"

	"textsupport/internal/store"
)

func TestRefuseLogin(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	lim := LoginLimits{PerAccount: 5, PerClient: 20, Window: 15 * time.Minute}
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
		{name: "within both limits", count: store.LoginCount{Account: 5, Client: 20, AccountOldest: ago(time.Minute), ClientOldest: ago(time.Minute)}},
		{
			name:    "one too many for the account: until its oldest attempt leaves the window",
			count:   store.LoginCount{Account: 6, Client: 6, AccountOldest: ago(5 * time.Minute), ClientOldest: ago(time.Minute)},
			refused: true, limit: "account", minutes: 10, retryAfter: "600",
			message: "Too many sign-in attempts. Try again in 10 minutes.", auditDetail: "too many attempts for this account",
		},
		{
			name:    "too many from the address",
			count:   store.LoginCount{Account: 1, Client: 21, AccountOldest: ago(time.Minute), ClientOldest: ago(130 * time.Second)},
			refused: true, limit: "client address", minutes: 13, retryAfter: "780",
			message: "Too many sign-in attempts. Try again in 13 minutes.", auditDetail: "too many attempts for this client address",
		},
		{
			name:    "both over: the address is named",
			count:   store.LoginCount{Account: 9, Client: 30, AccountOldest: ago(14 * time.Minute), ClientOldest: ago(2 * time.Minute)},
			refused: true, limit: "client address", minutes: 13, retryAfter: "780",
			message: "Too many sign-in attempts. Try again in 13 minutes.", auditDetail: "too many attempts for this client address",
		},
		{
			name:    "the window all but over: still at least a minute",
			count:   store.LoginCount{Account: 6, AccountOldest: ago(15*time.Minute + time.Second)},
			refused: true, limit: "account", minutes: 1, retryAfter: "60",
			message: "Too many sign-in attempts. Try again in 1 minute.", auditDetail: "too many attempts for this account",
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
