package twiliohook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"textsupport/internal/inbound"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
	"textsupport/internal/web"
	"textsupport/internal/web/webtest"

	"github.com/jackc/pgx/v5"
)

const authToken = "test-auth-token-0123456789"

// bundle is a running service on its own database, and what tests need to
// drive and inspect it.
type bundle struct {
	db      *store.DB
	sender  *sending.Sender
	vault   *vault.Vault
	program *program.Program
	server  *httptest.Server
	logs    *webtest.SyncBuffer
	log     *slog.Logger
	public  string
	sid     atomic.Int64
}

func (b *bundle) logger() *slog.Logger { return b.log }

type option func(*inbound.Service)

func carrierHandles(v bool) option { return func(s *inbound.Service) { s.CarrierHandlesOptOut = v } }

func setup(t testing.TB, opts ...option) *bundle {
	t.Helper()
	db := pgtest.New(t)
	key := bytes.Repeat([]byte{7}, 32)
	v, err := vault.New(key)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	logs := &webtest.SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, Logger: logger, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := &inbound.Service{
		DB: db, Vault: v, Logger: logger, JoinKeywords: prog.Keywords, CarrierHandlesOptOut: true,
		Replies:       prog.Replies.ByName(),
		Subscriptions: sender,
	}
	for _, o := range opts {
		o(svc)
	}
	b := &bundle{db: db, sender: sender, vault: v, program: prog, logs: logs, log: logger}
	deps := &web.Deps{Logger: logger, DB: db, Inbound: svc, AuthToken: authToken}
	b.server = httptest.NewServer(nil)
	b.public = "https://textsupport.example.org"
	deps.PublicURL, _ = url.Parse(b.public)
	b.server.Config.Handler = web.NewServer(deps)
	t.Cleanup(b.server.Close)
	return b
}

// text posts a signed inbound webhook as Twilio would and returns the answer.
func (b *bundle) text(t *testing.T, from, body string, extra ...string) (int, string) {
	t.Helper()
	return b.textSID(t, fmt.Sprintf("SM%032d", b.sid.Add(1)), from, body, extra...)
}

