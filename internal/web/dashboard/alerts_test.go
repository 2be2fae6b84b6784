package dashboard_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"textsupport/internal/store"
)

// Alerts are listed newest first; an admin opens one (the number masked to
// its last four digits, the body shown), every opening is in the audit log,
// and marking it handled moves it to the handled list.
func TestAlerts(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, alerts := seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)

	list := admin.get("/staff/alerts")
	crisisAt := strings.Index(list.body, fmt.Sprintf(`id="alert-%d"`, alerts["crisis"]))
	freeAt := strings.Index(list.body, fmt.Sprintf(`id="alert-%d"`, alerts["free"]))
	if crisisAt < 0 || freeAt < 0 || freeAt > crisisAt {
		t.Errorf("open alerts not listed newest first (free text %d, crisis %d)", freeAt, crisisAt)
	}
	if strings.Contains(list.body, fmt.Sprintf(`id="alert-%d"`, alerts["handled"])) {
		t.Errorf("a handled alert is in the open list")
	}
	if !strings.Contains(list.body, `<p id="open-counts"><strong>1</strong> crisis and <strong>1</strong> other messages are open.`) {
		t.Errorf("the open counts are not 1 crisis and 1 other")
	}
	for _, secret := range []string{"•••-•••-", "too much", "Elm St"} {
		if strings.Contains(list.body, secret) {
			t.Errorf("the alert list shows %q", secret)
		}
	}

	for range 2 {
		page := admin.get(fmt.Sprintf("/staff/alerts/%d", alerts["crisis"]))
		if page.code != http.StatusOK {
			t.Fatalf("open alert = %d", page.code)
		}
		if got := textOf(t, page.body, "alert-body"); got != "I took too much and feel strange" {
			t.Errorf("body = %q", got)
		}
		if got := textOf(t, page.body, "alert-from"); got != "•••-•••-0199" {
			t.Errorf("from = %q", got)
		}
		if strings.Contains(page.body, "5550199") || strings.Contains(page.body, "1312") {
			t.Errorf("the alert shows more of the number than its last 4 digits")
		}
		if !strings.Contains(page.body, "never subscribed") {
			t.Errorf("the alert does not say the number never subscribed")
		}
	}
	free := admin.get(fmt.Sprintf("/staff/alerts/%d", alerts["free"]))
	if !strings.Contains(free.body, "<dd>active</dd>") || textOf(t, free.body, "alert-body") != "Is there a meeting near Elm St?" {
		t.Errorf("the free-text alert does not show its body and the subscriber's state")
	}
	entries, err := b.db.ListAudit(context.Background(), store.AuditQuery{Target: fmt.Sprintf("alert:%d", alerts["crisis"])})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("audit rows for the crisis alert = %d, want one per opening (2)", len(entries))
	}
	for _, e := range entries {
		if e.Action != store.AuditAlertOpened || e.StaffID == nil || *e.StaffID != b.admin.ID || e.StaffEmail != staffAdminEmail ||
			e.ClientAddr != "127.0.0.1" || e.At.IsZero() || e.Detail != "crisis" {
			t.Errorf("audit row = %+v", e)
		}
	}

	// Mark it handled, twice: the second changes nothing.
	for i, want := range []string{"is marked handled", "was already handled"} {
		a := admin.post(fmt.Sprintf("/staff/alerts/%d/handled", alerts["crisis"]), nil)
		if a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/alerts" {
			t.Fatalf("handled #%d = %d", i+1, a.code)
		}
		if page := admin.get("/staff/alerts"); !strings.Contains(page.body, want) {
			t.Errorf("after marking handled #%d the page does not say %q", i+1, want)
		}
	}
	handled := admin.get("/staff/alerts?status=handled")
	if !strings.Contains(handled.body, fmt.Sprintf(`id="alert-%d"`, alerts["crisis"])) || !strings.Contains(handled.body, "by "+staffAdminEmail) {
		t.Errorf("the crisis alert is not in the handled list, by the admin")
	}
	if open := admin.get("/staff/alerts"); strings.Contains(open.body, fmt.Sprintf(`id="alert-%d"`, alerts["crisis"])) {
		t.Errorf("a handled alert is still open")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'alert_handled' AND target = $1`, fmt.Sprintf("alert:%d", alerts["crisis"])); n != 1 {
		t.Errorf("alert_handled rows = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM alerts WHERE id = $1 AND handled_by = $2 AND handled_at IS NOT NULL`, alerts["crisis"], b.admin.ID); n != 1 {
		t.Errorf("the alert is not recorded as handled by the admin")
	}

	for _, path := range []string{"/staff/alerts/0", "/staff/alerts/abc", "/staff/alerts/99999"} {
		if a := admin.get(path); a.code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, a.code)
		}
	}
	if a := admin.get("/staff/alerts?before=x"); a.code != http.StatusBadRequest {
		t.Errorf("a bad page = %d, want 400", a.code)
	}
}

