package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"textsupport/internal/store"
	"textsupport/internal/web/dashboard"
)

// Without a session every staff page sends the browser to the sign-in form
// (back to the page after), and changes nothing.
func TestStaffPagesNeedASession(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	anon := b.browser(t)
	gets := []struct{ path, location string }{
		{"/staff", "/staff/login"},
		{"/staff/", "/staff/login"},
		{"/staff/conversations", "/staff/login?next=%2Fstaff%2Fconversations"},
		{"/staff/alerts", "/staff/login?next=%2Fstaff%2Falerts"},
		{fmt.Sprintf("/staff/conversations/%d", convs["crisis"]), fmt.Sprintf("/staff/login?next=%%2Fstaff%%2Fconversations%%2F%d", convs["crisis"])},
		{"/staff/opt-out", "/staff/login?next=%2Fstaff%2Fopt-out"},
		{"/staff/export.csv?days=30", "/staff/login?next=%2Fstaff%2Fexport.csv%3Fdays%3D30"},
		{"/staff/tokens", "/staff/login?next=%2Fstaff%2Ftokens"},
		{"/staff/audit", "/staff/login?next=%2Fstaff%2Faudit"},
	}
	for _, g := range gets {
		a := anon.get(g.path)
		if a.code != http.StatusSeeOther || a.header.Get("Location") != g.location {
			t.Errorf("GET %s = %d to %q, want 303 to %q", g.path, a.code, a.header.Get("Location"), g.location)
		}
		if strings.Contains(a.body, "5550") {
			t.Errorf("GET %s without a session shows a number", g.path)
		}
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/staff/logout", nil},
		{fmt.Sprintf("/staff/conversations/%d/close", convs["crisis"]), nil},
		{fmt.Sprintf("/staff/conversations/%d/reply", convs["crisis"]), url.Values{"body": {"hello"}, "key": {"k"}}},
		{fmt.Sprintf("/staff/conversations/%d/assign", convs["crisis"]), url.Values{"to": {"me"}}},
		{fmt.Sprintf("/staff/conversations/%d/reveal", convs["crisis"]), url.Values{"reason": {"x"}, "confirm": {"yes"}}},
		{"/staff/opt-out", url.Values{"phone": {"+12125550101"}, "channel": {"phone"}}},
		{"/staff/tokens/1/revoke", nil},
	}
	for _, p := range posts {
		if a := anon.post(p.path, p.form); a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/login" {
			t.Errorf("POST %s = %d to %q, want 303 to /staff/login", p.path, a.code, a.header.Get("Location"))
		}
	}
	if st := b.state(t, "+12125550101"); st != store.Active {
		t.Errorf("an opt-out without a session changed the state to %s", st)
	}
	if n := b.count(t, `SELECT count(*) FROM conversations WHERE status = 'closed'`); n != 1 {
		t.Errorf("closed conversations = %d, want the 1 seeded", n)
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies`) + b.count(t, `SELECT count(*) FROM audit_log WHERE staff_id IS NOT NULL`); n != 1 {
		t.Errorf("requests without a session left %d replies and audit rows, want only the seeded close", n)
	}
	// After signing in, the browser goes back where it was going.
	br := b.browser(t)
	a := br.post("/staff/login", url.Values{"email": {staffAdminEmail}, "password": {staffPassword}, "next": {"/staff/conversations?status=closed"}})
	if a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/conversations?status=closed" {
		t.Errorf("sign-in with next = %d to %q", a.code, a.header.Get("Location"))
	}
}

// The return address after signing in is kept to the staff pages.
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	for next, want := range map[string]string{
		"/staff/audit": "/staff/audit",
		"/staff/conversations?status=closed&before=9": "/staff/conversations?status=closed&before=9",
		"https://evil.example/x":                      "/staff",
		"//evil.example/staff":                        "/staff",
		`/\evil.example`:                              "/staff",
		"/signup":                                     "/staff",
		"/staff/login":                                "/staff",
		"/staffing":                                   "/staff",
		"javascript:alert(1)":                         "/staff",
		"/staff/../signup":                            "/staff",
		"/staff/./audit":                              "/staff",
		"":                                            "/staff",
	} {
		a := b.browser(t).post("/staff/login", url.Values{"email": {staffViewerEmail}, "password": {staffPassword}, "next": {next}})
		if got := a.header.Get("Location"); got != want {
			t.Errorf("next %q: sent to %q, want %q", next, got, want)
		}
	}
}

// Wrong passwords, unknown emails and disabled logins are refused alike.
func TestLoginRefused(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	if _, err := b.db.CreateStaff(context.Background(), "gone@clinic.example", staffPassword, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	b.db.Pool.Exec(context.Background(), `UPDATE staff SET disabled_at = now() WHERE email = 'gone@clinic.example'`)
	cases := []struct{ name, email, password string }{
		{"wrong password", staffAdminEmail, "correct horse battery stable"},
		{"unknown email", "nobody@clinic.example", staffPassword},
		{"disabled login", "gone@clinic.example", staffPassword},
		{"password too long for bcrypt", staffAdminEmail, staffPassword + strings.Repeat("x", 80)},
	}
	for _, c := range cases {
		br := b.browser(t)
		a := br.login(c.email, c.password)
		if a.code != http.StatusUnauthorized || !strings.Contains(a.body, "That email and password do not match a staff login.") {
			t.Errorf("%s: %d, want 401 with the one refusal message\n%s", c.name, a.code, a.body)
		}
		if a.header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a refused sign-in set a cookie", c.name)
		}
		if got := br.get("/staff"); got.code != http.StatusSeeOther {
			t.Errorf("%s: /staff after a refused sign-in = %d, want 303", c.name, got.code)
		}
	}
	for _, c := range []struct{ name, email, password string }{{"no email", "", "x"}, {"no password", staffAdminEmail, ""}} {
		if a := b.browser(t).login(c.email, c.password); a.code != http.StatusBadRequest || !strings.Contains(a.body, "Enter your email and your password.") {
			t.Errorf("%s: %d", c.name, a.code)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'login_failed'`); n != len(cases) {
		t.Errorf("failed sign-ins in the audit log = %d, want %d", n, len(cases))
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND staff_id = $1`, b.admin.ID); n != 2 {
		t.Errorf("failed sign-ins recorded against the admin = %d, want 2", n)
	}
	// A login disabled while signed in loses its session at the next request.
	br := b.signedIn(t, staffViewerEmail)
	b.db.Pool.Exec(context.Background(), `UPDATE staff SET disabled_at = now() WHERE id = $1`, b.viewer.ID)
	if a := br.get("/staff"); a.code != http.StatusSeeOther {
		t.Errorf("a disabled login's session still opens /staff: %d", a.code)
	}
}

// What each role may see and do: viewers see figures and how many
// conversations wait; responders also read and answer conversations;
// admins also the admin pages.
func TestStaffRoles(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	if _, err := b.db.CreateAPIToken(context.Background(), "reporting"); err != nil {
		t.Fatal(err)
	}
	crisis, free := fmt.Sprint(convs["crisis"]), fmt.Sprint(convs["free"])
	type req struct {
		method, path string
		form         url.Values
	}
	cases := []struct {
		req                      req
		viewer, responder, admin int
	}{
		{req{"GET", "/staff", nil}, 200, 200, 200},
		{req{"GET", "/staff/conversations", nil}, 200, 200, 200},
		{req{"GET", "/staff/conversations?status=closed", nil}, 200, 200, 200},
		{req{"GET", "/staff/conversations/live", nil}, 200, 200, 200},
		{req{"GET", "/api/v1/stats", nil}, 200, 200, 200},
		{req{"GET", "/staff/conversations/" + crisis, nil}, 403, 200, 200},
		{req{"POST", "/staff/conversations/" + free + "/assign", url.Values{"to": {"me"}}}, 403, 303, 303},
		{req{"POST", "/staff/conversations/" + crisis + "/reveal", url.Values{"reason": {"calling back"}, "confirm": {"yes"}}}, 403, 200, 200},
		{req{"POST", "/staff/opt-out", url.Values{"phone": {"+12125550104"}, "channel": {"email"}}}, 403, 403, 303},
		{req{"GET", "/staff/opt-out", nil}, 403, 403, 200},
		{req{"GET", "/staff/export.csv", nil}, 403, 403, 200},
		{req{"GET", "/staff/tokens", nil}, 403, 403, 200},
		{req{"POST", "/staff/tokens/1/revoke", nil}, 403, 403, 303},
		{req{"GET", "/staff/audit", nil}, 403, 403, 200},
		{req{"POST", "/staff/conversations/999999/close", nil}, 403, 404, 404},
		{req{"GET", "/staff/conversations/999999", nil}, 403, 404, 404},
		{req{"GET", "/staff/nothing-here", nil}, 404, 404, 404},
	}
	viewer, responder, admin := b.signedIn(t, staffViewerEmail), b.signedIn(t, staffResponderEmail), b.signedIn(t, staffAdminEmail)
	// The viewer's refusals come first, before anything is replied or closed.
	for _, c := range cases {
		for _, who := range []struct {
			br   *browser
			want int
			name string
		}{{viewer, c.viewer, "viewer"}, {responder, c.responder, "responder"}, {admin, c.admin, "admin"}} {
			var a staffAnswer
			if c.req.method == "GET" {
				a = who.br.get(c.req.path)
			} else {
				a = who.br.post(c.req.path, c.req.form)
			}
			if a.code != who.want {
				t.Errorf("%s %s as %s = %d, want %d", c.req.method, c.req.path, who.name, a.code, who.want)
			}
			if who.name == "viewer" {
				for _, secret := range []string{"•••-•••-", "555010", "555019", "too much", "Elm St", "tsk_"} {
					if strings.Contains(a.body, secret) {
						t.Errorf("%s %s shows a viewer %q", c.req.method, c.req.path, secret)
					}
				}
			}
		}
	}
	// Reply and close, last: the viewer is refused, then the responder
	// answers and the admin closes.
	page := responder.get("/staff/conversations/" + free)
	key := formKey(t, page.body)
	reply := url.Values{"body": {"We are here."}, "key": {key}}
	for _, who := range []struct {
		br   *browser
		path string
		form url.Values
		want int
	}{
		{viewer, "/reply", reply, 403}, {viewer, "/close", nil, 403},
		{responder, "/reply", reply, 303}, {admin, "/close", nil, 303},
	} {
		if a := who.br.post("/staff/conversations/"+free+who.path, who.form); a.code != who.want {
			t.Errorf("POST %s = %d, want %d", who.path, a.code, who.want)
		}
	}
	// The viewer's inbox shows how many wait, and no conversation.
	list := viewer.get("/staff/conversations")
	if strings.Contains(list.body, `id="conversation-`) || strings.Contains(list.body, `href="/staff/conversations/`) ||
		!strings.Contains(list.body, `id="open-counts"`) || !strings.Contains(list.body, `id="oldest-wait"`) {
		t.Errorf("the viewer's inbox should show the counts and the oldest wait only")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action NOT IN ('login')`, b.viewer.ID); n != 0 {
		t.Errorf("the viewer's refused requests left %d audit rows", n)
	}
	for action, who := range map[string]int64{"conversation_reply": b.responder.ID, "conversation_closed": b.admin.ID, "conversation_assigned": b.responder.ID} {
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2 AND target = $3`, action, who, "conversation:"+free); n != 1 {
			t.Errorf("%s rows by staff %d = %d, want 1", action, who, n)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies`); n != 1 {
		t.Errorf("staff replies = %d, want the responder's 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM consent_events WHERE method = 'staff' AND staff_id = $1`, b.admin.ID); n != 1 {
		t.Errorf("staff opt-outs = %d, want the admin's 1", n)
	}
}