func (b *bundle) textSID(t *testing.T, sid, from, body string, extra ...string) (int, string) {
	t.Helper()
	form := url.Values{"MessageSid": {sid}, "AccountSid": {"AC123"}, "From": {from}, "To": {"+12125550199"}, "Body": {body}, "NumMedia": {"0"}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return b.post(t, "/twilio/sms", form, twiliofake.Sign(authToken, b.public+"/twilio/sms", form))
}

func (b *bundle) post(t *testing.T, path string, form url.Values, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func (b *bundle) state(t *testing.T, number string) store.State {
	t.Helper()
	s, err := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(number))
	if err != nil {
		return "none"
	}
	return s.State
}

func (b *bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func twiml(body string) string { return inbound.TwiML(body) }

// Each keyword class, through signed requests, in both carrier settings.
func TestInboundKeywords(t *testing.T) {
	t.Parallel()
	type step struct {
		body, optOutType string
		wantState        store.State
		wantReply        func(p *program.Program) string // "" → empty Response
	}
	confirm := func(p *program.Program) string { return p.Replies.Confirmation }
	help := func(p *program.Program) string { return p.Replies.Help }
	stop := func(p *program.Program) string { return p.Replies.Stop }
	crisis := func(p *program.Program) string { return p.Replies.Crisis }
	freeText := func(p *program.Program) string { return p.Replies.FreeText }
	freeTextAck := func(p *program.Program) string { return p.Replies.FreeTextAck }
	already := func(p *program.Program) string { return p.Replies.AlreadyActive }
	tests := []struct {
		name           string
		carrierHandles bool
		steps          []step
	}{
		{"join, help, stop; service answers", false, []step{
			{"JOIN", "", store.Active, confirm},
			{"help", "", store.Active, help},
			{"Stop", "", store.Stopped, stop},
			{"STOP", "", store.Stopped, nil}, // one confirmation only
		}},
		{"join, help, stop; carrier answers exact keywords", true, []step{
			{"join", "", store.Active, confirm},
			{"HELP", "", store.Active, nil},
			{"STOP", "", store.Stopped, nil},
			{"START", "", store.Active, nil},
		}},
		{"every opt-out word", false, []step{
			{"HOPE", "", store.Active, confirm}, {"stopall", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {" Unsubscribe ", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"cancel.", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"END", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"quit!", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"revoke", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"OPTOUT", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm}, {"opt out", "", store.Stopped, stop},
		}},
		{"opt out in other words", true, []step{
			{"JOIN", "", store.Active, confirm},
			{"please stop texting me", "", store.Stopped, stop},
			{"JOIN", "", store.Active, confirm},
			{"take me off this list", "", store.Stopped, stop},
		}},
		{"recovery talk is never an opt-out", true, []step{
			{"JOIN", "", store.Active, confirm},
			{"I can't stop using", "", store.Active, freeText},
			// Free text is answered once a day, then acknowledged at most
			// once an hour.
			{"I want to quit heroin", "", store.Active, freeTextAck},
			{"how do I stop the cravings", "", store.Active, nil},
		}},
		{"opt back in", false, []step{
			{"JOIN", "", store.Active, confirm}, {"STOP", "", store.Stopped, stop},
			{"unstop", "", store.Active, confirm}, {"STOP", "", store.Stopped, stop},
			{"yes", "", store.Active, confirm}, {"YES", "", store.Active, already},
		}},
		{"OptOutType decides first", true, []step{
			{"JOIN", "", store.Active, confirm},
			{"whatever", "STOP", store.Stopped, nil},
			{"hmm", "START", store.Active, nil},
			{"?", "HELP", store.Active, nil},
		}},
		{"crisis, whatever the state", false, []step{
			{"I want to kill myself", "", store.State("none"), crisis},
			{"JOIN", "", store.Active, confirm},
			{"I'm going to overdose", "", store.Active, crisis},
			{"STOP", "", store.Stopped, stop},
			{"I want to kill myself", "", store.Stopped, crisis},
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, carrierHandles(tt.carrierHandles))
			from := fmt.Sprintf("+1212555%04d", 100+i)
			for _, s := range tt.steps {
				code, got := b.text(t, from, s.body, "OptOutType", s.optOutType)
				want := inbound.EmptyTwiML
				if s.wantReply != nil {
					want = twiml(s.wantReply(b.program))
				}
				if code != http.StatusOK || got != want {
					t.Fatalf("text %q: %d %s\nwant 200 %s", s.body, code, got, want)
				}
				if st := b.state(t, from); st != s.wantState {
					t.Fatalf("after %q state = %s, want %s", s.body, st, s.wantState)
				}
			}
		})
	}
}

// Every change of state has its ledger row, with the evidence, and the
// ledger refuses to be changed.
func TestConsentLedger(t *testing.T) {
	t.Parallel()
	b := setup(t)
	from := "+12125550142"
	for _, body := range []string{"JOIN", "STOP", "START", "please stop texting me"} {
		b.text(t, from, body)
	}
	sub, err := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(from))
	if err != nil {
		t.Fatal(err)
	}
	events, err := pgtest.ConsentHistory(context.Background(), b.db, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ from, to, reason string }{
		{"", "active", "JOIN"}, {"active", "stopped", "STOP"}, {"stopped", "active", "START"}, {"active", "stopped", "revocation"},
	}
	if len(events) != len(want) {
		t.Fatalf("ledger has %d rows, want %d", len(events), len(want))
	}
	for i, e := range events {
		from := ""
		if e.FromState != nil {
			from = string(*e.FromState)
		}
		if from != want[i].from || string(e.ToState) != want[i].to || e.Reason != want[i].reason || e.Method != store.MethodKeyword || e.MessageSID == "" {
			t.Errorf("ledger row %d = %s→%s %q %s %q, want %s→%s %q keyword with a MessageSid", i, from, e.ToState, e.Reason, e.Method, e.MessageSID, want[i].from, want[i].to, want[i].reason)
		}
		raw, err := b.vault.Open(vault.Evidence, sub.PhoneHash, e.EvidenceEnc)
		if err != nil || !json.Valid(raw) {
			t.Errorf("ledger row %d evidence does not decrypt: %v", i, err)
		}
	}
	if got := b.count(t, `SELECT count(*) FROM consent_events`); got != 4 {
		t.Errorf("consent_events = %d, want 4", got)
	}
	for _, stmt := range []string{`UPDATE consent_events SET reason = 'x'`, `DELETE FROM consent_events`, `TRUNCATE consent_events`} {
		if _, err := b.db.Pool.Exec(context.Background(), stmt); err == nil {
			t.Errorf("%s succeeded; the ledger must be append-only", stmt)
		}
	}
}

// Every state change and its ledger row commit together: a state change
// whose ledger insert fails leaves nothing behind.
func TestStateChangeAndLedgerAreOneTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	from := "+12125550143"
	b.text(t, from, "JOIN")
	// Make the next ledger insert fail.
	if _, err := b.db.Pool.Exec(context.Background(), `
		CREATE FUNCTION fail_ledger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger unavailable'; END $$;
		CREATE TRIGGER fail_ledger BEFORE INSERT ON consent_events FOR EACH ROW EXECUTE FUNCTION fail_ledger();`); err != nil {
		t.Fatal(err)
	}
	code, _ := b.text(t, from, "STOP")
	if code != http.StatusInternalServerError {
		t.Fatalf("STOP with the ledger failing = %d, want 500 so Twilio retries", code)
	}
	if st := b.state(t, from); st != store.Active {
		t.Fatalf("state = %s after a failed ledger write, want active (nothing half-written)", st)
	}
	if n := b.count(t, `SELECT count(*) FROM inbound_messages`); n != 1 {
		t.Fatalf("inbound_messages = %d, want 1: the failed message must not be recorded", n)
	}
}

