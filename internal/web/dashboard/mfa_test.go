package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"textsupport/internal/web/dashboard"
)

// enrol sets up the second factor for the signed-in browser and returns
// the TOTP secret and the recovery codes.
func enrol(t *testing.T, b *staffBundle, br *browser, now time.Time) (secret string, codes []string) {
	t.Helper()
	a := br.get("/staff/mfa")
	if a.code != http.StatusOK || !strings.Contains(a.body, `src="data:image/png;base64,`) {
		t.Fatalf("GET /staff/mfa = %d, want the QR code inline\n%s", a.code, a.body)
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q, want data: images and nothing else from outside", csp)
	}
	secret = strings.ReplaceAll(textOf(t, a.body, "mfa-secret"), " ", "")
	if a := br.post("/staff/mfa", url.Values{"code": {"000000"}}); a.code != http.StatusUnprocessableEntity {
		t.Errorf("enrolment with a wrong code = %d, want 422", a.code)
	}
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	a = br.post("/staff/mfa", url.Values{"code": {code}})
	if a.code != http.StatusOK {
		t.Fatalf("enrolment = %d\n%s", a.code, a.body)
	}
	codes = regexp.MustCompile(`<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>`).FindAllString(a.body, -1)
	for i, c := range codes {
		codes[i] = strings.TrimSuffix(strings.TrimPrefix(c, "<code>"), "</code>")
	}
	if len(codes) != 10 {
		t.Fatalf("recovery codes shown = %d, want 10", len(codes))
	}
	return secret, codes
}

// An admin enrols a TOTP second factor; sign-in then asks for a code after
// the password, each code works once, and so does each recovery code.
func TestSecondFactor(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	now := time.Now()
	b.setNow(now)
	br := b.signedIn(t, staffAdminEmail)
	secret, codes := enrol(t, b, br, now)

	// Stored sealed; the recovery codes as hashes only.
	var sealed []byte
	b.db.Pool.QueryRow(context.Background(), `SELECT totp_secret_enc FROM staff WHERE id = $1`, b.admin.ID).Scan(&sealed)
	if len(sealed) == 0 || strings.Contains(string(sealed), secret) {
		t.Errorf("the TOTP secret is not stored sealed")
	}
	if n := b.count(t, `SELECT count(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL`, b.admin.ID); n != 10 {
		t.Errorf("recovery codes stored = %d, want 10", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'mfa_enrolled' AND staff_id = $1`, b.admin.ID); n != 1 {
		t.Errorf("enrolment audit rows = %d, want 1", n)
	}

	signIn := func(code string) (password, second staffAnswer, br *browser) {
		br = b.browser(t)
		password = br.login(staffAdminEmail, staffPassword)
		if password.code != http.StatusSeeOther || password.header.Get("Location") != "/staff/login/code" {
			t.Fatalf("password = %d to %q, want 303 to the code page", password.code, password.header.Get("Location"))
		}
		if a := br.get("/staff"); a.code != http.StatusSeeOther {
			t.Fatalf("/staff with the password only = %d, want 303 to sign in", a.code)
		}
		return password, br.post("/staff/login/code", url.Values{"code": {code}}), br
	}
	if _, a, _ := signIn("123456"); a.code != http.StatusUnauthorized {
		t.Errorf("a wrong code = %d, want 401", a.code)
	}
	b.setNow(now.Add(2 * time.Minute))
	code, _ := totp.GenerateCode(secret, now.Add(2*time.Minute))
	_, a, signed := signIn(code)
	if a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff" {
		t.Fatalf("the right code = %d to %q, want 303 to /staff", a.code, a.header.Get("Location"))
	}
	if a := signed.get("/staff"); a.code != http.StatusOK {
		t.Errorf("/staff after the code = %d", a.code)
	}
	if _, a, _ := signIn(code); a.code != http.StatusUnauthorized {
		t.Errorf("the same code again = %d, want 401: each code works once", a.code)
	}
	if _, a, _ := signIn(strings.ToUpper(codes[3])); a.code != http.StatusSeeOther {
		t.Errorf("a recovery code = %d, want 303", a.code)
	}
	if _, a, _ := signIn(codes[3]); a.code != http.StatusUnauthorized {
		t.Errorf("the same recovery code again = %d, want 401", a.code)
	}
}

// With REQUIRE_MFA=admin an admin without a second factor can do nothing
// before enrolling; a viewer is not asked.
func TestRequireMFA(t *testing.T) {
	t.Parallel()
	b := setupStaff(t, func(c *dashboard.Config) { c.RequireMFA = dashboard.MFAAdmins })
	now := time.Now()
	b.setNow(now)
	admin := b.signedIn(t, staffAdminEmail)
	for _, path := range []string{"/staff", "/staff/alerts", "/staff/tokens"} {
		if a := admin.get(path); a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/mfa" {
			t.Errorf("GET %s without a second factor = %d to %q, want 303 to /staff/mfa", path, a.code, a.header.Get("Location"))
		}
	}
	req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
	if a := admin.do(req); a.code != http.StatusUnauthorized {
		t.Errorf("the API with that session = %d, want 401", a.code)
	}
	if a := admin.get("/staff/mfa"); !strings.Contains(a.body, `id="mfa-required"`) {
		t.Errorf("the enrolment page does not say a second factor is required")
	}
	if a := b.signedIn(t, staffViewerEmail).get("/staff"); a.code != http.StatusOK {
		t.Errorf("a viewer's /staff = %d, want 200", a.code)
	}
	enrol(t, b, admin, now)
	if a := admin.get("/staff"); a.code != http.StatusOK {
		t.Errorf("/staff after enrolling = %d, want 200", a.code)
	}
}
