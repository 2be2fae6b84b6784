package dashboard_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"textsupport/internal/store"
)

// formKey reads the reply form's one-time key from a thread page.
func formKey(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the thread has no reply form with a key")
	}
	return m[1]
}

// paragraph returns the text of the paragraph with the given id, tags
// dropped and spaces folded.
func paragraph(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<p id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no paragraph #%s in the page", id)
	}
	return strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))), " ")
}

// noSecretsLogged fails when the logs hold any of the numbers or texts.
func noSecretsLogged(t *testing.T, b *staffBundle, secrets ...string) {
	t.Helper()
	logs := b.logs.String()
	for _, s := range append(secrets, "5550199", "5550101", "5550102", "too much", "Elm St") {
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold %q", s)
		}
	}
}

// The inbox lists crisis first; an admin or a responder opens a thread
// (the number masked to its last four digits, the text shown), every
// opening is in the audit log with who, and closing moves it to the
// closed tab, once.
func TestConversations(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)

	list := admin.get("/staff/conversations")
	crisisAt := strings.Index(list.body, fmt.Sprintf(`id="conversation-%d"`, convs["crisis"]))
	freeAt := strings.Index(list.body, fmt.Sprintf(`id="conversation-%d"`, convs["free"]))
	if crisisAt < 0 || freeAt < 0 || crisisAt > freeAt {
		t.Errorf("the inbox does not list the crisis first (crisis %d, free text %d)", crisisAt, freeAt)
	}
	if strings.Contains(list.body, fmt.Sprintf(`id="conversation-%d"`, convs["closed"])) {
		t.Errorf("a closed conversation is in the inbox")
	}
	if got := paragraph(t, list.body, "open-counts"); !strings.HasPrefix(got, "1 crisis and 1 other conversation wait for staff; 0 wait for the person. The longest has waited") {
		t.Errorf("open counts = %q", got)
	}
	for _, want := range []string{"•••-•••-0199", "•••-•••-0101", "Crisis", "waiting for staff", "Assigned to nobody"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the inbox does not show %q", want)
		}
	}
	for _, secret := range []string{"5550199", "5550101", "too much", "Elm St"} {
		if strings.Contains(list.body, secret) {
			t.Errorf("the inbox shows %q", secret)
		}
	}

	for range 2 {
		page := admin.get(fmt.Sprintf("/staff/conversations/%d", convs["crisis"]))
		if page.code != http.StatusOK {
			t.Fatalf("open conversation = %d", page.code)
		}
		if !strings.Contains(page.body, `<p class="text">I took too much and feel strange</p>`) {
			t.Errorf("the thread does not show the text")
		}
		if got := textOf(t, page.body, "conversation-from"); got != "•••-•••-0199" {
			t.Errorf("from = %q", got)
		}
		if strings.Contains(page.body, "5550199") || strings.Contains(page.body, "1312") {
			t.Errorf("the thread shows more of the number than its last 4 digits")
		}
		if got := textOf(t, page.body, "conversation-state"); got != "never subscribed" {
			t.Errorf("state = %q, want never subscribed", got)
		}
		if !strings.Contains(page.body, "Automatic reply: crisis") || !strings.Contains(page.body, "read as crisis") {
			t.Errorf("the thread does not show the class and the automatic reply")
		}
	}
	free := admin.get(fmt.Sprintf("/staff/conversations/%d", convs["free"]))
	if textOf(t, free.body, "conversation-state") != "active" || !strings.Contains(free.body, "Is there a meeting near Elm St?") {
		t.Errorf("the free-text thread does not show its text and the subscriber's state")
	}
	entries, err := b.db.ListAudit(context.Background(), store.AuditQuery{Target: fmt.Sprintf("conversation:%d", convs["crisis"])})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("audit rows for the crisis conversation = %d, want one per opening (2)", len(entries))
	}
	for _, e := range entries {
		if e.Action != store.AuditConversationOpened || e.StaffID == nil || *e.StaffID != b.admin.ID || e.StaffEmail != staffAdminEmail ||
			e.ClientAddr != "127.0.0.1" || e.At.IsZero() {
			t.Errorf("audit row = %+v", e)
		}
	}

	// Close it, twice: the second changes nothing.
	for i, want := range []string{"is closed", "was already closed"} {
		a := admin.post(fmt.Sprintf("/staff/conversations/%d/close", convs["crisis"]), nil)
		if a.code != http.StatusSeeOther || a.header.Get("Location") != "/staff/conversations" {
			t.Fatalf("close #%d = %d", i+1, a.code)
		}
		if page := admin.get("/staff/conversations"); !strings.Contains(page.body, want) {
			t.Errorf("after closing #%d the page does not say %q", i+1, want)
		}
	}
	closed := admin.get("/staff/conversations?status=closed")
	if !strings.Contains(closed.body, fmt.Sprintf(`id="conversation-%d"`, convs["crisis"])) {
		t.Errorf("the crisis conversation is not in the closed tab")
	}
	if open := admin.get("/staff/conversations"); strings.Contains(open.body, fmt.Sprintf(`id="conversation-%d"`, convs["crisis"])) {
		t.Errorf("a closed conversation is still in the inbox")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conversation_closed' AND target = $1 AND staff_id = $2`,
		fmt.Sprintf("conversation:%d", convs["crisis"]), b.admin.ID); n != 1 {
		t.Errorf("conversation_closed rows by the admin = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND closed_by = $2 AND status = 'closed'`, convs["crisis"], b.admin.ID); n != 1 {
		t.Errorf("the conversation is not recorded as closed by the admin")
	}
	thread := admin.get(fmt.Sprintf("/staff/conversations/%d", convs["crisis"]))
	if !strings.Contains(thread.body, `id="reply-closed"`) || strings.Contains(thread.body, `name="body"`) {
		t.Errorf("a closed conversation still offers the reply form")
	}

	for _, path := range []string{"/staff/conversations/0", "/staff/conversations/abc", "/staff/conversations/99999"} {
		if a := admin.get(path); a.code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, a.code)
		}
	}
	for _, path := range []string{"/staff/conversations/99999/close", "/staff/conversations/99999/reveal", "/staff/conversations/99999/assign"} {
		form := url.Values{"to": {"me"}, "reason": {"call back"}, "confirm": {"yes"}}
		if a := admin.post(path, form); a.code != http.StatusNotFound {
			t.Errorf("POST %s = %d, want 404", path, a.code)
		}
	}
	if a := admin.get("/staff/conversations?status=closed&before=x"); a.code != http.StatusBadRequest {
		t.Errorf("a bad page = %d, want 400", a.code)
	}
	noSecretsLogged(t, b)
}