// The same MessageSid delivered twice, even at once, has exactly one effect
// and gets the same TwiML.
func TestDuplicateMessageSID(t *testing.T) {
	t.Parallel()
	b := setup(t, carrierHandles(false))
	from := "+12125550144"
	const sid = "SM0123456789abcdef0123456789abcdef"
	const n = 16
	var wg sync.WaitGroup
	answers := make([]string, n)
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], answers[i] = b.textSID(t, sid, from, "JOIN")
		}()
	}
	wg.Wait()
	for i := range n {
		if codes[i] != 200 || answers[i] != twiml(b.program.Replies.Confirmation) {
			t.Fatalf("delivery %d = %d %s, want the confirmation", i, codes[i], answers[i])
		}
	}
	// The JOIN owes step 0; a running sender makes it a job.
	if _, err := b.sender.ScheduleOwed(context.Background()); err != nil {
		t.Fatal(err)
	}
	checks := map[string]int{
		`SELECT count(*) FROM inbound_messages`:                                   1,
		`SELECT count(*) FROM subscribers`:                                        1,
		`SELECT count(*) FROM consent_events`:                                     1,
		`SELECT count(*) FROM inbound_messages WHERE reply_name = 'confirmation'`: 1,
		`SELECT count(*) FROM river_job WHERE kind = 'send_step'`:                 1,
	}
	for q, want := range checks {
		if got := b.count(t, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	// A repeat after the fact: same answer, still one effect, even when the
	// state has moved on since.
	b.text(t, from, "STOP")
	code, got := b.textSID(t, sid, from, "JOIN")
	if code != 200 || got != twiml(b.program.Replies.Confirmation) {
		t.Errorf("late repeat = %d %s, want the first answer", code, got)
	}
	if st := b.state(t, from); st != store.Stopped {
		t.Errorf("state after a repeated JOIN = %s, want stopped", st)
	}
	pgtest.CheckReferences(t, b.db)
}

// Two messages from one new number at once create one subscriber.
func TestConcurrentMessagesFromOneNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); b.text(t, "+12125550145", "JOIN") }()
	}
	wg.Wait()
	if n := b.count(t, `SELECT count(*) FROM subscribers`); n != 1 {
		t.Fatalf("subscribers = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM consent_events`); n != 1 {
		t.Fatalf("consent_events = %d, want 1 (later JOINs change nothing)", n)
	}
}