// Signing out ends the session on the server too: the old cookie no longer
// opens anything.
func TestLogout(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	br := b.signedIn(t, staffAdminEmail)
	u, _ := url.Parse(b.server.URL)
	// The session, and the device cookie that remembers this browser.
	cookies := br.client.Jar.Cookies(u)
	if len(cookies) != 2 {
		t.Fatalf("cookies after sign-in: %v", cookies)
	}
	if a := br.post("/staff/logout", nil); a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/login?signed_out=1" {
		t.Fatalf("logout = %d to %q", a.code, a.header.Get("Location"))
	}
	if a := br.get("/staff/login?signed_out=1"); !strings.Contains(a.body, "You have signed out.") {
		t.Errorf("the sign-in page does not say the user signed out")
	}
	if a := br.get("/staff"); a.code != http.StatusSeeOther {
		t.Errorf("/staff after logout = %d, want 303", a.code)
	}
	replay := b.browser(t)
	replay.client.Jar.SetCookies(u, cookies)
	if a := replay.get("/staff"); a.code != http.StatusSeeOther {
		t.Errorf("the old session cookie still opens /staff: %d", a.code)
	}
	if n := b.count(t, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("%d sessions left in the store after logout", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'logout' AND staff_id = $1`, b.admin.ID); n != 1 {
		t.Errorf("logouts in the audit log = %d, want 1", n)
	}
	// Logging out is a POST: a GET (a link, an image) cannot sign anyone out.
	br = b.signedIn(t, staffAdminEmail)
	if a := br.get("/staff/logout"); a.code == http.StatusSeeOther {
		t.Errorf("GET /staff/logout answered %d", a.code)
	}
	if a := br.get("/staff"); a.code != http.StatusOK {
		t.Errorf("still signed in after GET /staff/logout? /staff = %d", a.code)
	}
}

// The session cookie: HttpOnly, SameSite=Lax, Secure (with the __Host-
// prefix) when the service is on https, a new token at sign-in, and the
// token stored only hashed.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			t.Parallel()
			b := setupStaff(t, func(c *dashboard.Config) { c.SecureCookies = secure })
			// A session planted before sign-in (fixation): the store knows
			// its token, as it would after any earlier visit.
			sm := scs.New()
			sm.Store, sm.HashTokenInStore = pgxstore.NewWithCleanupInterval(b.db.Pool, 0), true
			ctx, _ := sm.Load(context.Background(), "")
			sm.Put(ctx, "planted", true)
			planted, _, err := sm.Commit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			name := "textsupport_staff"
			if secure {
				name = "__Host-textsupport_staff"
			}
			req, _ := http.NewRequest(http.MethodPost, b.server.URL+"/staff/login",
				strings.NewReader(url.Values{"email": {staffAdminEmail}, "password": {staffPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: name, Value: planted})
			a := b.browser(t).do(req)
			if a.code != http.StatusSeeOther {
				t.Fatalf("sign-in = %d", a.code)
			}
			// The session cookie, and the device cookie: both HttpOnly,
			// Secure on https, the device's for a year.
			set := a.header.Values("Set-Cookie")
			if len(set) != 2 {
				t.Fatalf("Set-Cookie = %q, want the session and the device cookies", set)
			}
			c, err := http.ParseSetCookie(set[1])
			if err != nil {
				t.Fatal(err)
			}
			dev, err := http.ParseSetCookie(set[0])
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != name {
				c, dev = dev, c
				set[0], set[1] = set[1], set[0]
			}
			if !strings.HasSuffix(dev.Name, "textsupport_device") || strings.HasPrefix(dev.Name, "__Host-") != secure || !dev.HttpOnly ||
				dev.Secure != secure || dev.Path != "/" || dev.MaxAge != 365*24*3600 {
				t.Errorf("device cookie = %s", set[0])
			}
			set = set[1:]
			if c.Name != name || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie = %s", set[0])
			}
			if c.MaxAge != 0 || !c.Expires.IsZero() {
				t.Errorf("the session cookie outlives the browser: %s", set[0])
			}
			if c.Value == planted || c.Value == "" {
				t.Errorf("the session token was not renewed at sign-in")
			}
			if n := b.count(t, `SELECT count(*) FROM sessions WHERE token = $1 OR token = $2`, c.Value, planted); n != 0 {
				t.Errorf("a token is stored as it is in the cookie")
			}
			// The planted token opens nothing; the new one does.
			for _, tc := range []struct {
				value string
				want  int
			}{{planted, http.StatusSeeOther}, {c.Value, http.StatusOK}} {
				req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/staff", nil)
				req.AddCookie(&http.Cookie{Name: name, Value: tc.value})
				if got := b.browser(t).do(req).code; got != tc.want {
					t.Errorf("/staff with token %q… = %d, want %d", tc.value[:6], got, tc.want)
				}
			}
			// Staff pages are not cached or framed, and run only their own
			// script, allowed by its hash.
			req, _ = http.NewRequest(http.MethodGet, b.server.URL+"/staff", nil)
			req.AddCookie(&http.Cookie{Name: name, Value: c.Value})
			h := b.browser(t).do(req).header
			if h.Get("Cache-Control") != "no-store" || h.Get("X-Frame-Options") != "DENY" ||
				!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
				!strings.Contains(h.Get("Content-Security-Policy"), "script-src 'sha256-") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe") {
				t.Errorf("headers: %v", h)
			}
		})
	}
}

// Cross-origin form posts are refused: another site cannot sign staff in or
// out, or opt numbers out through a signed-in admin's browser.
func TestStaffCrossOriginRefused(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		for _, p := range []struct {
			path string
			form url.Values
		}{
			{"/staff/opt-out", url.Values{"phone": {"+12125550101"}, "channel": {"phone"}}},
			{"/staff/logout", nil},
			{"/staff/login", url.Values{"email": {staffAdminEmail}, "password": {staffPassword}}},
		} {
			if a := admin.post(p.path, p.form, h...); a.code != http.StatusForbidden {
				t.Errorf("POST %s with %s: %s = %d, want 403", p.path, h[0], h[1], a.code)
			}
		}
	}
	if st := b.state(t, "+12125550101"); st != store.Active {
		t.Errorf("a cross-origin post opted the number out")
	}
	if a := admin.get("/staff"); a.code != http.StatusOK {
		t.Errorf("a cross-origin post signed the admin out")
	}
}

// Failed sign-ins are limited per account and per client address; a
// limited attempt is refused before its password is checked.
func TestLoginLimits(t *testing.T) {
	t.Parallel()
	t.Run("per account", func(t *testing.T) {
		t.Parallel()
		b := setupStaff(t) // the defaults: 5 attempts per account in 15 minutes
		now := time.Now()
		b.setNow(now)
		for i := range 5 {
			if a := b.browser(t).login(staffAdminEmail, "wrong password "+fmt.Sprint(i)); a.code != http.StatusUnauthorized {
				t.Fatalf("attempt %d = %d, want 401", i+1, a.code)
			}
		}
		a := b.browser(t).login(staffAdminEmail, staffPassword)
		if a.code != http.StatusTooManyRequests || !strings.Contains(a.body, "Too many sign-in attempts. Try again in 15 minutes.") ||
			a.header.Get("Retry-After") != "900" {
			t.Fatalf("6th attempt, right password = %d %q, want 429 for 15 minutes", a.code, a.header.Get("Retry-After"))
		}
		// The other account is not held back by this one.
		if a := b.browser(t).login(staffViewerEmail, staffPassword); a.code != http.StatusSeeOther {
			t.Errorf("the viewer, from the same address = %d, want 303", a.code)
		}
		// Once the window has passed, the right password works, and a good
		// sign-in starts the account's count afresh: 3 wrong, right, 4 wrong
		// and right again all pass (without the reset the last 3 would not).
		b.setNow(now.Add(15*time.Minute + time.Second))
		attempts := []struct {
			password string
			want     int
		}{
			{"wrong a", 401}, {"wrong b", 401}, {"wrong c", 401}, {staffPassword, 303},
			{"wrong d", 401}, {"wrong e", 401}, {"wrong f", 401}, {"wrong g", 401}, {staffPassword, 303},
		}
		for i, at := range attempts {
			if a := b.browser(t).login(staffAdminEmail, at.password); a.code != at.want {
				t.Errorf("attempt %d after the window = %d, want %d", i+1, a.code, at.want)
			}
		}
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'login_limited'`); n != 1 {
			t.Errorf("limited attempts in the audit log = %d, want 1", n)
		}
	})
	t.Run("per client address", func(t *testing.T) {
		t.Parallel()
		b := setupStaff(t, func(c *dashboard.Config) { c.Limits.PerClient = 8 })
		for i := range 8 {
			email := fmt.Sprintf("guess%d@clinic.example", i)
			if a := b.browser(t).login(email, "guess"); a.code != http.StatusUnauthorized {
				t.Fatalf("attempt %d = %d", i+1, a.code)
			}
		}
		a := b.browser(t).login(staffViewerEmail, staffPassword)
		if a.code != http.StatusTooManyRequests {
			t.Fatalf("9th attempt from the address, a good password = %d, want 429", a.code)
		}
	})
	t.Run("a burst at once", func(t *testing.T) {
		t.Parallel()
		b := setupStaff(t)
		var wg sync.WaitGroup
		codes := make([]int, 30)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = b.browser(t).login(staffAdminEmail, fmt.Sprintf("guess %d", i)).code
			}()
		}
		wg.Wait()
		checked := 0
		for _, c := range codes {
			if c == http.StatusUnauthorized {
				checked++
			} else if c != http.StatusTooManyRequests {
				t.Errorf("a burst attempt answered %d", c)
			}
		}
		if checked > 5 {
			t.Errorf("%d of 30 simultaneous guesses had their password checked, want at most 5", checked)
		}
	})
}

// A session idle for more than 30 minutes is over; using it keeps it alive.
func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	now := time.Now()
	b.setNow(now)
	br := b.signedIn(t, staffViewerEmail)
	api := func() int {
		req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
		return br.do(req).code
	}
	for _, step := range []struct {
		after time.Duration
		want  int
	}{
		{29 * time.Minute, http.StatusOK},                // used: alive again for 30 minutes
		{58 * time.Minute, http.StatusOK},                // 29 minutes after that use
		{58*time.Minute + 20*time.Second, http.StatusOK}, // within a minute of the last touch: nothing written
		{89 * time.Minute, http.StatusSeeOther},          // 31 minutes idle
	} {
		b.setNow(now.Add(step.after))
		if step.want == http.StatusSeeOther {
			if got := api(); got != http.StatusUnauthorized {
				t.Errorf("the API with a session idle 31 minutes = %d, want 401", got)
			}
		}
		a := br.get("/staff")
		if a.code != step.want {
			t.Fatalf("/staff %v after sign-in = %d, want %d", step.after, a.code, step.want)
		}
		if step.after == 58*time.Minute+20*time.Second && a.header.Get("Set-Cookie") != "" {
			t.Errorf("a page view within a minute of the last one rewrote the session")
		}
	}
}