// Closed conversations page 50 at a time, without skipping or repeating one.
func TestConversationsPaging(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	for i := range 120 {
		b.seedText(t, fmt.Sprintf("SM9%05d", i), fmt.Sprintf("+1212555%04d", 2000+i), "hello", "free_text", store.PriorityNormal)
	}
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE conversations SET status = 'closed', closed_at = now()`); err != nil {
		t.Fatal(err)
	}
	admin := b.signedIn(t, staffAdminEmail)
	seen := map[string]bool{}
	path := "/staff/conversations?status=closed"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		a := admin.get(path)
		for _, part := range strings.Split(a.body, `<li id="conversation-`)[1:] {
			id := part[:strings.Index(part, `"`)]
			if seen[id] {
				t.Errorf("conversation %s listed twice", id)
			}
			seen[id] = true
		}
		path = ""
		if i := strings.Index(a.body, `<a href="/staff/conversations?status=closed&amp;before=`); i >= 0 {
			rest := a.body[i+len(`<a href="`):]
			path = html.UnescapeString(rest[:strings.Index(rest, `"`)])
		}
	}
	if len(seen) != 120 {
		t.Errorf("listed %d conversations, want 120", len(seen))
	}
}

// A responder answers: the reply is recorded once with its audit row and
// its send job, however often the same form is sent; the thread shows it
// as waiting to be sent, by whom; no number or text reaches the logs.
func TestReply(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	responder := b.signedIn(t, staffResponderEmail)
	path := fmt.Sprintf("/staff/conversations/%d", convs["free"])
	page := responder.get(path)
	if page.code != http.StatusOK {
		t.Fatalf("responder opens a thread = %d", page.code)
	}
	key := formKey(t, page.body)
	const reply = "There is one on Tuesdays at 7pm, call us to hear more."
	for i, want := range []string{"Your reply is on its way: 1 text message.", "That reply was already sent once; it was not sent again."} {
		a := responder.post(path+"/reply", url.Values{"body": {reply}, "key": {key}})
		if a.code != http.StatusSeeOther || a.header.Get("Location") != path+"#reply" {
			t.Fatalf("reply #%d = %d to %q\n%s", i+1, a.code, a.header.Get("Location"), a.body)
		}
		if got := responder.get(path); !strings.Contains(got.body, want) {
			t.Errorf("after reply #%d the page does not say %q", i+1, want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies WHERE conversation_id = $1 AND staff_id = $2`, convs["free"], b.responder.ID); n != 1 {
		t.Errorf("staff replies = %d, want 1 for a form sent twice", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_staff_reply'`); n != 1 {
		t.Errorf("send jobs = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conversation_reply' AND staff_id = $1 AND target = $2`,
		b.responder.ID, fmt.Sprintf("conversation:%d", convs["free"])); n != 1 {
		t.Errorf("reply audit rows by the responder = %d, want 1", n)
	}
	thread := responder.get(path)
	if !strings.Contains(thread.body, `<p class="text">`+html.EscapeString(reply)+`</p>`) ||
		!strings.Contains(thread.body, "Reply by "+staffResponderEmail) || !strings.Contains(thread.body, "Waiting to be sent") {
		t.Errorf("the thread does not show the reply, its author and that it waits to be sent")
	}
	if k := formKey(t, thread.body); k == key {
		t.Errorf("the form's key is the same on the next page: %q", k)
	}

	// Refused before anything is recorded: empty, too long, no key.
	long := strings.Repeat("word ", 400) // 2,000 characters: 14 segments
	for _, c := range []struct {
		name string
		form url.Values
		code int
		want string
	}{
		{"empty", url.Values{"body": {"  "}, "key": {"k-empty"}}, http.StatusUnprocessableEntity, "Write a reply first."},
		{"too long", url.Values{"body": {long}, "key": {"k-long"}}, http.StatusUnprocessableEntity, "This reply is 14 text messages long; at most 10 can go at once."},
		{"no key", url.Values{"body": {"hello"}}, http.StatusBadRequest, "The form was out of date."},
	} {
		a := responder.post(path+"/reply", c.form)
		if a.code != c.code || !strings.Contains(a.body, c.want) {
			t.Errorf("%s: %d, want %d saying %q", c.name, a.code, c.code, c.want)
		}
	}
	if a := responder.post(path+"/reply", url.Values{"body": {long}, "key": {"k-long"}}); !strings.Contains(a.body, strings.TrimSpace(long)) {
		t.Errorf("a refused reply's text is not kept in the box")
	}
	if n := b.count(t, `SELECT count(*) FROM staff_replies`); n != 1 {
		t.Errorf("staff replies = %d after refusals, want 1", n)
	}
	noSecretsLogged(t, b, "Tuesdays")
}

// A reply to someone who has opted out is refused with the reason, and
// nothing is recorded: no reply, no job, no audit row of a reply.
func TestReplyToStoppedNumber(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	// B stopped 20 days ago, and writes now.
	conv := b.seedText(t, "SM201", "+12125550102", "who is this", "free_text", store.PriorityNormal)
	responder := b.signedIn(t, staffResponderEmail)
	path := fmt.Sprintf("/staff/conversations/%d", conv)
	page := responder.get(path)
	if got := textOf(t, page.body, "reply-opted-out"); got != "This person has opted out: nothing can be sent to them." {
		t.Errorf("the thread says %q about replying", got)
	}
	if textOf(t, page.body, "conversation-state") != "stopped" {
		t.Errorf("the thread does not show the subscriber stopped")
	}
	a := responder.post(path+"/reply", url.Values{"body": {"Are you OK?"}, "key": {"k-stopped"}})
	if a.code != http.StatusConflict || !strings.Contains(a.body, "This person has opted out: nothing can be sent to them.") {
		t.Errorf("reply to a stopped number = %d, want 409 saying they opted out", a.code)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM staff_replies`:                                                    0,
		`SELECT count(*) FROM river_job WHERE kind = 'send_staff_reply'`:                        0,
		`SELECT count(*) FROM audit_log WHERE action = 'conversation_reply'`:                    0,
		`SELECT count(*) FROM outbound_messages WHERE kind = 'staff_reply'`:                     0,
		`SELECT count(*) FROM conversations WHERE first_reply_at IS NOT NULL`:                   0,
		`SELECT count(*) FROM conversations WHERE status = 'open' AND id = ` + fmt.Sprint(conv): 1,
	} {
		if n := b.count(t, q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	noSecretsLogged(t, b, "Are you OK", "who is this")
}

// The full number is revealed only after a reason and a second
// confirmation, once, on the page that answers the form; the reveal is in
// the audit log with who and why, and shown on the thread after.
func TestRevealNumber(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	responder := b.signedIn(t, staffResponderEmail)
	path := fmt.Sprintf("/staff/conversations/%d", convs["crisis"])
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no reason", url.Values{"confirm": {"yes"}}, "Say why you need the full number."},
		{"not confirmed", url.Values{"reason": {"calling back"}}, "Tick the box to confirm"},
		{"a number in the reason", url.Values{"reason": {"call 312 555 0199"}, "confirm": {"yes"}}, "without a phone number"},
	} {
		a := responder.post(path+"/reveal", c.form)
		if a.code != http.StatusUnprocessableEntity || !strings.Contains(textOf(t, a.body, "reveal-error"), c.want) {
			t.Errorf("%s: %d, want 422 saying %q", c.name, a.code, c.want)
		}
		if strings.Contains(a.body, "5550199") {
			t.Errorf("%s: the refused reveal shows the number", c.name)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'number_revealed'`); n != 0 {
		t.Fatalf("refused reveals left %d audit rows", n)
	}
	a := responder.post(path+"/reveal", url.Values{"reason": {"calling back, they asked"}, "confirm": {"yes"}})
	if a.code != http.StatusOK || textOf(t, a.body, "revealed-number") == "" || !strings.Contains(html.UnescapeString(a.body), ">+13125550199</a>") {
		t.Fatalf("reveal = %d, want the full number on the page\n%s", a.code, a.body)
	}
	entries, err := b.db.ListAudit(context.Background(), store.AuditQuery{Target: fmt.Sprintf("conversation:%d", convs["crisis"])})
	if err != nil {
		t.Fatal(err)
	}
	var reveals int
	for _, e := range entries {
		if e.Action == store.AuditNumberRevealed {
			reveals++
			if e.StaffID == nil || *e.StaffID != b.responder.ID || e.Detail != "calling back, they asked" {
				t.Errorf("reveal audit row = %+v", e)
			}
		}
	}
	if reveals != 1 {
		t.Errorf("reveal audit rows = %d, want 1", reveals)
	}
	thread := responder.get(path)
	if !strings.Contains(thread.body, "Full number revealed by "+staffResponderEmail) || !strings.Contains(thread.body, "(calling back, they asked)") {
		t.Errorf("the thread does not say who revealed the number and why")
	}
	if strings.Contains(thread.body, "5550199") {
		t.Errorf("the thread shows the full number after a reveal")
	}
	var dump string
	b.db.Pool.QueryRow(context.Background(), `SELECT string_agg(row_to_json(a)::text, ' ') FROM audit_log a`).Scan(&dump)
	if strings.Contains(dump, "5550199") {
		t.Errorf("the audit log holds the number")
	}
	noSecretsLogged(t, b)
}

// Assigning to oneself and to nobody, each in the audit log.
func TestAssign(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	responder := b.signedIn(t, staffResponderEmail)
	path := fmt.Sprintf("/staff/conversations/%d", convs["free"])
	if a := responder.post(path+"/assign", url.Values{"to": {"me"}}); a.code != http.StatusSeeOther || a.header.Get("Location") != path {
		t.Fatalf("assign = %d to %q", a.code, a.header.Get("Location"))
	}
	if got := textOf(t, responder.get(path).body, "conversation-assignee"); got != staffResponderEmail {
		t.Errorf("assignee = %q", got)
	}
	if list := responder.get("/staff/conversations"); !strings.Contains(list.body, "Assigned to "+staffResponderEmail) {
		t.Errorf("the inbox does not show the assignee")
	}
	responder.post(path+"/assign", url.Values{"to": {"nobody"}})
	if got := textOf(t, responder.get(path).body, "conversation-assignee"); got != "nobody" {
		t.Errorf("assignee after unassigning = %q", got)
	}
	if a := responder.post(path+"/assign", url.Values{"to": {"someone"}}); a.code != http.StatusBadRequest {
		t.Errorf("assign to someone = %d, want 400", a.code)
	}
	target := fmt.Sprintf("conversation:%d", convs["free"])
	for detail, want := range map[string]int{fmt.Sprintf("staff:%d", b.responder.ID): 1, "nobody": 1} {
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conversation_assigned' AND staff_id = $1 AND target = $2 AND detail = $3`,
			b.responder.ID, target, detail); n != want {
			t.Errorf("assignments to %s in the audit log = %d, want %d", detail, n, want)
		}
	}
}

// A ready-made answer fills the reply box, without JavaScript too.
func TestCannedReply(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)
	c := b.program.CannedReplies[0]
	page := admin.get(fmt.Sprintf("/staff/conversations/%d?canned=%s", convs["free"], url.QueryEscape(c.Name)))
	if !strings.Contains(page.body, `name="body" rows="5"`) || !strings.Contains(page.body, ">"+html.EscapeString(c.Body)+"</textarea>") {
		t.Errorf("the canned reply %q does not fill the box", c.Name)
	}
	if !strings.Contains(textOf(t, page.body, "body-count"), fmt.Sprintf("This reply is %d text message", c.Segments)) {
		t.Errorf("the page does not say the filled reply's length: %q", textOf(t, page.body, "body-count"))
	}
}

// The inbox refreshes itself: its part of the page, for a session only,
// without counting as activity; the page's one script is allowed by its
// hash and nothing else runs.
func TestLiveInbox(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	if a := b.browser(t).get("/staff/conversations/live"); a.code != http.StatusUnauthorized {
		t.Errorf("the live inbox without a session = %d, want 401", a.code)
	}
	start := time.Now()
	b.setNow(start)
	admin := b.signedIn(t, staffAdminEmail)
	page := admin.get("/staff/conversations")
	if !strings.Contains(page.body, `data-live="/staff/conversations/live"`) {
		t.Errorf("the inbox does not say where to refresh from")
	}
	part := admin.get("/staff/conversations/live")
	if part.code != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(part.body), `<div id="inbox"`) || strings.Contains(part.body, "<html") ||
		!strings.Contains(part.body, fmt.Sprintf(`id="conversation-%d"`, convs["crisis"])) {
		t.Errorf("the live part = %d\n%s", part.code, part.body)
	}
	// A new conversation shows at the next refresh.
	fresh := b.seedText(t, "SM301", "+12125550150", "can someone call me", "free_text", store.PriorityNormal)
	if part := admin.get("/staff/conversations/live"); !strings.Contains(part.body, fmt.Sprintf(`id="conversation-%d"`, fresh)) {
		t.Errorf("the live part does not show the new conversation")
	}
	viewer := b.signedIn(t, staffViewerEmail)
	if part := viewer.get("/staff/conversations/live"); part.code != http.StatusOK || strings.Contains(part.body, "conversation-") || strings.Contains(part.body, "•••") {
		t.Errorf("the viewer's live part shows the conversations")
	}

	// The script's hash is the one the CSP allows.
	m := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page.body, -1)
	if len(m) != 1 {
		t.Fatalf("the page has %d inline scripts, want 1", len(m))
	}
	sum := sha256.Sum256([]byte(m[0][1]))
	csp := page.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"';") || strings.Contains(csp, "unsafe") ||
		!strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q does not allow exactly the page's script", csp)
	}

	// Refreshing is not activity: 25 minutes of it, then 10 more minutes
	// idle, and the session is over.
	b.setNow(start.Add(25 * time.Minute))
	if a := admin.get("/staff/conversations/live"); a.code != http.StatusOK {
		t.Fatalf("refresh at 25 minutes = %d", a.code)
	}
	b.setNow(start.Add(31 * time.Minute))
	if a := admin.get("/staff/conversations/live"); a.code != http.StatusUnauthorized {
		t.Errorf("refresh after 31 minutes idle = %d, want 401", a.code)
	}
	if a := admin.get("/staff/conversations"); a.code != http.StatusSeeOther {
		t.Errorf("the inbox after 31 minutes of refreshes only = %d, want 303 to sign in", a.code)
	}
}