// Webhooks without a valid signature change nothing.
func TestSignatureRequired(t *testing.T) {
	t.Parallel()
	b := setup(t)
	form := url.Values{"MessageSid": {"SM00000000000000000000000000000001"}, "From": {"+12125550146"}, "Body": {"JOIN"}}
	good := twiliofake.Sign(authToken, b.public+"/twilio/sms", form)
	tampered := url.Values{"MessageSid": form["MessageSid"], "From": form["From"], "Body": {"STOP"}}
	cases := []struct {
		name string
		form url.Values
		sig  string
	}{
		{"no signature", form, ""},
		{"wrong token", form, twiliofake.Sign("other-token", b.public+"/twilio/sms", form)},
		{"signed for another URL", form, twiliofake.Sign(authToken, "https://evil.example/twilio/sms", form)},
		{"body changed after signing", tampered, good},
		{"garbage", form, "not-a-signature"},
	}
	for _, c := range cases {
		if code, _ := b.post(t, "/twilio/sms", c.form, c.sig); code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", c.name, code)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM inbound_messages`) + b.count(t, `SELECT count(*) FROM subscribers`); n != 0 {
		t.Fatalf("unsigned requests left %d rows", n)
	}
	// An extra parameter Twilio adds is covered by the signature like the rest.
	form.Set("NewTwilioField", "x")
	if code, _ := b.post(t, "/twilio/sms", form, twiliofake.Sign(authToken, b.public+"/twilio/sms", form)); code != 200 {
		t.Errorf("signed request with an unknown parameter = %d, want 200", code)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sign := func(f url.Values) string { return twiliofake.Sign(authToken, b.public+"/twilio/sms", f) }
	cases := []struct {
		name string
		form url.Values
		code int
		want string
	}{
		{"no MessageSid", url.Values{"From": {"+12125550147"}, "Body": {"JOIN"}}, 400, "MessageSid is missing"},
		{"not a message SID", url.Values{"MessageSid": {"XX1"}, "From": {"+12125550147"}, "Body": {"JOIN"}}, 400, "MessageSid"},
		{"no From", url.Values{"MessageSid": {"SM00000000000000000000000000000002"}, "Body": {"JOIN"}}, 400, "From is missing"},
		{"bad OptOutType", url.Values{"MessageSid": {"SM00000000000000000000000000000003"}, "From": {"+12125550147"}, "OptOutType": {"MAYBE"}}, 400, "OptOutType"},
		{"sender that is not a phone is ignored", url.Values{"MessageSid": {"SM00000000000000000000000000000004"}, "From": {"whatsapp:+12125550147"}, "Body": {"JOIN"}}, 200, "<Response/>"},
	}
	for _, c := range cases {
		code, body := b.post(t, "/twilio/sms", c.form, sign(c.form))
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %q, want %d containing %q", c.name, code, body, c.code, c.want)
		}
	}
	// A 5 MB body is refused with 413 without being read.
	big := url.Values{"MessageSid": {"SM00000000000000000000000000000005"}, "From": {"+12125550147"}, "Body": {strings.Repeat("a", 5<<20)}}
	if code, _ := b.post(t, "/twilio/sms", big, "x"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("5 MB body: %d, want 413", code)
	}
	if n := b.count(t, `SELECT count(*) FROM inbound_messages`); n != 0 {
		t.Fatalf("bad input left %d messages", n)
	}
}