// Alerts page 50 at a time, without skipping or repeating one.
func TestAlertsPaging(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	for i := range 120 {
		b.seedInbound(t, fmt.Sprintf("SM9%05d", i), "+12125550150", "hello", "free_text", store.AlertFreeText)
	}
	admin := b.signedIn(t, staffAdminEmail)
	seen := map[string]bool{}
	path := "/staff/alerts"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		a := admin.get(path)
		for _, part := range strings.Split(a.body, `<li id="alert-`)[1:] {
			id := part[:strings.Index(part, `"`)]
			if seen[id] {
				t.Errorf("alert %s listed twice", id)
			}
			seen[id] = true
		}
		path = ""
		if i := strings.Index(a.body, `<a href="/staff/alerts?before=`); i >= 0 {
			rest := a.body[i+len(`<a href="`):]
			path = html.UnescapeString(rest[:strings.Index(rest, `"`)])
		}
	}
	if len(seen) != 120 {
		t.Errorf("listed %d alerts, want 120", len(seen))
	}
}

// The audit log is shown to admins, newest first, and cannot be changed.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, alerts := seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)
	admin.get(fmt.Sprintf("/staff/alerts/%d", alerts["free"]))
	page := admin.get("/staff/audit")
	if page.code != http.StatusOK {
		t.Fatalf("audit = %d", page.code)
	}
	opened := strings.Index(page.body, "opened an alert")
	signedIn := strings.Index(page.body, "signed in")
	if opened < 0 || signedIn < 0 || opened > signedIn {
		t.Errorf("audit page lacks the opening and the sign-in, newest first")
	}
	if !strings.Contains(page.body, fmt.Sprintf("<td>alert:%d</td>", alerts["free"])) || !strings.Contains(page.body, "<td>"+staffAdminEmail+"</td>") {
		t.Errorf("the audit page does not say who opened which alert")
	}
	ctx := context.Background()
	for _, stmt := range []string{`UPDATE audit_log SET detail = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := b.db.Pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s succeeded; the audit log must be append-only", stmt)
		}
	}
	// Nothing in the audit log is a full number or a body.
	var dump string
	b.db.Pool.QueryRow(ctx, `SELECT string_agg(row_to_json(a)::text, ' ') FROM audit_log a`).Scan(&dump)
	for _, secret := range []string{"5550101", "Elm St", "too much"} {
		if strings.Contains(dump, secret) {
			t.Errorf("the audit log holds %q", secret)
		}
	}
}

// The audit log pages 100 rows at a time, without skipping or repeating one.
func TestAuditLogPaging(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	ctx := context.Background()
	for i := range 230 {
		if err := b.db.Audit(ctx, store.Actor{StaffID: b.viewer.ID, ClientAddr: "192.0.2.9"}.Entry(store.AuditExport, "", fmt.Sprintf("entry %03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	admin := b.signedIn(t, staffAdminEmail) // one more row: the sign-in
	seen := map[string]bool{}
	path, pages := "/staff/audit", 0
	for ; path != ""; pages++ {
		a := admin.get(path)
		for _, part := range strings.Split(a.body, "<td>entry ")[1:] {
			n := part[:3]
			if seen[n] {
				t.Errorf("entry %s listed twice", n)
			}
			seen[n] = true
		}
		path = ""
		if i := strings.Index(a.body, `<a href="/staff/audit?before=`); i >= 0 {
			rest := a.body[i+len(`<a href="`):]
			path = html.UnescapeString(rest[:strings.Index(rest, `"`)])
		}
	}
	if len(seen) != 230 || pages != 3 {
		t.Errorf("listed %d entries on %d pages, want 230 on 3", len(seen), pages)
	}
}
