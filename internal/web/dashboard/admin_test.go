package dashboard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// An admin opts a number out at its owner's request: the state, the
// ledger row (method staff, who, how), the cancelled sequence and the
// audit row; the number in no URL, log or page.
func TestStaffOptOut(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	ctx := context.Background()
	const number = "+12125550123"
	// An active subscriber with its first step scheduled, as a JOIN leaves it.
	subID := pgtest.NewSubscriber(t, b.db, b.vault, number, "", store.Active,
		store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, b.sender.Transition).ID
	if _, err := b.sender.ScheduleOwed(ctx); err != nil {
		t.Fatal(err)
	}
	pending := `SELECT count(*) FROM river_job WHERE kind = 'send_step' AND state IN ('available', 'scheduled', 'retryable', 'pending')`
	if n := b.count(t, pending); n != 1 {
		t.Fatalf("scheduled steps before = %d, want 1", n)
	}

	admin := b.signedIn(t, staffAdminEmail)
	if page := admin.get("/staff/opt-out"); page.code != 200 || !strings.Contains(page.body, `name="phone"`) {
		t.Fatalf("opt-out form = %d", page.code)
	}
	// Typed as a person would say it.
	a := admin.post("/staff/opt-out", url.Values{"phone": {"(212) 555-0123"}, "channel": {"email"}})
	if a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/opt-out" {
		t.Fatalf("opt-out = %d to %q", a.code, a.header.Get("Location"))
	}
	result := admin.get("/staff/opt-out")
	if !strings.Contains(result.body, "The number •••-•••-0123 is opted out (it was active). It will get no more messages.") {
		t.Errorf("the result is not shown:\n%s", result.body)
	}
	if st := b.state(t, number); st != store.Stopped {
		t.Fatalf("state = %s, want stopped", st)
	}
	events, err := pgtest.ConsentHistory(ctx, b.db, subID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if len(events) != 2 || last.Method != store.MethodStaff || last.StaffID == nil || *last.StaffID != b.admin.ID ||
		last.Reason != "request by email" || last.ToState != store.Stopped || *last.FromState != store.Active {
		t.Errorf("ledger = %+v", last)
	}
	if n := b.count(t, pending); n != 0 {
		t.Errorf("scheduled steps after = %d, want 0 (cancelled with the opt-out)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'opt_out' AND staff_id = $1 AND target = $2 AND detail = 'was active; number ending 0123; request by email'`,
		b.admin.ID, fmt.Sprintf("subscriber:%d", subID)); n != 1 {
		t.Errorf("opt-out audit rows = %d, want 1", n)
	}
	// The figures count it as an opt-out by staff.
	if n := b.count(t, `SELECT coalesce(sum(n), 0)::int FROM counter_sums WHERE name = 'opt_outs.staff'`); n != 1 {
		t.Errorf("opt_outs.staff = %d, want 1", n)
	}

	// Again: already stopped, nothing changes.
	admin.post("/staff/opt-out", url.Values{"phone": {"212.555.0123"}, "channel": {"phone"}})
	if page := admin.get("/staff/opt-out"); !strings.Contains(page.body, "The number •••-•••-0123 was already opted out. Nothing was changed.") {
		t.Errorf("the second opt-out does not say it was already done")
	}
	if n := b.count(t, `SELECT count(*) FROM consent_events WHERE subscriber_id = $1`, subID); n != 2 {
		t.Errorf("ledger rows = %d after a repeat, want 2", n)
	}

	// A number nobody subscribed: said plainly (staff may know), recorded.
	admin.post("/staff/opt-out", url.Values{"phone": {"+1 (312) 555-0188"}, "channel": {"in_person"}})
	if page := admin.get("/staff/opt-out"); !strings.Contains(page.body, "No subscriber has the number •••-•••-0188. Nothing was changed") {
		t.Errorf("an unknown number is not reported as such")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'opt_out_no_match' AND detail = 'number ending 0188; request in person' AND target = ''`); n != 1 {
		t.Errorf("no-match audit rows = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM subscribers`); n != 1 {
		t.Errorf("subscribers = %d: an opt-out of an unknown number must not create one", n)
	}

	logs := b.logs.String()
	if !strings.Contains(logs, "staff opt-out request handled") {
		t.Fatalf("no opt-out log lines captured; the check below would prove nothing")
	}
	for _, secret := range []string{"5550123", "555-0123", "5550188", "555-0188"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
		if strings.Contains(result.body, secret) {
			t.Errorf("the page echoes %q", secret)
		}
	}
}

// Bad input gets a clear answer and leaves nothing behind.
func TestStaffOptOutBadInput(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	b.seedPerson(t, "+12125550124", store.MethodKeyword, change{1, store.Active, store.MethodKeyword})
	admin := b.signedIn(t, staffAdminEmail)
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"empty", url.Values{"phone": {""}, "channel": {"phone"}}, "That is not a valid phone number."},
		{"letters", url.Values{"phone": {"call me"}, "channel": {"phone"}}, "That is not a valid phone number."},
		{"too short", url.Values{"phone": {"555-0124"}, "channel": {"phone"}}, "That is not a valid phone number."},
		{"another country", url.Values{"phone": {"+44 20 7946 0958"}, "channel": {"phone"}}, "only texts numbers from the United States and Canada"},
		{"no channel", url.Values{"phone": {"+12125550124"}}, "Say how the person asked to stop."},
		{"unknown channel", url.Values{"phone": {"+12125550124"}, "channel": {"pigeon"}}, "Say how the person asked to stop."},
	}
	for _, c := range cases {
		a := admin.post("/staff/opt-out", c.form)
		if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, c.want) {
			t.Errorf("%s: %d, want 422 saying %q", c.name, a.code, c.want)
		}
		if strings.Contains(a.body, "5550124") || strings.Contains(a.body, "7946") {
			t.Errorf("%s: the page echoes the number", c.name)
		}
	}
	if st := b.state(t, "+12125550124"); st != store.Active {
		t.Errorf("state = %s after refused input", st)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'opt_out%'`); n != 0 {
		t.Errorf("refused input left %d audit rows", n)
	}
	// A body too big is refused before it is read.
	big := url.Values{"phone": {strings.Repeat("1", 64<<10)}, "channel": {"phone"}}
	if a := admin.post("/staff/opt-out", big); a.code != http.StatusBadRequest {
		t.Errorf("a 64 KB form = %d, want 400", a.code)
	}
}

// If any part of an opt-out fails, none of it happens.
func TestStaffOptOutAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	id := b.seedPerson(t, "+12125550125", store.MethodKeyword, change{1, store.Active, store.MethodKeyword})
	// The state and ledger writes are made, then cancelling the sequence fails.
	failing := pgtest.Transition(func(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error {
		if err := b.sender.Transition(ctx, tx, sub, to, ev); err != nil {
			return err
		}
		return errors.New("queue unavailable")
	})
	b.transition.Store(&failing)
	admin := b.signedIn(t, staffAdminEmail)
	if a := admin.post("/staff/opt-out", url.Values{"phone": {"+12125550125"}, "channel": {"phone"}}); a.code != http.StatusInternalServerError {
		t.Fatalf("opt-out with the cancel hook failing = %d, want 500", a.code)
	}
	if st := b.state(t, "+12125550125"); st != store.Active {
		t.Errorf("state = %s, want active: nothing half-written", st)
	}
	if n := b.count(t, `SELECT count(*) FROM consent_events WHERE subscriber_id = $1`, id); n != 1 {
		t.Errorf("ledger rows = %d, want the 1 seeded", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'opt_out'`); n != 0 {
		t.Errorf("audit rows = %d, want 0", n)
	}
	if strings.Contains(b.logs.String(), "5550125") {
		t.Errorf("the failure's log line holds the number")
	}
}

