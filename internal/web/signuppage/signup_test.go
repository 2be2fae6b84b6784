package signuppage_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"textsupport/internal/inbound"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/signup"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// The form as served: the contract's field names, an unchecked consent box
// whose label is the whole disclosure, required fields marked, no script,
// nothing from outside, and the terms and privacy pages it links to.
func TestSignupFormPage(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	a := b.get(t, "/signup")
	if a.code != http.StatusOK {
		t.Fatalf("GET /signup = %d", a.code)
	}
	page := a.body
	for _, want := range []string{
		`<form method="post" action="/signup" novalidate>`,
		`name="phone"`, `type="tel"`, `autocomplete="tel"`,
		`type="checkbox" id="consent" name="consent" value="yes" required`,
		`<select id="tz" name="tz"`, `<option value="America/Chicago">`,
		`name="website"`, // the honeypot
		`<label for="phone">Mobile phone number <span class="req">(required)</span></label>`,
		`aria-describedby="phone-hint"`,
		`(optional)`,
		`href="/terms"`, `href="/privacy"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	if regexp.MustCompile(`id="consent"[^>]*checked`).MatchString(page) {
		t.Error("the consent box is checked before the person checks it")
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "http://") || strings.Contains(page, "https://cdn") {
		t.Error("the form uses script or loads something from outside")
	}

	// The label is the disclosure, with every element CTIA asks for.
	label := regexp.MustCompile(`(?s)<label for="consent">(.*?)</label>`).FindStringSubmatch(page)
	if label == nil {
		t.Fatal("no label for the consent box")
	}
	text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(label[1], ""))
	for _, want := range []string{
		b.program.Name, b.program.Frequency, "Msg & data rates may apply", "Reply HELP for help", "STOP to opt out",
		"recurring automated text messages", "addiction and recovery", "treatment process",
		"Consent is not a condition of any purchase", "no obligation to enter treatment", "Terms", "Privacy Policy",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("disclosure lacks %q:\n%s", want, text)
		}
	}
	if text != b.deps.Disclosure().Text {
		t.Errorf("the disclosure served differs from the one recorded:\nserved   %s\nrecorded %s", text, b.deps.Disclosure().Text)
	}

	// The page's only style is the one its policy allows by hash.
	csp := a.header.Get("Content-Security-Policy")
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	sum := sha256.Sum256([]byte(style[1]))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
		t.Errorf("Content-Security-Policy %q does not allow the page's style (%s)", csp, want)
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}

	for _, path := range []string{"/terms", "/privacy", "/signup/done"} {
		a := b.get(t, path)
		if a.code != http.StatusOK || !strings.Contains(a.body, b.program.Name) {
			t.Errorf("GET %s = %d", path, a.code)
		}
	}
	terms := b.get(t, "/terms").body
	for _, want := range []string{"Msg &amp; data rates may apply", "Reply <strong>HELP</strong>", "Reply <strong>STOP</strong>", b.program.Frequency, b.program.Support.Phone, "not a condition"} {
		if !strings.Contains(terms, want) {
			t.Errorf("terms lack %q", want)
		}
	}
	if privacy := b.get(t, "/privacy").body; !strings.Contains(privacy, "not shared with third parties") {
		t.Error("privacy lacks the no-sharing statement")
	}
}

// The disclosure links where the program says when it names paths on this
// service; its version follows its content.
func TestSignupProgramPagesAndVersion(t *testing.T) {
	t.Parallel()
	b := setupSignup(t, withProgram(func(p *program.Program) {
		p.TermsURL, p.PrivacyURL = "/sms-terms", "/sms-privacy"
	}))
	form := b.get(t, "/signup").body
	if !strings.Contains(form, `href="/sms-terms"`) || !strings.Contains(form, `href="/sms-privacy"`) {
		t.Error("the disclosure does not link to the program's paths")
	}
	for _, path := range []string{"/sms-terms", "/sms-privacy", "/terms", "/privacy"} {
		a := b.get(t, path)
		if a.code != http.StatusOK || a.header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("GET %s = %d, Cache-Control %q", path, a.code, a.header.Get("Cache-Control"))
		}
	}
	if strings.Contains(b.get(t, "/terms").body, "full terms of use") {
		t.Error("terms link to the provider's full terms though the program names none elsewhere")
	}
	if strings.Contains(b.get(t, "/signup").header.Get("Cache-Control"), "public") {
		t.Error("the form may be cached")
	}

	renamed := setupSignup(t, withProgram(func(p *program.Program) { p.Name = "Another Programme" }))
	def := setupSignup(t)
	v1, v2, v3 := b.deps.Disclosure().Version, renamed.deps.Disclosure().Version, def.deps.Disclosure().Version
	if v1 == v2 || v2 == v3 || v1 == v3 {
		t.Errorf("versions %s, %s, %s: a different disclosure must have a different version", v1, v2, v3)
	}
	if again := setupSignup(t).deps.Disclosure().Version; again != v3 {
		t.Errorf("the same disclosure got versions %s and %s", v3, again)
	}
	if !strings.Contains(renamed.deps.Disclosure().Text, "Another Programme") {
		t.Error("the renamed program's disclosure does not name it")
	}
}

// Each problem with the form: 422, the message beside its field (linked
// from the summary, announced by aria-describedby), what the person typed
// kept, and nothing written anywhere.
func TestSignupValidation(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	tests := []struct {
		name      string
		form      url.Values
		errFields []string // fields with an error, in order
		message   string   // part of the first error
		kept      []string // in the page afterwards
	}{
		{"no number", url.Values{"phone": {""}, "consent": {"yes"}}, []string{"phone"}, "Enter your mobile phone number",
			[]string{`value="yes" checked`}},
		{"blank number", url.Values{"phone": {"   "}, "consent": {"yes"}}, []string{"phone"}, "Enter your mobile phone number", nil},
		{"not a number", url.Values{"phone": {"call me maybe"}, "consent": {"yes"}}, []string{"phone"}, "like 212-555-0123",
			[]string{`value="call me maybe"`}},
		{"too short", url.Values{"phone": {"555-0123"}, "consent": {"yes"}}, []string{"phone"}, "US or Canadian", []string{`value="555-0123"`}},
		{"another country", url.Values{"phone": {"+44 20 7183 8750"}, "consent": {"yes"}}, []string{"phone"}, "we can only text numbers there",
			[]string{`value="&#43;44 20 7183 8750"`}},
		{"no consent", url.Values{"phone": {"(212) 555-0123"}}, []string{"consent"}, "Check the box",
			[]string{`value="(212) 555-0123"`}},
		{"consent not yes", url.Values{"phone": {"212-555-0123"}, "consent": {"on"}}, []string{"consent"}, "Check the box", nil},
		{"unknown time zone", url.Values{"phone": {"212-555-0123"}, "consent": {"yes"}, "tz": {"Mars/Olympus_Mons"}}, []string{"tz"}, "Choose your time zone",
			[]string{`value="212-555-0123"`, `<option value="" selected>`}},
		{"Local is not a zone", url.Values{"phone": {"212-555-0123"}, "consent": {"yes"}, "tz": {"Local"}}, []string{"tz"}, "Choose your time zone", nil},
		{"everything wrong", url.Values{"phone": {"12"}, "tz": {"../../etc/passwd"}}, []string{"phone", "consent", "tz"}, "like 212-555-0123", []string{`value="12"`}},
		{"markup is kept as text", url.Values{"phone": {`<script>alert(1)</script>`}, "consent": {"yes"}}, []string{"phone"}, "like 212-555-0123",
			[]string{`value="&lt;script&gt;alert(1)&lt;/script&gt;"`}},
	}
	for _, tt := range tests {
		a := b.submit(t, tt.form)
		if a.code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, a.code)
			continue
		}
		if !strings.Contains(a.body, "There is a problem") || !strings.Contains(a.body, "<title>Error: ") {
			t.Errorf("%s: no error summary or title", tt.name)
		}
		if !strings.Contains(html.UnescapeString(a.body), tt.message) {
			t.Errorf("%s: page lacks %q", tt.name, tt.message)
		}
		for _, f := range []string{"phone", "consent", "tz"} {
			want := contains(tt.errFields, f)
			beside := strings.Contains(a.body, `id="`+f+`-error"`)
			described := regexp.MustCompile(`id="` + f + `"[^>]*aria-describedby="[^"]*` + f + `-error"[^>]*aria-invalid="true"`).MatchString(a.body)
			linked := strings.Contains(a.body, `<a href="#`+f+`">`)
			if beside != want || described != want || linked != want {
				t.Errorf("%s: field %s: error beside %v, described %v, in summary %v; want %v", tt.name, f, beside, described, linked, want)
			}
		}
		for _, k := range tt.kept {
			if !strings.Contains(a.body, k) {
				t.Errorf("%s: page does not keep %s", tt.name, k)
			}
		}
		if cc := a.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", tt.name, cc)
		}
	}
	for _, table := range []string{"subscribers", "consent_events", "signup_requests", "outbound_messages"} {
		if n := b.count(t, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows after invalid sign-ups, want 0", table, n)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_signup_request'`); n != 0 {
		t.Errorf("%d YES requests scheduled by invalid sign-ups", n)
	}
	if len(b.fake.Requests()) != 0 {
		t.Errorf("texts sent for invalid sign-ups: %d", len(b.fake.Requests()))
	}
}

