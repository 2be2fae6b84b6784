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

// The audit log is shown to admins, newest first, and cannot be changed.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)
	admin.get(fmt.Sprintf("/staff/conversations/%d", convs["free"]))
	page := admin.get("/staff/audit")
	if page.code != http.StatusOK {
		t.Fatalf("audit = %d", page.code)
	}
	opened := strings.Index(page.body, "opened a conversation")
	signedIn := strings.Index(page.body, "signed in")
	if opened < 0 || signedIn < 0 || opened > signedIn {
		t.Errorf("audit page lacks the opening and the sign-in, newest first")
	}
	if !strings.Contains(page.body, fmt.Sprintf("<td>conversation:%d</td>", convs["free"])) || !strings.Contains(page.body, "<td>"+staffAdminEmail+"</td>") {
		t.Errorf("the audit page does not say who opened which conversation")
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