// Admins list API tokens and revoke them; a revoked token stops working.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	ctx := context.Background()
	keep, _ := b.db.CreateAPIToken(ctx, "grafana")
	revoke, _ := b.db.CreateAPIToken(ctx, "old-report")
	tokens, _ := b.db.ListAPITokens(ctx)
	var revokeID int64
	for _, tk := range tokens {
		if tk.Name == "old-report" {
			revokeID = tk.ID
		}
	}
	api := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return b.browser(t).do(req).code
	}
	if api(revoke) != 200 {
		t.Fatal("the token does not work before it is revoked")
	}
	admin := b.signedIn(t, staffAdminEmail)
	page := admin.get("/staff/tokens")
	if !strings.Contains(page.body, "grafana") || !strings.Contains(page.body, "old-report") || strings.Contains(page.body, "tsk_") {
		t.Errorf("the token list should name both tokens and show neither")
	}
	a := admin.post(fmt.Sprintf("/staff/tokens/%d/revoke", revokeID), nil)
	if a.code != http.StatusSeeOther {
		t.Fatalf("revoke = %d", a.code)
	}
	if got := api(revoke); got != http.StatusUnauthorized {
		t.Errorf("the revoked token answers %d, want 401", got)
	}
	if got := api(keep); got != 200 {
		t.Errorf("the other token answers %d, want 200", got)
	}
	page = admin.get("/staff/tokens")
	if !strings.Contains(page.body, fmt.Sprintf("Token %d is revoked", revokeID)) || !strings.Contains(page.body, "revoked "+time.Now().UTC().Format("Jan 2, 2006")) {
		t.Errorf("the list does not show the token revoked")
	}
	if a := admin.post(fmt.Sprintf("/staff/tokens/%d/revoke", revokeID), nil); a.code != http.StatusSeeOther {
		t.Errorf("revoking again = %d", a.code)
	}
	if page := admin.get("/staff/tokens"); !strings.Contains(page.body, "was already revoked, or does not exist") {
		t.Errorf("revoking twice is not explained")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'token_revoked' AND target = $1 AND staff_id = $2`, fmt.Sprintf("token:%d", revokeID), b.admin.ID); n != 1 {
		t.Errorf("revocation audit rows = %d, want 1", n)
	}
}