// The old alert pages lead to the conversations.
func TestAlertsMoved(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	admin := b.signedIn(t, staffAdminEmail)
	for path, want := range map[string]string{
		"/staff/alerts":                "/staff/conversations",
		"/staff/alerts?status=handled": "/staff/conversations?status=closed",
		"/staff/alerts/12":             "/staff/conversations",
	} {
		if a := admin.get(path); a.code != http.StatusMovedPermanently || a.header.Get("Location") != want {
			t.Errorf("GET %s = %d to %q, want 301 to %q", path, a.code, a.header.Get("Location"), want)
		}
	}
}

// A responder marks an inbound message misread, with what it was: the
// thread says so, the audit log has it, and viewers cannot.
func TestMarkMisread(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	conv := convs["free"]
	var msg int64
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT min(id) FROM inbound_messages WHERE conversation_id = $1`, conv).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/staff/conversations/%d", conv)
	viewer := b.signedIn(t, staffViewerEmail)
	if a := viewer.post(path+"/misread", url.Values{"message": {fmt.Sprint(msg)}, "as": {"crisis"}}); a.code != http.StatusForbidden {
		t.Errorf("a viewer marking a message misread = %d, want 403", a.code)
	}
	responder := b.signedIn(t, staffResponderEmail)
	if !strings.Contains(responder.get(path).body, "Mark misread") {
		t.Fatal("the thread offers no way to mark a message misread")
	}
	if a := responder.post(path+"/misread", url.Values{"message": {fmt.Sprint(msg)}, "as": {"nonsense"}}); a.code != http.StatusBadRequest {
		t.Errorf("an unknown label = %d, want 400", a.code)
	}
	if a := responder.post(path+"/misread", url.Values{"message": {fmt.Sprint(msg)}, "as": {"crisis"}}); a.code != http.StatusSeeOther {
		t.Fatalf("mark misread = %d", a.code)
	}
	if page := responder.get(path).body; !strings.Contains(page, "Marked misread: it was a crisis.") {
		t.Error("the thread does not show the message marked misread")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'message_marked_misread' AND staff_id = $1`, b.responder.ID); n != 1 {
		t.Errorf("misread marks in the audit log = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM inbound_messages WHERE misread_as = 'crisis' AND misread_by = $1`, b.responder.ID); n != 1 {
		t.Errorf("messages marked = %d, want 1", n)
	}
}