// A number in any state gets byte-for-byte the same answer, and the text
// only when it is new, pending (outside the window) or expired: a number
// stopped in any words gets nothing (only the person re-opens it, by text).
func TestSignupSameAnswerWhateverTheState(t *testing.T) {
	t.Parallel()
	// Every post here comes from 127.0.0.1: the per-address limit is not
	// what this test is about.
	b := setupSignup(t, withLimits(func(l *signup.Limits) { l.PerAddress.N = 0 }))
	const (
		fresh     = "+12125550101"
		pending   = "+12125550102"
		active    = "+12125550103"
		stopped   = "+12125550104" // STOP through the carrier: Twilio blocks it
		revoked   = "+12125550105" // stopped in words: the carrier would deliver, we do not
		expired   = "+12125550106"
		carrierNo = "+12125550107" // refused with 21610 when we texted it
	)
	// Bring each number to its state, as people and the carrier would.
	b.text(t, active, "JOIN")
	b.text(t, stopped, "JOIN")
	b.text(t, stopped, "STOP")
	b.text(t, revoked, "JOIN")
	b.text(t, revoked, "please stop texting me")
	b.submit(t, signUp(expired))
	b.fake.OptOut(carrierNo)
	b.submit(t, signUp(carrierNo))
	b.settle(t)
	b.advance(8 * 24 * time.Hour)
	if n, err := b.svc.ExpirePending(context.Background()); err != nil || n != 1 {
		t.Fatalf("ExpirePending = %d, %v; want the one pending sign-up", n, err)
	}
	b.submit(t, signUp(pending)) // pending now, asked within the window below
	b.settle(t)
	before := map[string]int{}
	for _, n := range []string{fresh, pending, active, stopped, revoked, expired, carrierNo} {
		before[n] = len(b.fake.RequestsTo(n))
	}
	for n, want := range map[string]store.State{pending: store.Pending, active: store.Active, stopped: store.Stopped,
		revoked: store.Stopped, expired: store.Expired, carrierNo: store.Stopped} {
		if got := b.state(n); got != want {
			t.Fatalf("setup: %s is %s, want %s", n, got, want)
		}
	}

	cases := []struct {
		number   string
		wantText bool
	}{
		{fresh, true}, {pending, false}, {active, false}, {stopped, false}, {revoked, false}, {expired, true}, {carrierNo, false},
	}
	var first answer     // the first number's answer to the post
	var firstDone string // and the page it leads to
	for i, c := range cases {
		// Typed differently each time, with and without a zone: none of it shows.
		typed := c.number[2:5] + "-" + c.number[5:8] + "-" + c.number[8:]
		a := b.submit(t, signUp(typed, "tz", []string{"", "America/New_York"}[i%2]))
		done := b.get(t, a.header.Get("Location"))
		a.header.Del("Date")
		done.header.Del("Date")
		if i == 0 {
			first, firstDone = a, done.body
			if a.code != http.StatusSeeOther || a.header.Get("Location") != "/signup/done" || done.code != http.StatusOK {
				t.Fatalf("valid sign-up answered %d to %q, want 303 to /signup/done", a.code, a.header.Get("Location"))
			}
			continue
		}
		if a.code != first.code || !sameHeader(a.header, first.header) || a.body != first.body {
			t.Errorf("%s: answered %d %v (%d bytes), the first number got %d %v (%d bytes)", c.number, a.code, a.header, len(a.body), first.code, first.header, len(first.body))
		}
		if done.body != firstDone {
			t.Errorf("%s: the page after the sign-up differs from the first number's", c.number)
		}
	}
	b.settle(t)
	for _, c := range cases {
		got := len(b.fake.RequestsTo(c.number)) - before[c.number]
		want := 0
		if c.wantText {
			want = 1
		}
		if got != want {
			t.Errorf("%s: %d texts after the sign-up, want %d", c.number, got, want)
		}
		if want == 1 && got == 1 {
			if msgs := b.fake.RequestsTo(c.number); msgs[len(msgs)-1].Body != b.program.Replies.PendingConfirm {
				t.Errorf("%s: text %q, want the YES request", c.number, msgs[len(msgs)-1].Body)
			}
		}
	}
	// What the page says, to everyone: how to start by text.
	// START works for everyone, even a number the carrier blocked after an
	// exact STOP (the join keyword would not reach the service then).
	for _, want := range []string{"Check your phone", "reply YES", "text <strong>START</strong>", "(212) 555-0199"} {
		if !strings.Contains(firstDone, want) {
			t.Errorf("answer page lacks %q", want)
		}
	}
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// At most one YES request per number in any 24 hours, however often the
// form is sent and whoever sends it.
func TestSignupOneTextPerNumberPerWindow(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	const number = "+13125550148"
	send := func(times int) {
		for range times {
			if a := b.submit(t, signUp("312 555 0148")); a.code != http.StatusSeeOther {
				t.Fatalf("sign-up answered %d", a.code)
			}
		}
		b.settle(t)
	}
	send(4)
	if got := len(b.textsTo(t, number, 1)); got != 1 {
		t.Fatalf("texts after 4 sign-ups = %d, want 1", got)
	}
	b.advance(23*time.Hour + 59*time.Minute)
	send(2)
	if got := len(b.fake.RequestsTo(number)); got != 1 {
		t.Fatalf("texts 23h59m later = %d, want still 1", got)
	}
	b.advance(2 * time.Minute)
	send(3)
	if got := len(b.textsTo(t, number, 2)); got != 2 {
		t.Fatalf("texts after the window = %d, want 2", got)
	}
	sub := b.subscriber(t, number)
	history, err := pgtest.ConsentHistory(context.Background(), b.db, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The sign-up and its renewal a day later, each with its evidence; the
	// repeats within the window change nothing.
	if len(history) != 2 || history[0].FromState != nil || *history[1].FromState != store.Pending || history[1].ToState != store.Pending {
		t.Fatalf("ledger = %+v, want the sign-up and one renewal", history)
	}
	if n := b.count(t, `SELECT count(*) FROM signup_requests`); n != 2 {
		t.Errorf("signup_requests = %d, want 2", n)
	}

	// Unanswered, a third a day later; then no more for 30 days, however
	// often someone asks: nobody can have the request sent to another
	// person's phone every day.
	b.advance(25 * time.Hour)
	send(1)
	if got := len(b.textsTo(t, number, 3)); got != 3 {
		t.Fatalf("texts two days in = %d, want 3", got)
	}
	for range 5 {
		b.advance(25 * time.Hour)
		send(1)
	}
	if got := len(b.fake.RequestsTo(number)); got != 3 {
		t.Fatalf("texts a week in = %d, want still 3 (SIGNUP_LIMIT_PER_NUMBER)", got)
	}
	b.advance(30 * 24 * time.Hour)
	send(1)
	if got := len(b.textsTo(t, number, 4)); got != 4 {
		t.Fatalf("texts 30 days later = %d, want 4", got)
	}
	// The metrics count valid posts, never what each did: a label that
	// moved for a known number would tell anyone who can read /metrics.
	body := scrape(t, b.metrics)
	if !strings.Contains(body, `textsupport_signups_total{outcome="valid"} `) {
		t.Errorf("valid sign-ups not counted:\n%s", grep(body, "signups_total"))
	}
	for _, leak := range []string{"requested", "active", "recent", "number_capped", "carrier_blocked"} {
		if strings.Contains(body, `textsupport_signups_total{outcome="`+leak+`"}`) {
			t.Errorf("metrics count sign-ups by what they did (%s):\n%s", leak, grep(body, "signups_total"))
		}
	}
}

// YES to the request activates the subscriber, answers with the
// programme's confirmation and starts the sequence, end to end: form,
// sender, carrier, webhook.
func TestSignupYESActivatesAndStartsSequence(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	const number = "+12025550142"
	b.submit(t, signUp("202-555-0142", "tz", "America/New_York"))
	msgs := b.textsTo(t, number, 1)
	if len(msgs) != 1 || msgs[0].Body != b.program.Replies.PendingConfirm {
		t.Fatalf("texts after sign-up = %+v, want the YES request", msgs)
	}
	if st := b.state(number); st != store.Pending {
		t.Fatalf("state before YES = %s, want pending", st)
	}
	// Nothing else goes while the person has not answered.
	time.Sleep(300 * time.Millisecond)
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("%d texts before YES, want only the request", n)
	}

	// The carrier answers an exact YES with its opt-in text (set to the
	// programme's confirmation); the service adds no second copy.
	if got, want := b.text(t, number, "Yes"), inbound.EmptyTwiML; got != want {
		t.Fatalf("YES answered %s\nwant %s", got, want)
	}
	sub := b.subscriber(t, number)
	if sub.State != store.Active || sub.OptedInAt == nil || sub.TimeZone != "America/New_York" || sub.Source != store.MethodWebForm {
		t.Fatalf("after YES: %+v", sub)
	}
	msgs = b.textsTo(t, number, 2)
	if len(msgs) != 2 || msgs[1].Body != b.program.Sequence[0].Body {
		t.Fatalf("texts after YES = %d, want the request then the first step", len(msgs))
	}
	history, _ := pgtest.ConsentHistory(context.Background(), b.db, sub.ID)
	if len(history) != 2 || history[0].ToState != store.Pending || history[0].Method != store.MethodWebForm ||
		*history[1].FromState != store.Pending || history[1].ToState != store.Active || history[1].Reason != "YES" || history[1].MessageSID == "" {
		t.Fatalf("ledger = %+v", history)
	}
	// Signing up again once subscribed sends nothing and changes nothing.
	b.advance(48 * time.Hour)
	b.submit(t, signUp(number))
	b.settle(t)
	if n := len(b.fake.RequestsTo(number)); n != 2 {
		t.Errorf("a sign-up of a subscribed number sent a text (%d in all)", n)
	}
}

// Without a YES nothing more is ever sent: the request is the only text,
// and after a week the sign-up expires, with its ledger row.
func TestSignupNoYESNothingMore(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	const number = "+14165550100"
	b.submit(t, signUp("416-555-0100"))
	if n := len(b.textsTo(t, number, 1)); n != 1 {
		t.Fatalf("texts = %d, want the request", n)
	}
	sub := b.subscriber(t, number)

	b.advance(6*24*time.Hour + 23*time.Hour)
	if n, err := b.svc.ExpirePending(context.Background()); err != nil || n != 0 {
		t.Fatalf("ExpirePending after 6d23h = %d, %v; want 0", n, err)
	}
	b.advance(2 * time.Hour)
	if n, err := b.svc.ExpirePending(context.Background()); err != nil || n != 1 {
		t.Fatalf("ExpirePending after 7d1h = %d, %v; want 1", n, err)
	}
	if n, _ := b.svc.ExpirePending(context.Background()); n != 0 {
		t.Fatalf("ExpirePending again expired %d", n)
	}
	history, _ := pgtest.ConsentHistory(context.Background(), b.db, sub.ID)
	last := history[len(history)-1]
	if len(history) != 2 || *last.FromState != store.Pending || last.ToState != store.Expired || last.Reason != signup.ReasonExpired || last.Method != store.MethodWebForm {
		t.Fatalf("ledger = %+v, want the sign-up and its expiry", history)
	}
	b.settle(t)
	time.Sleep(300 * time.Millisecond)
	if n := len(b.fake.RequestsTo(number)); n != 1 {
		t.Fatalf("%d texts in all, want only the request", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE (args->>'subscriber_id')::bigint = $1 AND kind = 'send_step'`, sub.ID); n != 0 {
		t.Fatalf("%d sequence jobs for a sign-up that never said YES", n)
	}
	stats, _ := b.db.Totals(context.Background())
	if stats.Subscribers[store.Pending] != 0 || stats.Subscribers[store.Expired] != 1 {
		t.Errorf("totals = %v, want 0 pending and 1 expired", stats.Subscribers)
	}
	// A YES after expiry is an opt-in by text, like anyone's: answered (by
	// the carrier, with the confirmation), recorded, the sequence started.
	if got := b.text(t, number, "YES"); got != inbound.EmptyTwiML {
		t.Fatalf("YES after expiry answered %s", got)
	}
	if st := b.state(number); st != store.Active {
		t.Fatalf("state after a late YES = %s, want active", st)
	}
}

// The ledger row holds the disclosure version shown (and the disclosure
// itself is on record), the IP and user agent, and what was typed;
// encrypted, and nothing of it in the clear in the database or the logs.
func TestSignupLedgerEvidence(t *testing.T) {
	t.Parallel()
	b := setupSignup(t)
	const number = "+13105550100"
	a := b.submit(t, signUp(" (310) 555-0100 ", "tz", "America/Los_Angeles"),
		"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) TestBrowser/1.0",
		"Accept-Language", "en-US,en;q=0.9")
	if a.code != http.StatusSeeOther {
		t.Fatalf("sign-up = %d", a.code)
	}
	sub := b.subscriber(t, number)
	if sub.State != store.Pending || sub.Source != store.MethodWebForm || sub.TimeZone != "America/Los_Angeles" || sub.Last4 != "0100" {
		t.Fatalf("subscriber = %+v", sub)
	}
	history, err := pgtest.ConsentHistory(context.Background(), b.db, sub.ID)
	if err != nil || len(history) != 1 {
		t.Fatalf("ledger = %v, %v", history, err)
	}
	ev := history[0]
	d := b.deps.Disclosure()
	if ev.Method != store.MethodWebForm || ev.Reason != signup.ReasonSignup || ev.ToState != store.Pending || ev.DisclosureVersion != d.Version {
		t.Fatalf("ledger row = %+v, want web_form signup with version %s", ev, d.Version)
	}
	if !regexp.MustCompile(`^web-1\+[0-9a-f]{16}$`).MatchString(ev.DisclosureVersion) {
		t.Errorf("disclosure version %q, want label+hash", ev.DisclosureVersion)
	}
	recorded, err := findDisclosure(b.db, ev.DisclosureVersion)
	if err != nil || recorded.HTML != d.HTML || !strings.Contains(recorded.Text, "Msg & data rates may apply") ||
		!strings.Contains(recorded.TermsHTML, "Text message terms") || !strings.Contains(recorded.PrivacyHTML, "Text message privacy") {
		t.Fatalf("disclosure on record = %+v, %v", recorded, err)
	}
	raw, err := b.vault.Open(vault.Evidence, sub.PhoneHash, ev.EvidenceEnc)
	if err != nil {
		t.Fatal(err)
	}
	var e signup.Evidence
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	if e.IP != "127.0.0.1" || !strings.HasPrefix(e.RemoteAddr, "127.0.0.1:") || !strings.Contains(e.UserAgent, "TestBrowser/1.0") ||
		e.PhoneTyped != " (310) 555-0100 " || e.Phone != number || e.Consent != "yes" || e.TimeZone != "America/Los_Angeles" ||
		e.AcceptLanguage != "en-US,en;q=0.9" || e.DisclosureVersion != d.Version || e.DisclosureText != d.Text ||
		e.PageURL != b.public+"/signup" || time.Since(e.SubmittedAt) > time.Minute {
		t.Fatalf("evidence = %+v", e)
	}

	// Nothing of it in the clear: not in any table, not in the logs.
	var dump string
	b.db.Pool.QueryRow(context.Background(), `
		SELECT string_agg(t, ' ') FROM (
			SELECT row_to_json(s)::text AS t FROM subscribers s UNION ALL
			SELECT row_to_json(c)::text FROM consent_events c UNION ALL
			SELECT row_to_json(l)::text FROM signup_limits l UNION ALL
			SELECT row_to_json(j)::text FROM river_job j) x`).Scan(&dump)
	for _, secret := range []string{"3105550100", "555-0100", "127.0.0.1", "TestBrowser", "+1310555"} {
		if strings.Contains(dump, secret) {
			t.Errorf("database holds %q in the clear", secret)
		}
	}
	b.settle(t)
	logs := b.logs.String()
	if !strings.Contains(logs, "web sign-up") {
		t.Fatalf("no sign-up log line captured; the check would prove nothing:\n%s", logs)
	}
	for _, secret := range []string{"3105550100", "555-0100", "TestBrowser", "310) 555"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold %q", secret)
		}
	}
	// Nor what the sign-up did: "requested" here would say the number was new.
	if strings.Contains(logs, `"outcome"`) {
		t.Errorf("logs say what a sign-up did:\n%s", grep(logs, "outcome"))
	}
}

// Behind a trusted proxy the client is the address it forwarded: in the
// evidence and in the limits. Without the setting the header is ignored.
func TestSignupBehindProxy(t *testing.T) {
	t.Parallel()
	limit := withLimits(func(l *signup.Limits) { l.PerAddress = signup.Limit{N: 1, Per: time.Hour} })
	b := setupSignup(t, withTrustedProxies("127.0.0.1/32"), limit)
	for i, n := range []string{"212-555-0191", "212-555-0192"} {
		addr := []string{"198.51.100.23", "198.51.100.24"}[i]
		if a := b.submit(t, signUp(n), "X-Forwarded-For", "203.0.113.99, "+addr); a.code != http.StatusSeeOther {
			t.Fatalf("sign-up from %s = %d; each forwarded address has its own limit", addr, a.code)
		}
	}
	if a := b.submit(t, signUp("212-555-0193"), "X-Forwarded-For", "198.51.100.24"); a.code != http.StatusTooManyRequests {
		t.Fatalf("second sign-up from 198.51.100.24 = %d, want 429", a.code)
	}
	history, _ := pgtest.ConsentHistory(context.Background(), b.db, b.subscriber(t, "+12125550191").ID)
	raw, _ := b.vault.Open(vault.Evidence, b.vault.Hash("+12125550191"), history[0].EvidenceEnc)
	var e signup.Evidence
	json.Unmarshal(raw, &e)
	if e.IP != "198.51.100.23" || e.ForwardedFor != "203.0.113.99, 198.51.100.23" || !strings.HasPrefix(e.RemoteAddr, "127.0.0.1:") {
		t.Errorf("evidence behind a proxy = ip %q, forwarded %q, remote %q", e.IP, e.ForwardedFor, e.RemoteAddr)
	}

	// Not configured: a forged header changes nothing.
	direct := setupSignup(t, limit)
	direct.submit(t, signUp("212-555-0194"), "X-Forwarded-For", "198.51.100.1")
	if a := direct.submit(t, signUp("212-555-0195"), "X-Forwarded-For", "198.51.100.2"); a.code != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the per-address limit: %d", a.code)
	}
}

// The limits answer 429 with when to try again; a honeypot and a form from
// another site send nothing.
func TestSignupRefusals(t *testing.T) {
	t.Parallel()
	t.Run("per address", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t, withLimits(func(l *signup.Limits) { l.PerAddress = signup.Limit{N: 2, Per: time.Hour} }))
		for i, n := range []string{"212-555-0111", "212-555-0112"} {
			if a := b.submit(t, signUp(n)); a.code != http.StatusSeeOther {
				t.Fatalf("sign-up %d = %d", i, a.code)
			}
		}
		a := b.submit(t, signUp("212-555-0113"))
		if a.code != http.StatusTooManyRequests {
			t.Fatalf("third sign-up from one address = %d, want 429", a.code)
		}
		retry := a.header.Get("Retry-After")
		if retry == "" || retry == "0" {
			t.Errorf("Retry-After = %q", retry)
		}
		for _, want := range []string{"Please try again later", "You can try again in", "from your network", "text <strong>START</strong>"} {
			if !strings.Contains(a.body, want) {
				t.Errorf("429 page lacks %q", want)
			}
		}
		// Invalid posts do not use up the sign-ups, but every post counts
		// towards the posts limit.
		if st := b.state("+12125550113"); st != "none" {
			t.Errorf("refused number recorded as %s", st)
		}
		b.settle(t)
		if n := len(b.fake.Requests()); n != 2 {
			t.Errorf("%d texts, want 2", n)
		}
		body := scrape(t, b.metrics)
		if !strings.Contains(body, `textsupport_limited_total{limit="signup_ip"} 1`) || !strings.Contains(body, `textsupport_signups_total{outcome="valid"} 2`) {
			t.Errorf("metrics lack the refusal:\n%s", grep(body, "signup"))
		}
		// A later window lets the address in again.
		b.advance(time.Hour)
		if a := b.submit(t, signUp("212-555-0113")); a.code != http.StatusSeeOther {
			t.Errorf("sign-up an hour later = %d", a.code)
		}
	})
	t.Run("posts per address", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t, withLimits(func(l *signup.Limits) { l.PostsPerAddress = signup.Limit{N: 3, Per: 10 * time.Minute} }))
		for range 3 {
			if a := b.submit(t, url.Values{"phone": {"nope"}}); a.code != http.StatusUnprocessableEntity {
				t.Fatalf("invalid post = %d", a.code)
			}
		}
		a := b.submit(t, signUp("212-555-0114"))
		if a.code != http.StatusTooManyRequests || !strings.Contains(a.body, "try again in") {
			t.Fatalf("fourth post = %d, want 429", a.code)
		}
		if n := b.count(t, `SELECT count(*) FROM subscribers`); n != 0 {
			t.Errorf("refused post recorded %d subscribers", n)
		}
	})
	t.Run("global", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t, withLimits(func(l *signup.Limits) { l.Global = signup.Limit{N: 1, Per: time.Hour} }))
		b.submit(t, signUp("212-555-0115"))
		a := b.submit(t, signUp("312-555-0115"))
		if a.code != http.StatusTooManyRequests || !strings.Contains(a.body, "unusual number of sign-ups") {
			t.Fatalf("second sign-up over the global limit = %d", a.code)
		}
	})
	t.Run("honeypot", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t)
		a := b.submit(t, signUp("212-555-0116", "website", "http://spam.example"))
		if a.code != http.StatusSeeOther || a.header.Get("Location") != "/signup/done" {
			t.Fatalf("honeypot answered %d %q, want the same answer as everyone", a.code, a.header.Get("Location"))
		}
		if n := b.count(t, `SELECT count(*) FROM subscribers`) + b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
			t.Errorf("a filled honeypot left %d rows", n)
		}
		if !strings.Contains(scrape(t, b.metrics), `textsupport_limited_total{limit="signup_honeypot"} 1`) {
			t.Error("honeypot not counted in metrics")
		}
	})
	t.Run("another site's form", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t)
		a := b.submit(t, signUp("212-555-0117"), "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if a.code != http.StatusForbidden {
			t.Fatalf("cross-site post = %d, want 403", a.code)
		}
		if n := b.count(t, `SELECT count(*) FROM subscribers`); n != 0 {
			t.Errorf("cross-site post recorded %d subscribers", n)
		}
	})
	t.Run("no number in a query string", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t)
		req, _ := http.NewRequest(http.MethodPost, b.server.URL+"/signup?phone=2125550118&consent=yes", nil)
		if a := b.do(t, req); a.code != http.StatusUnprocessableEntity {
			t.Fatalf("query-string sign-up = %d, want 422 (only the body counts)", a.code)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		t.Parallel()
		b := setupSignup(t)
		if a := b.submit(t, signUp("212-555-0119", "website", strings.Repeat("x", 64<<10))); a.code != http.StatusRequestEntityTooLarge {
			t.Fatalf("64 KB post = %d, want 413", a.code)
		}
	})
}

// Every valid sign-up takes at least AnswerAfter, whatever the number's
// state: timing must not tell a new number from an enrolled one.
func TestSignupResponseTimeFloor(t *testing.T) {
	t.Parallel()
	const floor = 250 * time.Millisecond
	b := setupSignup(t, withAnswerAfter(floor))
	b.text(t, "+12125550120", "JOIN")
	for _, n := range []string{"212-555-0120", "212-555-0121", "212-555-0121"} {
		start := time.Now()
		a := b.submit(t, signUp(n))
		if took := time.Since(start); a.code != http.StatusSeeOther || took < floor {
			t.Errorf("sign-up answered %d after %s, want 303 after at least %s", a.code, took, floor)
		}
	}
}

// The answer comes at the deadline even when the database is slower: here
// the number's lock is held by another transaction until the answer has
// come, and the sign-up is recorded after it.
func TestSignupAnswersAtDeadlineWhateverTheDatabaseTakes(t *testing.T) {
	t.Parallel()
	const deadline = 100 * time.Millisecond
	b := setupSignup(t, withAnswerAfter(deadline))
	const number = "+12125550122"
	ctx := context.Background()
	tx, err := b.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := store.LockNumber(ctx, tx, b.vault.Hash(number), false); err != nil {
		t.Fatal(err)
	}

	answered := make(chan int, 1)
	start := time.Now()
	go func() {
		resp, err := noRedirects.PostForm(b.server.URL+"/signup", signUp("212-555-0122"))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	var code int
	select {
	case code = <-answered:
	case <-time.After(30 * time.Second):
		t.Fatal("no answer while the number's lock was held: the answer waited for the database")
	}
	if took := time.Since(start); code != http.StatusSeeOther || took < deadline {
		t.Fatalf("sign-up answered %d after %s, want 303 after %s", code, took, deadline)
	}
	if st := b.state(number); st != "none" {
		t.Fatalf("state before the lock is released = %s, want none", st)
	}
	tx.Rollback(ctx)
	for wait := time.Now().Add(10 * time.Second); b.state(number) != store.Pending; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatalf("state after the lock is released = %s, want pending", b.state(number))
		}
	}
}

func scrape(t *testing.T, m interface{ Handler() http.Handler }) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

func grep(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