// No phone number, body or secret in the logs of a whole exchange, at debug level.
func TestLogsCarryNoNumbersOrBodies(t *testing.T) {
	t.Parallel()
	b := setup(t, carrierHandles(false))
	from := "+13125550148"
	bodies := []string{"JOIN", "HELP", "I can't stop using, need someone", "I want to kill myself", "STOP"}
	for _, body := range bodies {
		b.text(t, from, body)
		// The JOIN owes step 0; a running sender makes it a job, whose
		// arguments the dump below reads.
		if _, err := b.sender.ScheduleOwed(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	logs := b.logs.String()
	if !strings.Contains(logs, "inbound message") {
		t.Fatalf("no inbound log lines captured; the test would prove nothing:\n%s", logs)
	}
	for _, secret := range append([]string{from, from[1:], "3125550148", "5550148", authToken}, bodies[2:]...) {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	// Stored encrypted: no table holds the number or the body in the clear.
	var dump string
	b.db.Pool.QueryRow(context.Background(), `
		SELECT string_agg(t::text, ' ') FROM (
			SELECT row_to_json(s)::text AS t FROM subscribers s UNION ALL
			SELECT row_to_json(i)::text FROM inbound_messages i UNION ALL
			SELECT row_to_json(c)::text FROM consent_events c UNION ALL
			-- Job arguments carry IDs only.
			SELECT args::text FROM river_job) x`).Scan(&dump)
	if !strings.Contains(dump, `"subscription"`) {
		t.Fatalf("the dump holds no job arguments; the check would prove nothing")
	}
	for _, secret := range []string{"3125550148", "need someone", "kill myself"} {
		if strings.Contains(dump, secret) {
			t.Errorf("database holds %q in the clear", secret)
		}
	}
}

// "Stop texting me, I want to die": the safety reply and the opt-out
// confirmation in one text, the number stopped, a crisis conversation
// opened for staff.
func TestCrisisThatAlsoRevokes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	from := "+12125550149"
	b.text(t, from, "JOIN")
	code, got := b.text(t, from, "stop texting me, I want to die")
	if code != 200 || got != twiml(b.program.Replies.CrisisOptOut) {
		t.Fatalf("answer = %d %s, want the combined crisis and opt-out reply", code, got)
	}
	if st := b.state(t, from); st != store.Stopped {
		t.Fatalf("state = %s, want stopped", st)
	}
	if n := b.count(t, `SELECT count(*) FROM conversations WHERE status = 'open' AND priority = 0`); n != 1 {
		t.Fatalf("open crisis conversations = %d, want 1", n)
	}
}

// Texts that need a person open the number's conversation (crisis first)
// or join it; staff are told when one newly needs them; other texts from a
// number in a conversation join its thread and change nothing else.
func TestConversationsFromTexts(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var notified []int64
	b := setup(t, func(s *inbound.Service) {
		s.Notify = func(ctx context.Context, tx pgx.Tx, id int64) error {
			mu.Lock()
			defer mu.Unlock()
			notified = append(notified, id)
			return nil
		}
	})
	const stranger, member = "+12125550181", "+12125550182"
	// A crisis from a number never seen: answered at once, and a crisis
	// conversation opens for staff.
	if _, got := b.text(t, stranger, "my brother took a bunch of pills and wont wake up"); got != twiml(b.program.Replies.Crisis) {
		t.Fatalf("crisis answer = %s, want the crisis reply", got)
	}
	var crisisConv int64
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT id FROM conversations WHERE status = 'open' AND priority = 0 AND subscriber_id IS NULL`).Scan(&crisisConv); err != nil {
		t.Fatalf("no open crisis conversation for the stranger: %v", err)
	}
	// Free text from a subscriber: a normal conversation; a second text
	// joins it.
	b.text(t, member, "JOIN")
	b.text(t, member, "can someone call me")
	b.text(t, member, "anytime after 5 is fine")
	if n := b.count(t, `SELECT count(*) FROM conversations WHERE status = 'open' AND priority = 1 AND subscriber_id IS NOT NULL`); n != 1 {
		t.Fatalf("open normal conversations = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM inbound_messages WHERE conversation_id IS NOT NULL AND phone_hash = $1`, b.vault.Hash(member)); n != 2 {
		t.Fatalf("messages in the member's conversation = %d, want the 2 free texts (the JOIN came before it)", n)
	}
	// The stranger writes STOP: it joins the thread, the conversation stays open.
	b.text(t, stranger, "STOP")
	if n := b.count(t, `SELECT count(*) FROM inbound_messages WHERE conversation_id = $1`, crisisConv); n != 2 {
		t.Fatalf("messages in the crisis conversation = %d, want 2", n)
	}
	if n := b.count(t, `SELECT count(*) FROM conversations`); n != 2 {
		t.Fatalf("conversations = %d, want 2", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notified) != 2 || notified[0] != int64(crisisConv) {
		t.Fatalf("staff told of %v, want the 2 conversations as they opened (crisis first)", notified)
	}
}
